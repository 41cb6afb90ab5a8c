import { node, type RelationLocation, type SourceNode } from './sql/nodes.js';
import type { FeatureViewSpec, FileSourceSpec } from '../registry/types.js';

export function batchSourceSpec(view: FeatureViewSpec): FileSourceSpec {
  return view.source.kind === 'PushSource' ? view.source.batchSource : view.source;
}

/** The source column that holds a feature or join key (field mapping undone). */
export function sourceColumnName(src: FileSourceSpec, name: string): string {
  for (const [from, to] of Object.entries(src.fieldMapping)) if (to === name) return from;
  return name;
}

/** The typed source relation of a view: join keys and (requested) features under their feature names (field mapping undone). */
export function sourceNodeFor(view: FeatureViewSpec, location: RelationLocation, datePartitionColumn?: string, onlyFeatures?: readonly string[]): SourceNode {
  const src = batchSourceSpec(view);
  const col = (name: string) => sourceColumnName(src, name);
  return node.source({
    location,
    columns: [
      ...view.joinKeys.map((k) => ({ source: col(k.name), as: k.name, dtype: k.valueType })),
      // Only the requested features are read: Athena bills the bytes a query scans.
      ...view.features.filter((f) => !onlyFeatures || onlyFeatures.includes(f.name)).map((f) => ({ source: col(f.name), as: f.name, dtype: f.dtype })),
    ],
    timestampColumn: src.timestampField,
    ...(src.createdTimestampColumn ? { createdColumn: src.createdTimestampColumn } : {}),
    ...(datePartitionColumn ? { datePartitionColumn } : {}),
  });
}
