/**
 * Online lookup through `skewless serve` (a child process) under closed-loop load from this process,
 * next to a bare Node HTTP server answering the very same bytes (`bare-server.js`, the floor), in the
 * same run: Feast's benchmark shape (50 Float64 features; 1 and 100 entities per request). Latency is
 * timed per request with `process.hrtime.bigint()` (microsecond percentiles); the in-process case times
 * the router from a parsed request to response bytes.
 *
 * Environment: BENCH_SECONDS (measured seconds per case and round, default 3), BENCH_ROUNDS (serve and
 * floor alternate this many times per case, samples pooled; default 6), BENCH_WORKERS (serve --workers,
 * default 1), BENCH_WARMUP (seconds each server and the in-process loop run every request shape before
 * anything is measured, default 4: a long-running server is measured warm, its JIT settled, not while
 * it still compiles its hot path), BENCH_SERVE_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
 * to profile serve).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bodyBytes } from '../functions/dev-server/dev-server.js';
import { createRouter } from '../functions/dev-server/router.js';
import type { ApiEvent } from '../functions/lib/types.js';
import { FeatureStore } from '../shared/feature-store.js';
import { releaseResponse } from '../shared/services/online-response-json.js';
import { seededRandom } from '../shared/util/random.js';
import { tempDir } from '../test/helpers/tmp.js';
import { closedLoop, type LoadResult, pooled } from './lib/closed-loop.js';
import { percentile, report, verdicts } from './lib/report.js';
import { syntheticRepo } from './lib/synthetic-repo.js';

const ENTITIES = 10_000;
const FEATURES = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
// Six rounds per side, not two: on a shared 2-core machine one 3 s round of either side can catch a
// burst of other load, and with two rounds the 1-connection p99 ratio of the same code ranged
// 2.4–4.4× in one morning; pooled over six or eight interleaved rounds, three runs stayed within 0.3.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const IN_PROCESS_ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 4);

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

/**
 * CPU seconds (user + system) a process and its children (serve --workers forks them) have used so
 * far, from /proc (Linux); NaN elsewhere.
 */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    let total = (Number(fields[11]) + Number(fields[12])) / 100;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      // A child gone in between counts nothing more.
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean)) total += cpuSeconds(Number(child)) || 0;
    }
    return total;
  } catch {
    return Number.NaN;
  }
}

/** Stops a child and waits for it (serve writes its CPU profile on the way out). */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

interface Case {
  name: string;
  entities: number;
  connections: number;
}

const CASES: Case[] = [
  { name: '1 entity, 1 connection', entities: 1, connections: 1 },
  { name: '1 entity, 8 connections', entities: 1, connections: 8 },
  { name: '100 entities, 8 connections', entities: 100, connections: 8 },
];

