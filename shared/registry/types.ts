import type { AggregationFunction } from '../definitions/aggregation.js';
import type { DType, ScalarDType } from '../definitions/dtypes.js';

/** Serialized definitions: what the registry stores and what Lambdas read (never TypeScript). */
export interface EntitySpec {
  name: string;
  joinKeys: string[];
  valueType: ScalarDType;
  description: string;
  tags: Record<string, string>;
  owner: string;
}

export interface FileSourceSpec {
  kind: 'FileSource';
  name: string;
  path: string;
  timestampField: string;
  createdTimestampColumn?: string;
  fieldMapping: Record<string, string>;
  description: string;
  tags: Record<string, string>;
  owner: string;
}

export interface PushSourceSpec {
  kind: 'PushSource';
  name: string;
  batchSource: FileSourceSpec;
  description: string;
  tags: Record<string, string>;
  owner: string;
}

export type DataSourceSpec = FileSourceSpec | PushSourceSpec;

export interface FieldSpec {
  name: string;
  dtype: DType;
  description: string;
  tags: Record<string, string>;
}

/**
 * `inactive`: a new version registered beside an active one. Materialization and pushes write it, but
 * unversioned references and feature services keep reading the active version until `promote`.
 */
export type ViewStatus = 'active' | 'inactive' | 'deprecated';

export interface FeatureViewSpec {
  name: string;
  version: number;
  entities: string[];
  joinKeys: { name: string; valueType: ScalarDType }[];
  ttlSeconds: number;
  features: FieldSpec[];
  source: DataSourceSpec;
  online: boolean;
  description: string;
  tags: Record<string, string>;
  owner: string;
  status: ViewStatus;
  /** Present on aggregation views: `features` are then derived, one per aggregation (docs/aggregations.md). */
  aggregation?: AggregationViewSpec;
}

/** One aggregation, serialized; `name` is the feature it yields. */
export interface AggregationSpec {
  name: string;
  column?: string;
  function: AggregationFunction;
  windowSeconds: number;
  n?: number;
  dtype: DType;
}

export interface AggregationViewSpec {
  /** The event columns the aggregations read. */
  eventSchema: { name: string; dtype: DType }[];
  aggregations: AggregationSpec[];
  /** The tile size of online partial aggregates. */
  intervalSeconds: number;
}

export interface OnDemandSpec {
  name: string;
  inputs: { kind: 'view' | 'request'; name: string; version?: number; features: { name: string; dtype: DType }[] }[];
  features: FieldSpec[];
  /** Hash of the transformation's code at apply time; serving refuses code that hashes differently. */
  codeHash: string;
  description: string;
  tags: Record<string, string>;
  owner: string;
}

export interface FeatureServiceSpec {
  name: string;
  /** Each projection pins a view version; on-demand views (onDemand: true) have version 0. */
  projections: { view: string; version: number; features: string[]; onDemand?: boolean }[];
  description: string;
  tags: Record<string, string>;
  owner: string;
}

export interface MaterializationInterval {
  start: string;
  end: string;
  rows: number;
  completedAt: string;
}

export interface MaterializationState {
  intervals: MaterializationInterval[];
  /** Newest event timestamp materialized so far. */
  watermark?: string;
}

/** A training dataset written by the training workflow (Feast's saved dataset). */
export interface DatasetSpec {
  name: string;
  s3Uri: string;
  rowCount: number;
  schema: { name: string; type: string }[];
  features: string[];
  createdAt: string;
}

/** The whole registry document. Keys of featureViews / materializations are `view@vN`. */
export interface RegistryData {
  formatVersion: 1;
  project: string;
  serial: number;
  lastUpdated: string;
  entities: Record<string, EntitySpec>;
  dataSources: Record<string, DataSourceSpec>;
  featureViews: Record<string, FeatureViewSpec>;
  featureServices: Record<string, FeatureServiceSpec>;
  onDemandFeatureViews: Record<string, OnDemandSpec>;
  materializations: Record<string, MaterializationState>;
  /** Training datasets by name (absent in documents written before datasets existed). */
  datasets?: Record<string, DatasetSpec>;
}

/** The set of objects a feature repo declares, serialized. */
export interface RepoSpecs {
  entities: EntitySpec[];
  dataSources: DataSourceSpec[];
  featureViews: FeatureViewSpec[];
  featureServices: FeatureServiceSpec[];
  onDemandFeatureViews: OnDemandSpec[];
}

export function emptyRegistry(project: string): RegistryData {
  return {
    formatVersion: 1,
    project,
    serial: 0,
    lastUpdated: new Date(0).toISOString(),
    entities: {},
    dataSources: {},
    featureViews: {},
    featureServices: {},
    onDemandFeatureViews: {},
    materializations: {},
  };
}
