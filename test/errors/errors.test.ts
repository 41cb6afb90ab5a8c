import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { outputsToEnv } from '../../infra/outputs-env.js';
import { quarantineFromEnv } from '../../functions/stream-quarantine.js';
import { ArrayOf } from '../../shared/definitions/dtypes.js';
import * as errors from '../../shared/errors.js';
import { parseS3Uri } from '../../shared/offline/athena/s3-parquet.js';
import { baseTimestampLiteral, hivePathFilter } from '../../shared/offline/sql/dialect.js';
import { duckdbDialect } from '../../shared/offline/sql/duckdb-dialect.js';
import { intervalSeconds, quoteIdentifier, quoteString } from '../../shared/offline/sql/quote.js';
import { trinoDialect } from '../../shared/offline/sql/trino-dialect.js';
import { unloadStatement } from '../../shared/offline/sql/unload.js';

const { ERROR_CODES, SkewlessError, errorBody } = errors;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The "Error codes" table of docs/errors.md: code → HTTP status. */
function documentedCodes(): Map<string, number> {
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \| .+ \|$/gm)];
  return new Map(rows.map((m) => [m[1], Number(m[2])]));
}

/** One instance of every error class shared/errors.ts exports (a new class must be added here). */
const SAMPLES: Record<string, () => InstanceType<typeof SkewlessError>[]> = {
  SkewlessError: () => [new SkewlessError('m', { code: 'INTERNAL', status: 500 })],
  ValidationError: () => [new errors.ValidationError('m', [{ field: 'f', message: 'x' }])],
  NotFoundError: () => [new errors.NotFoundError('feature view', 'v')],
  ConflictError: () => [new errors.ConflictError('m')],
  LimitExceededError: () => [new errors.LimitExceededError('rows', 'm', 10)],
  ServiceUnavailableError: () => [new errors.ServiceUnavailableError('m'), new errors.ServiceUnavailableError('m', { code: 'PUSH_FAILED' })],
  OnlineWriteIncompleteError: () => [new errors.OnlineWriteIncompleteError('v@v1', 1, 2, new Error('boom'))],
  DefinitionError: () => [new errors.DefinitionError('FeatureView', 'v', 'select', 'm')],
  UnsupportedError: () => [new errors.UnsupportedError('m')],
  ConfigurationError: () => [new errors.ConfigurationError('m')],
  InternalError: () => [new errors.InternalError('m')],
  PayloadTooLargeError: () => [new errors.PayloadTooLargeError(10)],
  UnsupportedMediaTypeError: () => [new errors.UnsupportedMediaTypeError('text/plain')],
  MethodNotAllowedError: () => [new errors.MethodNotAllowedError('GET', '/push', 'POST')],
  ForbiddenError: () => [
    new errors.ForbiddenError('HOST_NOT_ALLOWED', 'm', 'host'),
    new errors.ForbiddenError('ORIGIN_NOT_ALLOWED', 'm', 'origin'),
    new errors.ForbiddenError('UNAUTHORIZED', 'm', 'authorization'),
  ],
  TransformationError: () => [new errors.TransformationError('odfv', 'm')],
  TransformationDriftError: () => [new errors.TransformationDriftError('odfv', 'a', 'b')],
  SchemaMismatchError: () => [new errors.SchemaMismatchError('svc', 'a', { hash: 'b', summary: 's', schema: {} })],
  RegistryConflictError: () => [new errors.RegistryConflictError('s3://b/registry.json', 5)],
  SourceFileMissingError: () => [new errors.SourceFileMissingError('s3://b/k.parquet')],
  IncompleteRunError: () => [new errors.IncompleteRunError({ runId: 'v/1-2', chunks: [0, 1] }, [1])],
  AthenaQueryError: () => [new errors.AthenaQueryError('q', 'FAILED', 'r')],
  AthenaTimeoutError: () => [new errors.AthenaTimeoutError('q', 1000)],
  OnlineStoreUnavailableError: () => [new errors.OnlineStoreUnavailableError('m')],
  PushIncompleteError: () => [new errors.PushIncompleteError('m', { offline: 'written', online: [] }, new Error('boom'))],
};

