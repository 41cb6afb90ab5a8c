import { z } from 'zod';
import type { Entity } from './entity.js';
import { AggregationOptions, resolveAggregations, type Aggregation } from './aggregation.js';
import { Field } from './field.js';
import type { DataSource } from './sources.js';
import { parseFreshnessSla } from './freshness-sla.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';
import { DefinitionError } from '../errors.js';

const fields = z.array(z.custom<Field>((v) => (v as Field)?.kind === 'Field', 'expected a Field')).min(1);

const FeatureViewOptions = z
  .strictObject({
    name: s.name,
    entities: z.array(z.custom<Entity>((v) => (v as Entity)?.kind === 'Entity', 'expected an Entity')).min(1),
    ttl: s.duration.default(0),
    /** The features; absent on an aggregation view, whose features are its aggregations. */
    schema: fields.optional(),
    /** Aggregation views: the event columns the aggregations read (join keys and timestamps aside). */
    eventSchema: fields.optional(),
    /** Windowed aggregations over the source's events (docs/aggregations.md). */
    aggregations: z.array(AggregationOptions).min(1).optional(),
    /** The tile size of the online partial aggregates; must divide every window (default 1h, or the largest that divides them). */
    aggregationInterval: s.duration.optional(),
    source: z.custom<DataSource>((v) => ['FileSource', 'PushSource'].includes((v as DataSource)?.kind), 'expected a FileSource or a PushSource'),
    online: z.boolean().default(true),
    version: z.number().int().min(1).default(1),
    batch: z
      .strictObject({
        input: z.string().min(1),
        compute: z.custom<BatchCompute>((v) => typeof v === 'function', 'expected a function (ctx) => Promise<number>'),
      })
      .optional(),
    ...s.common,
  })
  .superRefine((o, ctx) => {
    const joinKeys = new Set(o.entities.flatMap((e) => e.joinKeys));
    const checkNames = (names: string[], at: (i: number) => (string | number)[], what: string) => {
      const seen = new Set<string>();
      names.forEach((name, i) => {
        if (seen.has(name)) ctx.addIssue({ code: 'custom', path: at(i), message: `duplicate ${what} '${name}'` });
        if (joinKeys.has(name)) ctx.addIssue({ code: 'custom', path: at(i), message: `'${name}' is a join key, not a ${what === 'field' ? 'feature' : what}` });
        seen.add(name);
      });
    };
    if (o.aggregations) {
      for (const key of ['schema', 'ttl'] as const) {
        if (key === 'schema' ? o.schema : o.ttl)
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message:
              key === 'schema'
                ? 'an aggregation view derives its features from aggregations; declare the event columns in eventSchema'
                : 'an aggregation view looks back over its windows, not a ttl',
          });
      }
      if (!o.eventSchema) {
        ctx.addIssue({ code: 'custom', path: ['eventSchema'], message: 'an aggregation view needs the event columns its aggregations read' });
        return;
      }
      checkNames(
        o.eventSchema.map((f) => f.name),
        (i) => ['eventSchema', i, 'name'],
        'event column',
      );
      const resolved = resolveAggregations(o.aggregations, o.eventSchema, o.aggregationInterval);
      for (const issue of resolved.issues) ctx.addIssue({ code: 'custom', ...issue });
      checkNames(
        resolved.aggregations.map((a) => a.name),
        (i) => ['aggregations', resolved.declaredAt[i], 'name'],
        'feature',
      );
    } else {
      if (!o.schema) ctx.addIssue({ code: 'custom', path: ['schema'], message: 'expected the features (or aggregations over events)' });
      for (const key of ['eventSchema', 'aggregationInterval'] as const) {
        if (o[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'applies to aggregation views only (declare aggregations)' });
      }
      if (o.schema)
        checkNames(
          o.schema.map((f) => f.name),
          (i) => ['schema', i, 'name'],
          'field',
        );
    }
    const sla = o.tags.freshness_sla;
    if (sla !== undefined && parseFreshnessSla(sla) === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tags', 'freshness_sla'], message: `'${sla}' is not realtime, hourly, daily or a duration like 90m / PT26H` });
    }
  });
export type FeatureViewOptions = z.input<typeof FeatureViewOptions>;

