import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Entity, FeatureView, Field, FileSource, Float64, PushSource } from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import type { FeatureViewSpec, FileSourceSpec, RegistryData } from '../../shared/registry/types.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin.js');

/**
 * The browser the UI tests drive: CHROME_PATH, else `chromium` / `chromium-browser` / `google-chrome`
 * on PATH. Missing is a failure, not a skip (.ci/run installs Debian's chromium).
 */
export function chromiumPath(): string {
  const candidates = [
    process.env.CHROME_PATH,
    ...['chromium', 'chromium-browser', 'google-chrome'].map((c) => spawnSync('sh', ['-c', `command -v ${c}`], { encoding: 'utf8' }).stdout.trim()),
  ];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error('no Chromium found: set CHROME_PATH or `apt-get install -y chromium` (.ci/run does it)');
  return found;
}

/** `npm run demo` into `repo` on a fixed clock (what the README tells users to run first). */
export function runDemo(repo: string, now: string): void {
  const r = spawnSync(process.execPath, ['--import', './cli/register.js', 'examples/demo.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, DEMO_REPO: repo, DEMO_EVENTS: '20000', DEMO_NOW: now },
  });
  if (r.status !== 0) throw new Error(`demo failed (${r.status}): ${r.stderr}\n${r.stdout.slice(-2000)}`);
}

const fileSource = (s: FileSourceSpec) =>
  new FileSource({
    name: s.name,
    path: s.path,
    timestampField: s.timestampField,
    ...(s.createdTimestampColumn ? { createdTimestampColumn: s.createdTimestampColumn } : {}),
    ...(Object.keys(s.fieldMapping).length ? { fieldMapping: s.fieldMapping } : {}),
  });

/**
 * Registers `view@v(N+1)` beside the demo's first stored (not aggregation) view with two or more features, as a user would
 * with `version: N+1`: the last field removed (BREAKING), a Float64 field added. Returns its spec's name.
 */
export async function addBreakingVersion(store: FeatureStore): Promise<{ view: string; removed: string; added: string; from: number; to: number }> {
  const data = (await store.registryDump())!;
  const v1 = Object.values(data.featureViews).find((v) => !v.aggregation && v.features.length >= 2 && v.entities.length === 1)!;
  const e = data.entities[v1.entities[0]];
  const entity = new Entity({
    name: e.name,
    valueType: e.valueType as Exclude<typeof e.valueType, 'Bytes'>,
    description: e.description,
    ...(e.joinKeys[0] !== e.name ? { joinKeys: e.joinKeys } : {}),
  });
  const source =
    v1.source.kind === 'PushSource' ? new PushSource({ name: v1.source.name, batchSource: fileSource(v1.source.batchSource) }) : fileSource(v1.source);
  const removed = v1.features.at(-1)!.name;
  const v2 = new FeatureView({
    name: v1.name,
    version: v1.version + 1,
    entities: [entity],
    ttl: { seconds: v1.ttlSeconds },
    schema: [
      ...v1.features.slice(0, -1).map((f) => new Field({ name: f.name, dtype: f.dtype as Exclude<typeof f.dtype, 'Bytes'> })),
      new Field({ name: 'engagement_score', dtype: Float64 }),
    ],
    source,
    online: v1.online,
    ...(v1.owner ? { owner: v1.owner } : {}),
    tags: v1.tags,
  });
  await store.apply([entity, source, v2], { partial: true });
  return { view: v1.name, removed, added: 'engagement_score', from: v1.version, to: v1.version + 1 };
}

/** A training dataset as the training workflow registers it (provider aws writes these), built for the first service. */
export async function registerDataset(store: FeatureStore, now: Date): Promise<{ name: string; service: string; rows: number }> {
  return store.context.registryStore.update((cur) => {
    const next: RegistryData = structuredClone(cur!);
    const service = Object.values(next.featureServices)[0];
    const features = service.projections.flatMap((p) => p.features.map((f) => `${p.view}:${f}`));
    next.datasets = {
      ...(next.datasets ?? {}),
      churn_training_2026_10: {
        name: 'churn_training_2026_10',
        s3Uri: 's3://example-data/datasets/churn_training_2026_10/run-1/',
        rowCount: 48_213,
        schema: [
          { name: 'user_id', type: 'string' },
          { name: 'event_timestamp', type: 'timestamp' },
          ...features.map((f) => ({ name: f.split(':')[1], type: 'double' })),
        ],
        features,
        createdAt: now.toISOString(),
      },
    };
    return { next, result: { name: 'churn_training_2026_10', service: service.name, rows: 48_213 } };
  });
}

/** Starts `skewless ui --port 0` as users do (this clone's, or the `bin` of an installed package); resolves with its URL once it listens. */
export async function startUi(repo: string, args: string[], bin = BIN): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, '--repo', repo, 'ui', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`skewless ui did not start: ${err}`)), 90_000);
    child.stderr!.on('data', (d) => {
      err += d;
      const m = / on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`skewless ui exited ${code}: ${err}`)));
  });
  return { url, child, stderr: () => err };
}

export type { FeatureViewSpec };
