import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { prepareClientDir } from './fixture.js';

const DEMO_NOW = '2026-11-01T12:00:00.000Z';
const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'cli/bin.js');

type Raw = { metadata: { feature_names: string[] }; results: { values: unknown[]; statuses: string[]; event_timestamps: string[] }[] };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, object> } };
type Operation = {
  requestBody?: { content: { 'application/json': { example?: unknown } } };
  responses: Record<string, { content?: { 'application/json': { schema: { $ref?: string } } } }>;
};

/** `skewless serve --port 0` on the repo at the demo's clock; resolves with its URL. */
function serve(repo: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, '--repo', repo, 'serve', '--port', '0', '--now', DEMO_NOW], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = /serving \S+ on (http:\/\/[^ ]+)/.exec(err);
      if (m) resolve({ url: m[1], child });
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('the generated client and the OpenAPI document against `skewless serve` on the demo repo', () => {
  const tmp = tempDir();
  const repo = join(tmp.dir, 'feature_repo');
  const app = join(tmp.dir, 'app');
  let server: { url: string; child: ChildProcess };
  let generated: any;

  beforeAll(async () => {
    const demo = spawnSync(process.execPath, ['--import', './cli/register.js', 'examples/demo.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, DEMO_REPO: repo, DEMO_EVENTS: '20000', DEMO_NOW },
    });
    expect(demo.status, demo.stderr).toBe(0);
    const gen = cli(['--repo', repo, 'codegen', '--out', join(app, 'client')]);
    expect(gen.code, gen.stderr).toBe(0);
    prepareClientDir(app);
    generated = await import(join(app, 'client/index.ts'));
    server = await serve(repo);
  }, 180_000);
  afterAll(() => (server?.child.kill(), tmp.cleanup()));

  it('returns, row by row, what `get-online-features` returns', async () => {
    const users = ['u_000001', 'u_000002', 'u_000003', 'nobody'];
    const rows = await generated.createClient({ baseUrl: server.url }).churnModel.get({ user_id: users });
    const r = cli(['--repo', repo, '--json', 'get-online-features', '-s', 'churn_model', '-e', `user_id=${users.join(',')}`, '--now', DEMO_NOW]);
    expect(r.code, r.stderr).toBe(0);
    const raw = JSON.parse(r.stdout) as Raw;
    const features = generated.churnModelSchema.features as { name: string; kind: string }[];
    expect(raw.metadata.feature_names).toEqual(['user_id', ...features.map((f) => f.name)]);
    const decode = (kind: string, v: unknown) => (v === null ? null : kind === 'int64' ? BigInt(v as number) : kind === 'instant' ? new Date(v as string) : v);
    const expected = users.map((user, j) => ({
      entity: { user_id: user },
      values: Object.fromEntries(features.map((f, i) => [f.name, decode(f.kind, raw.results[i + 1].values[j])])),
      statuses: Object.fromEntries(features.map((f, i) => [f.name, raw.results[i + 1].statuses[j]])),
      eventTimestamps: Object.fromEntries(features.map((f, i) => [f.name, new Date(raw.results[i + 1].event_timestamps[j])])),
    }));
    expect(rows).toEqual(expected);
    // The comparison means something: some features are present, and the unknown user is NOT_FOUND
    // in stored views, while its aggregates over no events are PRESENT counts of 0 (docs/aggregations.md).
    expect(Object.values(rows[0].statuses)).toContain('PRESENT');
    expect(rows[3].statuses.preferred_model).toBe('NOT_FOUND');
    expect([rows[3].statuses.sessions_7d, rows[3].values.sessions_7d]).toEqual(['PRESENT', 0n]);
  });

  it('serves a valid OpenAPI 3.1 document, and every documented route answers its example as documented', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as Doc;
    const validation = await new Validator().validate(doc as never);
    expect(validation).toEqual({ valid: true });
    // The same document `skewless openapi` exports.
    expect(JSON.parse(cli(['--repo', repo, 'openapi']).stdout)).toEqual(doc);

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'openapi', components: doc.components });
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
    expect(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual(
      [
        'GET /freshness',
        'GET /health',
        'GET /openapi.json',
        'POST /get-online-features',
        'POST /materialize',
        'POST /materialize-incremental',
        'POST /push',
      ].sort(),
    );
    for (const { path, method, op } of routes) {
      const example = op.requestBody?.content['application/json'].example;
      if (method === 'post') expect(example, `${path} has a request example`).toBeDefined();
      const res = await fetch(`${server.url}${path}`, {
        method: method.toUpperCase(),
        ...(method === 'post' ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(example) } : {}),
      });
      const body = await res.json();
      expect(res.status, `${method} ${path}: ${JSON.stringify(body).slice(0, 300)}`).toBe(200);
      const ref = op.responses['200'].content!['application/json'].schema.$ref;
      if (ref) {
        const ok = ajv.validate({ $ref: `openapi${ref}` }, body);
        expect(ok, `${method} ${path}: ${ajv.errorsText()}`).toBe(true);
      }
      if (method === 'post') {
        // A bad body gets the documented 400 ErrorResponse.
        const bad = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"entities": 3, "df": 3}' });
        expect(bad.status, path).toBe(400);
        expect(ajv.validate({ $ref: `openapi${op.responses['400'].content!['application/json'].schema.$ref}` }, await bad.json()), ajv.errorsText()).toBe(true);
      }
    }
  });

  it('answers 409 once churn_model changed, and the client says what changed', async () => {
    const definitions = join(repo, 'definitions.ts');
    const text = readFileSync(definitions, 'utf8');
    const service = /(name: 'churn_model',\s*features: \[)([^\]]*)\]/.exec(text);
    expect(service, 'churn_model is declared as `name, features: [...]`').not.toBeNull();
    const kept = service![2]
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const dropped = kept.pop()!;
    writeFileSync(definitions, text.replace(service![0], `${service![1]}${kept.join(', ')}]`));
    const apply = cli(['--repo', repo, 'apply']);
    expect(apply.code, apply.stderr).toBe(0);
    await new Promise((r) => setTimeout(r, 1_200)); // serve re-reads the registry after registryCacheSeconds (1 s)

    const err = await generated
      .createClient({ baseUrl: server.url })
      .churnModel.get({ user_id: ['u_000001'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(generated.SchemaMismatchError);
    expect(err.status).toBe(409);
    // Exactly the features of the dropped projection are named, each as removed.
    const generatedCount = generated.churnModelSchema.features.length;
    expect(err.changes.length).toBe(generatedCount - err.details.deployed.features.length);
    expect(err.changes.length, `dropping ${dropped}`).toBeGreaterThan(0);
    for (const c of err.changes) expect(c).toMatch(/^features: '\w+' \(\w+\) removed$/);
    expect(err.message).toMatch(/^feature service 'churn_model' changed since this client was generated: features: '\w+' \(\w+\) removed/);
  });
});
