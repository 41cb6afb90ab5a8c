import type { DType } from '../definitions/dtypes.js';
import { node, type AggViewNode, type PitViewNode, type RelationLocation, type SourceNode } from './sql/nodes.js';
import type { FeatureViewSpec, FieldSpec, FileSourceSpec } from '../registry/types.js';
import { InternalError } from '../errors.js';
import { eventsQuery, type EventsQueryNode } from './sql/distinct-events.js';

export function batchSourceSpec(view: FeatureViewSpec): FileSourceSpec {
  return view.source.kind === 'PushSource' ? view.source.batchSource : view.source;
}

/** The source column that holds a feature or join key (field mapping undone). */
export function sourceColumnName(src: FileSourceSpec, name: string): string {
  for (const [from, to] of Object.entries(src.fieldMapping)) if (to === name) return from;
  return name;
}

/**
 * The value columns a view's offline rows hold (join keys and timestamps aside): its features, or
 * for an aggregation view the raw event columns its features are computed from.
 */
export function storedColumns(view: FeatureViewSpec): { name: string; dtype: DType }[] {
  return view.aggregation ? view.aggregation.eventSchema : view.features;
}

/** The typed source relation of a view: join keys and (requested) stored columns under their names (field mapping undone). */
export function sourceNodeFor(view: FeatureViewSpec, location: RelationLocation, datePartitionColumn?: string, onlyFeatures?: readonly string[]): SourceNode {
  const src = batchSourceSpec(view);
  const col = (name: string) => sourceColumnName(src, name);
  return node.source({
    location,
    columns: [
      ...view.joinKeys.map((k) => ({ source: col(k.name), as: k.name, dtype: k.valueType })),
      // Only the requested features are read: Athena bills the bytes a query scans.
      ...storedColumns(view)
        .filter((f) => !onlyFeatures || onlyFeatures.includes(f.name))
        .map((f) => ({ source: col(f.name), as: f.name, dtype: f.dtype })),
    ],
    timestampColumn: src.timestampField,
    ...(src.createdTimestampColumn ? { createdColumn: src.createdTimestampColumn } : {}),
    ...(datePartitionColumn ? { datePartitionColumn } : {}),
  });
}

/**
 * The PIT query node of one requested view: the PIT join of its features, or for an aggregation
 * view its aggregations over the events (which reads every event column: an event's identity is
 * its whole content, docs/aggregations.md#duplicates).
 */
export function viewNodeFor(
  request: { key: string; view: FeatureViewSpec; features: readonly FieldSpec[] },
  alias: string,
  location: RelationLocation,
  outputName: (feature: string) => string,
  datePartitionColumn?: string,
): PitViewNode | AggViewNode {
  const { view, features } = request;
  const joinKeys = view.joinKeys.map((k) => ({ name: k.name, dtype: k.valueType }));
  const outputs = features.map((f) => ({ name: f.name, as: outputName(f.name) }));
  if (!view.aggregation) {
    const source = sourceNodeFor(
      view,
      location,
      datePartitionColumn,
      features.map((f) => f.name),
    );
    return node.pitView({ alias, source, joinKeys, ttlSeconds: view.ttlSeconds, features: outputs });
  }
  const requested = new Set(features.map((f) => f.name));
  const aggregations = view.aggregation.aggregations.filter((a) => requested.has(a.name)).map((a) => ({ ...a, as: outputName(a.name) }));
  return node.aggView({
    alias,
    source: sourceNodeFor(view, location, datePartitionColumn),
    joinKeys,
    ttlSeconds: Math.max(...aggregations.map((a) => a.windowSeconds)),
    eventColumns: view.aggregation.eventSchema.map((c) => c.name),
    aggregations,
    features: outputs,
  });
}

/** The distinct-events query of an aggregation view over [start, end): what a backfill of its tiles reads. */
export function eventsQueryFor(view: FeatureViewSpec, location: RelationLocation, start: Date, end: Date, datePartitionColumn?: string): EventsQueryNode {
  if (!view.aggregation) throw new InternalError(`view ${view.name} has no aggregations: it has no events to read`);
  return eventsQuery({
    source: sourceNodeFor(view, location, datePartitionColumn),
    joinKeys: view.joinKeys.map((k) => ({ name: k.name, dtype: k.valueType })),
    eventColumns: view.aggregation.eventSchema.map((c) => c.name),
    start,
    end,
  });
}
