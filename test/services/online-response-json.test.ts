import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Array as ArrayOf,
  Bool,
  Bytes,
  Entity,
  FeatureView,
  Field,
  FileSource,
  Float64,
  Int64,
  PushSource,
  String as Str,
} from '../../shared/definitions/index.js';
import type { FeatureStore } from '../../shared/feature-store.js';
import { SqliteOnlineStore } from '../../shared/online/sqlite-online-store.js';
import type { ItemKey } from '../../shared/online/types.js';
import { scalarMembers, scalarMemberSpans } from '../../shared/online/values-json.js';
import { type FeatureStatus, FoundRecord, type Lookup, type LookupColumn, toResponse, type ViewRows } from '../../shared/services/online-response.js';
import { elementJson, toResponseJson } from '../../shared/services/online-response-json.js';
import { seededRandom } from '../../shared/util/random.js';
import { openTestStore } from '../helpers/repo.js';
import { tempDir } from '../helpers/tmp.js';

// The JSON writer of the lookup response must give byte for byte what JSON.stringify gives for the
// same response, whatever the values: the oracle is JSON.stringify itself, on random data.

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const STRINGS = [
  '',
  'plain',
  'com,ma',
  'quo"te',
  'back\\slash',
  'new\nline',
  'tab\t',
  '\u0000ctl',
  'ünïcødé',
  '😀',
  '\ud800lone',
  '"k":1',
  '{"a":[1,2]}',
  '</script>',
];

/** A random value of any shape a feature may hold, scalars most often. */
function randomValue(rand: Rand, depth = 0): unknown {
  const r = rand();
  if (r < 0.25) return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  if (r < 0.35) return Math.floor((rand() - 0.5) * 2 ** 53);
  if (r < 0.4) return pick(rand, [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 5e-324, Number.MAX_VALUE, 0.1 + 0.2]);
  if (r < 0.48) return null;
  if (r < 0.52) return undefined;
  if (r < 0.6) return rand() < 0.5;
  if (r < 0.75) return pick(rand, STRINGS) + (rand() < 0.3 ? String(Math.floor(rand() * 100)) : '');
  if (r < 0.8) return new Date(Math.floor(rand() * 2e12));
  if (r < 0.85 && depth < 2) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
  if (r < 0.9 && depth < 2) return { a: randomValue(rand, depth + 1), 'b,c': randomValue(rand, depth + 1) };
  if (r < 0.93) return new Uint8Array([1, 2, 250]);
  if (r < 0.96) return BigInt(Math.floor(rand() * 1e6)) * 10n ** 12n;
  return Math.floor(rand() * 1000);
}

/** Feature names, some needing escapes in JSON, some sharing prefixes (`f1` / `f10`). */
const FEATURES = ['f1', 'f10', 'f2', 'x', 'with space', 'quo"te', 'back\\slash', 'ünï'];