export async function benchOnline(): Promise<void> {
  const tmp = tempDir('skewless-bench-');
  const { definitions, features } = await syntheticRepo(tmp.dir, { entities: ENTITIES, features: FEATURES });
  const setupStore = await FeatureStore.open(tmp.dir);
  await setupStore.apply(definitions);
  await setupStore.materialize({ start: new Date(0), end: new Date('2025-01-01T00:00:00Z') });
  await setupStore.close();
  const rand = seededRandom(3);
  const bodiesFor = (n: number) =>
    Array.from({ length: 50 }, () => JSON.stringify({ features, entities: { user_id: Array.from({ length: n }, () => `u${Math.floor(rand() * ENTITIES)}`) } }));
  const requestBodies: Record<number, string[]> = { 1: bodiesFor(1), 100: bodiesFor(100) };

  const store = await FeatureStore.open(tmp.dir);
  const route = createRouter(async () => store);
  const eventOf = (body: string): ApiEvent => ({
    httpMethod: 'POST',
    path: '/get-online-features',
    headers: { 'content-type': 'application/json', host: '127.0.0.1' },
    queryStringParameters: null,
    body,
    isBase64Encoded: false,
    requestContext: { requestId: 'bench' },
  });
  // The floor answers each request body with the very bytes skewless returns for it.
  const responses: Record<string, string> = {};
  for (const n of [1, 100]) {
    for (const body of requestBodies[n]) {
      const r = await route(eventOf(body));
      if (r.statusCode !== 200) throw new Error(`lookup answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
      responses[body] = r.body;
    }
  }
  const bodiesFile = join(tmp.dir, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(responses));

  const serveArgs = [...(process.env.BENCH_SERVE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
  const serve = await startChild([
    ...serveArgs,
    join(import.meta.dirname, '../cli/bin.js'),
    '--repo',
    tmp.dir,
    'serve',
    '--port',
    '0',
    ...(WORKERS > 1 ? ['--workers', String(WORKERS)] : []),
  ]);
  const bare = await startChild([join(import.meta.dirname, 'bare-server.js'), bodiesFile]);
  // Both servers run every request shape first, the same time each (closed-loop runs also warm up 0.5 s).
  for (const port of [serve.port, bare.port]) {
    for (const n of [1, 100])
      await closedLoop({ port, path: '/get-online-features', bodies: requestBodies[n], connections: 8, seconds: WARMUP / 2, warmupSeconds: 0 });
  }
  const rows: Record<string, unknown>[] = [];
  const measured = new Map<string, { s: LoadResult; b: LoadResult }>();
  try {
    for (const c of CASES) {
      const runs = { s: [] as LoadResult[], b: [] as LoadResult[] };
      // CPU time per request of each server: on a shared, busy machine it varies far less than wall-clock rates do.
      const cpu = { s: 0, b: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        for (const [side, port] of [
          ['s', serve.port],
          ['b', bare.port],
        ] as const) {
          const pid = (side === 's' ? serve : bare).child.pid!;
          const cpu0 = cpuSeconds(pid);
          const r = await closedLoop({ port, path: '/get-online-features', bodies: requestBodies[c.entities], connections: c.connections, seconds: SECONDS });
          // The warm-up's requests are in the CPU time too.
          cpu[side] += (cpuSeconds(pid) - cpu0) / (r.requests + r.warmupRequests);
          if (r.errors) throw new Error(`${side === 's' ? 'skewless' : 'floor'} answered ${r.errors} non-200 responses (${c.name})`);
          runs[side].push(r);
        }
      }
      const s = pooled(runs.s);
      const b = pooled(runs.b);
      measured.set(c.name, { s, b });
      rows.push({
        case: c.name,
        response_bytes: Buffer.byteLength(responses[requestBodies[c.entities][0]]),
        p50_us: Math.round(s.p50Ms * 1000),
        p99_us: Math.round(s.p99Ms * 1000),
        rps: Math.round(s.rps),
        floor_p50_us: Math.round(b.p50Ms * 1000),
        floor_p99_us: Math.round(b.p99Ms * 1000),
        floor_rps: Math.round(b.rps),
        p99_cost: s.p99Ms / b.p99Ms,
        rps_speed: s.rps / b.rps,
        cpu_us_per_req: Math.round((cpu.s / ROUNDS) * 1e6),
        floor_cpu_us_per_req: Math.round((cpu.b / ROUNDS) * 1e6),
        cpu_speed: cpu.b / cpu.s,
      });
    }
  } finally {
    await stop(serve.child);
    await stop(bare.child);
  }

  // In process: the router (zod, handler, lookup, JSON) from a parsed request to response bytes.
  const inProcess: number[] = [];
  const events = requestBodies[100].map(eventOf);
  const warmUntil = performance.now() + WARMUP * 1000;
  for (let i = 0; performance.now() < warmUntil; i++) {
    const r = await route(events[i % events.length]);
    const bytes = bodyBytes(r);
    if (typeof bytes !== 'string') releaseResponse(bytes);
  }
  for (let i = 0; i < IN_PROCESS_ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    const r = await route(events[i % events.length]);
    // The bytes `serve` writes (a string body is encoded by the socket); serve returns them to their pool once sent.
    const bytes = bodyBytes(r);
    const t1 = process.hrtime.bigint();
    if (r.statusCode !== 200 || bytes.length === 0) throw new Error(`in-process lookup answered ${r.statusCode}`);
    if (typeof bytes !== 'string') releaseResponse(bytes);
    inProcess.push(Number(t1 - t0) / 1e6);
  }
  await store.close();
  tmp.cleanup();
  const inP50 = percentile(inProcess, 50);
  const inP99 = percentile(inProcess, 99);
  rows.push({
    case: `in process, 100 entities (router → bytes, ${IN_PROCESS_ITERATIONS} iterations after ${WARMUP} s warm)`,
    response_bytes: Buffer.byteLength(responses[requestBodies[100][0]]),
    p50_us: Math.round(inP50 * 1000),
    p99_us: Math.round(inP99 * 1000),
  });

  report(
    'online-serve',
    `POST /get-online-features via \`skewless serve\`${WORKERS > 1 ? ` --workers ${WORKERS}` : ''} (SQLite, ${ENTITIES} entities, ${FEATURES} Float64 features), closed-loop load (keep-alive, hrtime per request) from the bench process after ${WARMUP} s of warm-up per server, ${ROUNDS} alternating rounds × ${SECONDS} s per side and case; floor: bare node:http answering the same bytes, same run. p99_cost = p99 / floor p99 (lower is better); rps_speed = req/s / floor req/s; cpu_speed = floor CPU time per request / serve's (the server process's user + system time, /proc)`,
    [
      'case',
      'response_bytes',
      'p50_us',
      'p99_us',
      'rps',
      'floor_p50_us',
      'floor_p99_us',
      'floor_rps',
      'p99_cost',
      'rps_speed',
      'cpu_us_per_req',
      'floor_cpu_us_per_req',
      'cpu_speed',
    ],
    rows,
    {
      setup: {
        entities: ENTITIES,
        features: FEATURES,
        secondsPerRound: SECONDS,
        rounds: ROUNDS,
        warmupSeconds: WARMUP,
        workers: WORKERS,
        store: 'SQLite (local provider)',
      },
    },
  );
  const one = measured.get(CASES[0].name)!;
  const eight = measured.get(CASES[1].name)!;
  const hundred = measured.get(CASES[2].name)!;
  verdicts('online-serve', [
    { target: 'p99 / floor p99, 1 entity × 50, 1 connection', value: one.s.p99Ms / one.b.p99Ms, threshold: 2, better: 'lower' },
    { target: 'req/s / floor req/s, 1 entity × 50, 8 connections', value: eight.s.rps / eight.b.rps, threshold: 0.5, better: 'higher' },
    { target: 'req/s / floor req/s, 100 entities × 50, 8 connections', value: hundred.s.rps / hundred.b.rps, threshold: 0.4, better: 'higher' },
    { target: 'in process, 100 × 50, parsed request → response bytes, p50', value: inP50, threshold: 0.6, better: 'lower', unit: 'ms' },
  ]);
}
