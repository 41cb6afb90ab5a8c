import { z } from 'zod';
import type { Entity } from './entity.js';
import type { Field } from './field.js';
import type { DataSource } from './sources.js';
import { parseFreshnessSla } from './freshness-sla.js';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';
import { DefinitionError } from '../errors.js';

const FeatureViewOptions = z
  .strictObject({
    name: s.name,
    entities: z.array(z.custom<Entity>((v) => (v as Entity)?.kind === 'Entity', 'expected an Entity')).min(1),
    ttl: s.duration.default(0),
    schema: z.array(z.custom<Field>((v) => (v as Field)?.kind === 'Field', 'expected a Field')).min(1),
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
    const seen = new Set<string>();
    const joinKeys = new Set(o.entities.flatMap((e) => e.joinKeys));
    o.schema.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: 'custom', path: ['schema', i, 'name'], message: `duplicate field '${f.name}'` });
      if (joinKeys.has(f.name)) ctx.addIssue({ code: 'custom', path: ['schema', i, 'name'], message: `'${f.name}' is a join key, not a feature` });
      seen.add(f.name);
    });
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
  constructor(options: FeatureViewOptions) {
    const o = parseDefinition(FeatureViewOptions, 'FeatureView', options);
    this.name = o.name;
    this.entities = Object.freeze([...o.entities]);
    this.ttlSeconds = o.ttl;
    this.schema = Object.freeze([...o.schema]);
    this.source = o.source;
    this.online = o.online;
    this.version = o.version;
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
    if (o.batch) this.batch = o.batch;
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
