import type { AggregationFunction } from '../../definitions/aggregation.js';
import type { DType } from '../../definitions/dtypes.js';

/**
 * Where a view's rows come from: Parquet files (DuckDB) or a catalog table (Athena). A table read
 * may be restricted to some of its objects (`objects`: full URIs), e.g. one materialization chunk.
 */
export type RelationLocation = { kind: 'files'; files: readonly string[] } | { kind: 'table'; database: string; table: string; objects?: readonly string[] };

export interface SourceColumn {
  /** Column name in the source data. */
  readonly source: string;
  /** Name it gets in the query (after field mapping). */
  readonly as: string;
  readonly dtype: DType;
}

/** A view's offline rows, typed: join keys, features, event and created timestamps. */
export interface SourceNode {
  readonly kind: 'Source';
  readonly location: RelationLocation;
  readonly columns: readonly SourceColumn[];
  readonly timestampColumn: string;
  readonly createdColumn?: string;
  /** Partition column holding the event date as YYYY-MM-DD (Athena layout), used for pruning. */
  readonly datePartitionColumn?: string;
}

export interface PitViewNode {
  readonly kind: 'PitView';
  /** Unique alias (already validated) used for CTE names. */
  readonly alias: string;
  readonly source: SourceNode;
  readonly joinKeys: readonly { name: string; dtype: DType }[];
  readonly ttlSeconds: number;
  readonly features: readonly { name: string; as: string }[];
}

/** One aggregation of an aggregation view: the feature `name`, output as `as`. */
export interface AggregationNode {
  readonly name: string;
  readonly as: string;
  readonly function: AggregationFunction;
  /** The event column (source node name); absent for a count of events. */
  readonly column?: string;
  readonly windowSeconds: number;
  readonly n?: number;
  readonly dtype: DType;
}

/**
 * An aggregation view in a PIT query: per entity row at ts, each aggregation over the events with
 * equal join keys and ts − window < event_ts ≤ ts (docs/aggregations.md#windows).
 */
export interface AggViewNode {
  readonly kind: 'AggView';
  readonly alias: string;
  /** The events: join keys and every event column (an event's identity is its whole content). */
  readonly source: SourceNode;
  readonly joinKeys: readonly { name: string; dtype: DType }[];
  /** The longest window: how far back the source is read (the PIT query's source range reads it as a TTL). */
  readonly ttlSeconds: number;
  /** Event columns (source node names), all of them: duplicates are dropped on the whole row. */
  readonly eventColumns: readonly string[];
  readonly aggregations: readonly AggregationNode[];
  readonly features: readonly { name: string; as: string }[];
}

/** The staged entity rows: a table with a row id, join keys, event_timestamp and pass-through columns. */
export interface EntityNode {
  readonly kind: 'EntityTable';
  readonly table: string;
  /** Catalog database of `table` (Athena); absent for a session-local table (DuckDB). */
  readonly database?: string;
  readonly rowIdColumn: string;
  readonly timestampColumn: string;
  /** Every input column, in input order (join keys and timestamp included). */
  readonly columns: readonly string[];
}

export interface PitQueryNode {
  readonly kind: 'PitQuery';
  readonly entity: EntityNode;
  readonly views: readonly (PitViewNode | AggViewNode)[];
  /** Output feature names in the order they should appear (default: view by view). */
  readonly featureOrder?: readonly string[];
}

/** Latest row per entity key among rows with start ≤ event_ts < end (materialization). */
export interface LatestQueryNode {
  readonly kind: 'LatestQuery';
  readonly source: SourceNode;
  readonly joinKeys: readonly { name: string; dtype: DType }[];
  readonly features: readonly string[];
  readonly start: Date;
  readonly end: Date;
}

/**
 * A compiled statement. Values are never bound as parameters: identifiers and literals go through
 * quote.ts, entity values are staged as data (so there is nothing to bind).
 */
export interface CompiledQuery {
  readonly sql: string;
}

/** One output column of a query: its name and the expression that computes it, kept apart so nothing is recovered from SQL text. */
export interface Selection {
  readonly alias: string;
  readonly sql: string;
}

/** Frozen node factories, so a compiled tree cannot be mutated behind the compiler's back. */
export const node = {
  source: (n: Omit<SourceNode, 'kind'>): SourceNode => Object.freeze({ kind: 'Source', ...n }),
  pitView: (n: Omit<PitViewNode, 'kind'>): PitViewNode => Object.freeze({ kind: 'PitView', ...n }),
  aggView: (n: Omit<AggViewNode, 'kind'>): AggViewNode => Object.freeze({ kind: 'AggView', ...n }),
  entity: (n: Omit<EntityNode, 'kind'>): EntityNode => Object.freeze({ kind: 'EntityTable', ...n }),
  pitQuery: (n: Omit<PitQueryNode, 'kind'>): PitQueryNode => Object.freeze({ kind: 'PitQuery', ...n }),
  latest: (n: Omit<LatestQueryNode, 'kind'>): LatestQueryNode => Object.freeze({ kind: 'LatestQuery', ...n }),
};