/** What a batch transformation gets: where its raw input is, the as-of time, and where to write. */
export interface BatchContext {
  /** Absolute path of the raw input (file or directory). */
  input: string;
  /** Aggregate as of this instant: nothing after it may be read. */
  asOf: Date;
  /** The created timestamp to stamp on output rows. */
  createdAt: Date;
  /** Absolute path of the Parquet file to write. */
  outputPath: string;
  /** An embedded DuckDB session (UTC) to run the transformation's SQL. */
  db: {
    run(sql: string): Promise<void>;
    all(sql: string): Promise<Record<string, unknown>[]>;
    copyTo(sql: string, path: string, format: 'parquet'): Promise<void>;
  };
}

/** Computes a view's rows as of `ctx.asOf` into `ctx.outputPath`; returns the number of rows written. */
export type BatchCompute = (ctx: BatchContext) => Promise<number>;

/** A FeatureView declared with aggregations: the three aggregation members are present. */
export type AggregationFeatureView = FeatureView & {
  readonly aggregations: readonly Aggregation[];
  readonly eventSchema: readonly Field[];
  readonly aggregationIntervalSeconds: number;
};

/** A subset of a view's features, as used by a FeatureService. */
export interface FeatureViewProjection {
  readonly kind: 'FeatureViewProjection';
  readonly view: FeatureView;
  readonly features: readonly string[];
}

/**
 * A group of features about the same entities, from one source, with a TTL and a version.
 * @example
 * new FeatureView({ name: 'user_activity', entities: [user], ttl: { days: 7 },
 *   schema: [new Field({ name: 'sessions_7d', dtype: Int64 })], source: activityFiles })
 * @example An aggregation view: features derived from windowed aggregations over events
 * new FeatureView({ name: 'user_events_agg', entities: [user], source: userEvents,
 *   eventSchema: [new Field({ name: 'tokens', dtype: Int64 })],
 *   aggregations: [{ column: 'tokens', function: 'sum', window: '7d' }] }) // feature tokens_sum_7d
 */
export class FeatureView {
  readonly kind = 'FeatureView' as const;
  readonly name: string;
  readonly entities: readonly Entity[];
  readonly ttlSeconds: number;
  readonly schema: readonly Field[];
  readonly source: DataSource;
  readonly online: boolean;
  readonly version: number;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  /** The batch transformation that produces this view's source rows, declared beside it. */
  readonly batch?: { input: string; compute: BatchCompute };
  /** Aggregation views: the aggregations, one per feature of `schema`, in the same order. */
  readonly aggregations?: readonly Aggregation[];
  /** Aggregation views: the event columns the aggregations read. */
  readonly eventSchema?: readonly Field[];
  /** Aggregation views: the tile size of online partial aggregates, in seconds. */
  readonly aggregationIntervalSeconds?: number;
  constructor(options: FeatureViewOptions) {
    const o = parseDefinition(FeatureViewOptions, 'FeatureView', options);
    this.name = o.name;
    this.entities = Object.freeze([...o.entities]);
    this.ttlSeconds = o.ttl;
    if (o.aggregations && o.eventSchema) {
      const resolved = resolveAggregations(o.aggregations, o.eventSchema, o.aggregationInterval);
      this.aggregations = Object.freeze(resolved.aggregations);
      this.eventSchema = Object.freeze([...o.eventSchema]);
      this.aggregationIntervalSeconds = resolved.intervalSeconds;
      this.schema = Object.freeze(
        resolved.aggregations.map((a, i) => {
          const { description, tags } = o.aggregations![resolved.declaredAt[i]];
          return new Field({ name: a.name, dtype: a.dtype, description, tags });
        }),
      );
    } else this.schema = Object.freeze([...o.schema!]);
    this.source = o.source;
    this.online = o.online;
    this.version = o.version;
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
    if (o.batch) this.batch = o.batch;
  }

  /** Whether the features are windowed aggregations over events (docs/aggregations.md). */
  isAggregation(): this is AggregationFeatureView {
    return this.aggregations !== undefined;
  }

  /** The longest window of an aggregation view (0 for a plain view): how far back its events matter. */
  get maxWindowSeconds(): number {
    return Math.max(0, ...(this.aggregations ?? []).map((a) => a.windowSeconds));
  }

  get joinKeys(): string[] {
    return this.entities.flatMap((e) => e.joinKeys);
  }

  /** A projection of some features, for a FeatureService. Unknown names fail here, not at serving time. */
  select(...features: string[]): FeatureViewProjection {
    for (const f of features) {
      if (!this.schema.some((field) => field.name === f)) {
        throw new DefinitionError('FeatureView', this.name, 'select', `unknown feature '${f}'`);
      }
    }
    return Object.freeze({ kind: 'FeatureViewProjection' as const, view: this, features: Object.freeze([...features]) });
  }
}