describe('shared/errors.ts is the one home of errors', () => {
  it('documents every ErrorCode in docs/errors.md, and nothing else', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('every exported error class maps to a code of the union, with the documented status', () => {
    const classes = Object.entries(errors).filter(([, v]) => typeof v === 'function' && (v === SkewlessError || v.prototype instanceof SkewlessError));
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(SAMPLES).sort());
    const documented = documentedCodes();
    for (const [name, Class] of classes) {
      for (const e of SAMPLES[name]()) {
        expect(e, name).toBeInstanceOf(Class);
        expect(ERROR_CODES, name).toContain(e.code);
        if (name !== 'SkewlessError') expect(e.status, `${name} ${e.code}`).toBe(documented.get(e.code));
        expect(e.name).toBe(name);
      }
    }
  });

  it("errorBody's own codes are in the union and documented", () => {
    const documented = documentedCodes();
    const internal = errorBody(new Error('secret'));
    const transient = errorBody(Object.assign(new Error('x'), { name: 'ThrottlingException' }));
    expect(internal).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } });
    expect(transient).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
    expect(documented.get(internal.body.error.code)).toBe(500);
    expect(documented.get(transient.body.error.code)).toBe(503);
  });

  it('imports nothing of ours (every layer imports it, so it must not import back)', () => {
    const src = readFileSync(join(ROOT, 'shared/errors.ts'), 'utf8');
    expect(src).not.toMatch(/^\s*import\s/m);
    expect(src).not.toMatch(/\bfrom\s+['"]/);
  });

  it('no product code throws a plain Error or declares an error class outside shared/errors.ts', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === 'node_modules' || name === 'cdk.out') continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.[cm]?tsx?$/.test(name) && !name.endsWith('.d.ts')) {
          const rel = relative(ROOT, path);
          if (rel === join('shared', 'errors.ts')) continue;
          // The runtime of generated clients is copied into users' projects and depends on zod alone: its errors are the client's own.
          if (rel.startsWith(join('shared', 'codegen', 'runtime'))) continue;
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/throw new (Type|Range)?Error\(|\bextends (Type|Range)?Error\b|\bextends SkewlessError\b/.test(line))
                offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const dir of ['shared', 'functions', 'cli', 'infra', 'examples/feature_repo']) walk(join(ROOT, dir));
    expect(offenders).toEqual([]);
  });
});

/** Each of these threw a plain Error (an anonymous 500 through errorBody) before; now a caller sees why. */
describe('replaced throws answer with their class, code and status', () => {
  const caught = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return err;
    }
    throw new errors.InternalError('expected a throw');
  };
  const answer = (f: () => unknown) => errorBody(caught(f));

  it('caller input mistakes are 400 VALIDATION_ERROR naming the field, message unchanged', () => {
    const cases: [() => unknown, string, RegExp][] = [
      [() => parseS3Uri('gs://b/k'), 'uri', /not an s3:\/\/ URI: gs:\/\/b\/k/],
      [() => quoteIdentifier(''), 'identifier', /unsafe SQL identifier/],
      [() => quoteString('a\0'), 'literal', /unsafe SQL string literal/],
      [() => intervalSeconds(-1), 'interval', /invalid interval: -1/],
      [() => baseTimestampLiteral(new Date(Number.NaN)), 'timestamp', /invalid timestamp/],
      [() => unloadStatement('SELECT 1', 'file:///tmp/x'), 'output', /UNLOAD target must be an s3:\/\/ prefix/],
      [() => outputsToEnv({ A: { Bucket: 'b', Table: 't' }, B: { Bucket: 'b', Table: 't' } }), 'stack', /outputs-env: name the stack \(one of A, B\)/],
    ];
    for (const [f, field, message] of cases) {
      const r = answer(f);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_ERROR');
      expect(r.body.error.message).toMatch(message);
      expect(r.body.error.details).toMatchObject({ issues: [{ field }] });
    }
  });

  it('a dialect asked for what it does not do is 400 UNSUPPORTED', () => {
    const duck = answer(() => duckdbDialect().objectFilter(['s3://b/k']));
    expect(duck).toMatchObject({
      status: 400,
      body: { error: { code: 'UNSUPPORTED', message: 'the duckdb dialect reads files, listed in the relation itself' } },
    });
    const trino = answer(() => trinoDialect().relation({ kind: 'files', files: ['/x.parquet'] } as never, [], []));
    expect(trino).toMatchObject({ status: 400, body: { error: { code: 'UNSUPPORTED', message: 'the trino dialect reads catalog tables, not files' } } });
  });

  it('a broken invariant is 500 INTERNAL with its message kept', () => {
    const e = caught(() => hivePathFilter([]));
    expect(e).toBeInstanceOf(errors.InternalError);
    expect(e).toMatchObject({ code: 'INTERNAL', status: 500, message: 'an object filter needs at least one object' });
  });

  it('a missing Lambda environment variable is a 500 CONFIGURATION_ERROR naming the variable', () => {
    const r = answer(() => quarantineFromEnv({}));
    expect(r).toMatchObject({
      status: 500,
      body: { error: { code: 'CONFIGURATION_ERROR', message: 'SKEWLESS_BUCKET is not set: invalid stream records have nowhere to go' } },
    });
    const missing = caught(() => outputsToEnv({ S: { Bucket: 'b', Table: 't' } }));
    expect(missing).toBeInstanceOf(errors.ConfigurationError);
    expect((missing as Error).message).toMatch(/outputs-env: stack S has no output /);
  });

  it('ArrayOf of a non-scalar is a DefinitionError naming the field', () => {
    const e = caught(() => ArrayOf('Array(Int64)' as never));
    expect(e).toBeInstanceOf(errors.DefinitionError);
    expect(e).toMatchObject({ code: 'DEFINITION_ERROR', status: 400, details: { field: 'of' } });
    expect((e as Error).message).toMatch(/expected a scalar dtype such as Int64, got Array\(Int64\)/);
  });
});
