/**
 * Online lookup through `skewless serve` (a child process) under load from this process
 * (autocannon), next to a bare Node HTTP server returning bodies of the same size: Feast's
 * benchmark shape (50 features; 1, 10 and 100 entities per request).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { FeatureStore } from '../shared/feature-store.js';
import { seededRandom } from '../shared/util/random.js';
import { tempDir } from '../test/helpers/tmp.js';
import { report } from './lib/report.js';
import { syntheticRepo } from './lib/synthetic-repo.js';

const ENTITIES = 10_000;
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = 10;

function startChild(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING: '1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const m = /PORT (\d+)|http:\/\/[\d.]+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1] ?? m[2]) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

function load(url: string, bodies: string[]): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: bodies.map((body) => ({ method: 'POST', path: new URL(url).pathname, body, headers: { 'content-type': 'application/json' } })),
  });
}

export async function benchOnline(): Promise<void> {
  const tmp = tempDir('skewless-bench-');
  const { definitions, features } = await syntheticRepo(tmp.dir, { entities: ENTITIES, features: 50 });
  const store = await FeatureStore.open(tmp.dir);
  await store.apply(definitions);
  await store.materialize({ start: new Date(0), end: new Date('2030-01-01T00:00:00Z') });
  const rand = seededRandom(3);
  const bodiesFor = (n: number) =>
    Array.from({ length: 50 }, () => JSON.stringify({ features, entities: { user_id: Array.from({ length: n }, () => `u${Math.floor(rand() * ENTITIES)}`) } }));
  const sizes = [1, 10, 100];
  const requestBodies = Object.fromEntries(sizes.map((n) => [n, bodiesFor(n)]));
  const responses: Record<string, string> = {};
  for (const n of sizes) responses[`/b${n}`] = JSON.stringify(await store.getOnlineFeatures(JSON.parse(requestBodies[n][0]) as never));
  await store.close();
  const bodiesFile = join(tmp.dir, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(responses));

  const serve = await startChild([join(import.meta.dirname, '../cli/bin.js'), '--repo', tmp.dir, 'serve', '--port', '0']);
  const bare = await startChild([join(import.meta.dirname, 'bare-server.js'), bodiesFile]);
  const rows: Record<string, unknown>[] = [];
  try {
    for (const n of sizes) {
      const s = await load(`http://127.0.0.1:${serve.port}/get-online-features`, requestBodies[n]);
      const b = await load(`http://127.0.0.1:${bare.port}/b${n}`, requestBodies[n]);
      if (s.non2xx || s.errors) throw new Error(`skewless answered ${s.non2xx} non-2xx, ${s.errors} errors`);
      rows.push({
        entities: n,
        features: 50,
        response_bytes: responses[`/b${n}`].length,
        p50_ms: s.latency.p50,
        p99_ms: s.latency.p99,
        mean_ms: s.latency.average,
        rps: Math.round(s.requests.average),
        bare_p50_ms: b.latency.p50,
        bare_p99_ms: b.latency.p99,
        bare_mean_ms: b.latency.average,
        bare_rps: Math.round(b.requests.average),
        // autocannon's percentiles are whole milliseconds, so the latency ratio uses the means.
        latency_speed: b.latency.average / s.latency.average,
        rps_speed: s.requests.average / b.requests.average,
      });
    }
  } finally {
    serve.child.kill();
    bare.child.kill();
    tmp.cleanup();
  }
  report(
    'online-serve',
    `POST /get-online-features via \`skewless serve\` (SQLite), 50 features, autocannon ${CONNECTIONS} connections × ${DURATION} s per case; baseline: bare Node HTTP server answering a same-size body`,
    ['entities', 'p50_ms', 'p99_ms', 'mean_ms', 'rps', 'bare_p50_ms', 'bare_p99_ms', 'bare_mean_ms', 'bare_rps', 'latency_speed', 'rps_speed'],
    rows,
    {
      setup: {
        entities: ENTITIES,
        features: 50,
        connections: CONNECTIONS,
        secondsPerCase: DURATION,
        store: 'SQLite (local provider)',
        load: 'autocannon in a second process',
      },
    },
  );
}