describe('Online response JSON', () => {
  describe('scalarMemberSpans', () => {
    /** The members as `"name":text` strings, from the byte spans. */
    const members = (json: string): string[] | undefined => {
      const b = Buffer.from(json);
      const spans = scalarMemberSpans(b);
      if (!spans) return undefined;
      return Array.from({ length: spans.length / 3 }, (_, m) => b.toString('utf8', spans[3 * m], spans[3 * m + 2]));
    };

    it('splits a flat object of numbers, booleans and null into its members, keys with commas or non-ASCII included', () => {
      expect(members('{"a":1.5,"b":null,"c":true,"d":-2e-7}')).toEqual(['"a":1.5', '"b":null', '"c":true', '"d":-2e-7']);
      expect(members('{"a,b":1,"ünï":2}')).toEqual(['"a,b":1', '"ünï":2']);
      expect(members('{}')).toEqual([]);
    });

    it.each([
      ['a string value', '{"a":"x","b":1}'],
      ['a string value holding a member', '{"a":"x,\\"b\\":5","b":1}'],
      ['an array value', '{"a":[1,2],"b":3}'],
      ['an object value', '{"a":{"x":1,"b":5},"b":2}'],
      ['a key with an escape', '{"a\\"b":1}'],
      ['an array', '[1,2]'],
      ['an empty value', '{"a":}'],
      ['an empty value before a comma', '{"a":,"b":1}'],
      ['a truncated object', '{"a":1,'],
    ])('refuses %s', (_, json) => {
      expect(members(json)).toBeUndefined();
    });

    it('indexes members by name, never by a longer name sharing a prefix, and shares one layout between records listing the same names', () => {
      const a = scalarMembers(Buffer.from('{"f10":1,"f1":2,"ü":3}'))!;
      expect([...a.layout.index]).toEqual([
        ['f10', 0],
        ['f1', 1],
        ['ü', 2],
      ]);
      expect(a.layout.index.get('f')).toBeUndefined();
      expect(scalarMembers(Buffer.from('{"f10":7.5,"f1":null,"ü":true}'))!.layout).toBe(a.layout);
      expect(scalarMembers(Buffer.from('{"f1":2,"f10":1,"ü":3}'))!.layout).not.toBe(a.layout);
    });

    it('tells layouts apart by their names and order, names that split or join differently included', () => {
      const rand = seededRandom(11);
      const sets = [['ab', 'c'], ['a', 'bc'], ['abc'], ['a'], ['a', 'b'], ['b', 'a'], ['a', 'b', ''], ['', 'a', 'b'], ['ü', 'x'], ['üx']];
      for (let k = 0; k < 300; k++)
        sets.push(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => 'abü'.slice(Math.floor(rand() * 3)).slice(0, 1 + Math.floor(rand() * 2))));
      for (const names of sets) {
        if (new Set(names).size !== names.length) continue;
        for (let round = 0; round < 2; round++) {
          const json = `{${names.map((n, m) => `${JSON.stringify(n)}:${m}`).join(',')}}`;
          expect([...scalarMembers(Buffer.from(json))!.layout.index]).toEqual(names.map((n, m) => [n, m]));
        }
      }
    });
  });

  describe('elementJson', () => {
    it('is JSON.stringify of an array element for every kind of value', () => {
      const rand = seededRandom(11);
      for (let i = 0; i < 2000; i++) {
        const v = randomValue(rand);
        let expected: string | TypeError;
        try {
          expected = JSON.stringify([v]);
        } catch (err) {
          expected = err as TypeError;
        }
        // A bigint, even nested, throws in both.
        if (typeof expected === 'string') expect(`[${elementJson(v)}]`).toBe(expected);
        else expect(() => elementJson(v)).toThrow(TypeError);
      }
      expect(elementJson(() => 1)).toBe('null');
      expect(elementJson(Symbol('s'))).toBe('null');
    });
  });

  describe('toResponseJson', () => {
    let tmp: ReturnType<typeof tempDir>;
    let online: SqliteOnlineStore;
    beforeEach(() => {
      tmp = tempDir();
      online = new SqliteOnlineStore(`${tmp.dir}/online.sqlite`);
    });
    afterEach(async () => (await online.close(), tmp.cleanup()));

    /** A random lookup over records written through the SQLite store, read back both ways (parsed and as stored text). */
    async function randomLookups(rand: Rand): Promise<{ parsed: Lookup; encoded: Lookup }> {
      const views = ['a@v1', 'b@v1'];
      const n = Math.floor(rand() * 12);
      const scalarsOnly = rand() < 0.67;
      // A third of the lookups hold only numbers, booleans and nulls: the stored text's members are copied as bytes.
      const flat = scalarsOnly && rand() < 0.5;
      const viewColumns = views.length * (FEATURES.length + 1);
      const order = rand() < 0.5 ? Array.from({ length: viewColumns }, (_, k) => k).sort(() => rand() - 0.5) : undefined;
      for (const view of views) {
        // Half the views have every row's members in one order (one layout: the column writer's fast path).
        // Names with an escape (a quote, a backslash) are never split: a flat lookup leaves them out so its views take the fast path.
        const names = flat ? FEATURES.filter((f) => !/["\\]/.test(f)) : FEATURES;
        const oneLayout = rand() < 0.5 ? names.filter(() => rand() < 0.85).sort(() => rand() - 0.5) : undefined;
        const rows = Array.from({ length: n }, (_, j) => ({
          entityKey: `e${j}`,
          // Members in a random order, some missing: the writer's order is not the request's.
          values: Object.fromEntries(
            (oneLayout ?? names.filter(() => rand() < 0.85).sort(() => rand() - 0.5)).map((f) => {
              let v = randomValue(rand);
              while ((scalarsOnly && v !== null && typeof v === 'object') || (flat && (v === undefined || typeof v === 'string' || v instanceof Date)))
                v = randomValue(rand);
              return [f, typeof v === 'bigint' ? Number(v) : v];
            }),
          ),
          eventTs: Math.floor(rand() * 2e12),
          createdTs: 0,
        }));
        // Some rows are never written (NOT_FOUND).
        await online.write(
          view,
          rows.filter(() => rand() < 0.8),
          new Date(0),
        );
      }
      const build = async (encoded: boolean): Promise<Lookup> => {
        const byView = new Map<string, ViewRows>();
        for (const view of views) {
          const keys: ItemKey[] = Array.from({ length: n }, (_, j) => ({ entityKey: `e${j}`, view }));
          const stored = encoded ? await online.readEncoded(keys) : await online.read(keys);
          byView.set(view, {
            records: stored.map((s) => (s ? new FoundRecord(s) : undefined)),
            expired: stored.map((s, j) => s !== undefined && (j * 7 + view.length) % 5 === 0),
            timestamps: stored.map((s) => (s ? new Date(s.eventTs).toISOString() : '1970-01-01T00:00:00.000Z')),
          });
        }
        const given: LookupColumn = {
          kind: 'given',
          values: Array.from({ length: n }, () => {
            // Anything JSON.stringify can write (a bigint anywhere in a value cannot be).
            for (;;) {
              const v = randomValue(rand);
              try {
                JSON.stringify(v);
                return v;
              } catch {}
            }
          }),
          statuses: Array.from({ length: n }, () => pick<FeatureStatus>(rand, ['PRESENT', 'NULL_VALUE'])),
          timestamps: Array.from({ length: n }, () => new Date(Math.floor(rand() * 2e12)).toISOString()),
        };
        const columns: LookupColumn[] = [given];
        for (const view of views) for (const feature of [...FEATURES, 'never_written']) columns.push({ kind: 'view', feature, rows: byView.get(view)! });
        // Half the lookups interleave the views' columns (a request naming features of several views in any order).
        if (order) columns.splice(1, columns.length - 1, ...order.map((k) => columns[1 + k]));
        return { featureNames: ['id', ...FEATURES.map((f) => `${f}\u2028`)], warnings: rand() < 0.5 ? ['b@v1 is "deprecated"'] : [], columns };
      };
      const parsed = await build(false);
      const encoded = await build(true);
      // The same given column and warnings in both: only the view columns' reading differs.
      encoded.columns[0] = parsed.columns[0];
      encoded.warnings = parsed.warnings;
      return { parsed, encoded };
    }

    it('is byte for byte JSON.stringify of the response, on random values read parsed and as stored text', async () => {
      const rand = seededRandom(7);
      for (let round = 0; round < 90; round++) {
        const { parsed, encoded } = await randomLookups(rand);
        const expected = JSON.stringify(toResponse(parsed));
        expect(toResponseJson(parsed).toString()).toBe(expected);
        expect(toResponseJson(encoded).toString()).toBe(expected);
        expect(JSON.stringify(toResponse(encoded))).toBe(expected);
        await online.deleteView('a@v1');
        await online.deleteView('b@v1');
      }
    });

    it('throws on a bigint value as JSON.stringify does, instead of writing something else', () => {
      const lookup: Lookup = {
        featureNames: ['x'],
        warnings: [],
        columns: [{ kind: 'given', values: [1n], statuses: ['PRESENT'], timestamps: ['1970-01-01T00:00:00.000Z'] }],
      };
      expect(() => JSON.stringify(toResponse(lookup))).toThrow(TypeError);
      expect(() => toResponseJson(lookup)).toThrow(TypeError);
    });
  });

  describe('getOnlineFeaturesJson', () => {
    const user = new Entity({ name: 'user_id', valueType: Str });
    const mixed = new FeatureView({
      name: 'mixed',
      entities: [user],
      ttl: { hours: 1 },
      schema: [
        new Field({ name: 'score', dtype: Float64 }),
        new Field({ name: 'count', dtype: Int64 }),
        new Field({ name: 'label', dtype: Str }),
        new Field({ name: 'flag', dtype: Bool }),
        new Field({ name: 'blob', dtype: Bytes }),
        new Field({ name: 'tags', dtype: ArrayOf(Str) }),
      ],
      source: new PushSource({ name: 'mixed_push', batchSource: new FileSource({ path: 'data/mixed', timestampField: 'event_timestamp' }) }),
    });
    const numbers = new FeatureView({
      name: 'numbers',
      entities: [user],
      ttl: 0,
      schema: [new Field({ name: 'a', dtype: Float64 }), new Field({ name: 'b', dtype: Float64 })],
      source: new PushSource({ name: 'numbers_push', batchSource: new FileSource({ path: 'data/numbers', timestampField: 'event_timestamp' }) }),
    });
    const T0 = new Date('2024-05-01T12:00:00Z');
    let tmp: ReturnType<typeof tempDir>;
    let store: FeatureStore;
    const clock = { now: T0 };
    beforeEach(async () => {
      tmp = tempDir();
      clock.now = T0;
      store = openTestStore(tmp.dir, clock);
      await store.apply([user, mixed, numbers]);
    });
    afterEach(async () => (await store.close(), tmp.cleanup()));

    it('answers what JSON.stringify(getOnlineFeatures) answers: present, null, missing and expired values of every dtype', async () => {
      const rand = seededRandom(5);
      const ids = Array.from({ length: 40 }, (_, i) => `u${i}`);
      const maybe = <T>(v: T) => (rand() < 0.2 ? null : v);
      await store.push({
        pushSourceName: 'mixed_push',
        rows: ids
          .filter(() => rand() < 0.8)
          .map((id) => ({
            user_id: id,
            // Some rows are past the 1 h TTL at T0.
            event_timestamp: new Date(T0.getTime() - Math.floor(rand() * 2 * 3_600_000)).toISOString(),
            score: maybe((rand() - 0.5) * 1e6),
            count: maybe(Math.floor(rand() * 1e9)),
            label: maybe(
              pick(
                rand,
                STRINGS.filter((s) => !s.includes('\ud800')),
              ),
            ),
            flag: maybe(rand() < 0.5),
            blob: maybe('AQID'),
            tags: maybe(['a', 'b,c']),
          })),
      });
      await store.push({
        pushSourceName: 'numbers_push',
        rows: ids.filter(() => rand() < 0.9).map((id) => ({ user_id: id, event_timestamp: T0.toISOString(), a: maybe(rand() / 3), b: maybe(rand() * 1e300) })),
      });
      for (const features of [
        ['numbers:a', 'numbers:b'],
        ['mixed:score', 'mixed:count', 'mixed:label', 'mixed:flag', 'mixed:blob', 'mixed:tags', 'numbers:b', 'numbers:a'],
      ]) {
        for (const fullFeatureNames of [false, true]) {
          const req = { features, entities: { user_id: [...ids, 'nobody', 'u1'] }, fullFeatureNames };
          const expected = JSON.stringify(await store.getOnlineFeatures(req));
          expect((await store.getOnlineFeaturesJson(req)).toString()).toBe(expected);
          expect(expected).toContain('"PRESENT"');
        }
      }
      const all = JSON.parse((await store.getOnlineFeaturesJson({ features: ['mixed:score'], entities: { user_id: ids } })).toString());
      expect(new Set(all.results[1].statuses)).toEqual(new Set(['PRESENT', 'NULL_VALUE', 'NOT_FOUND', 'OUTSIDE_MAX_AGE']));
    });
  });
});
