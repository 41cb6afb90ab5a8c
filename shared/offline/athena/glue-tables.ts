import { CreateTableCommand, DeleteTableCommand, GetTableCommand, UpdateTableCommand, type Column, type GlueClient } from '@aws-sdk/client-glue';
import type { DType } from '../../definitions/dtypes.js';
import { hiveType, type ColumnType } from '../../definitions/type-map.js';
import { glueTableName } from '../../layout/glue-names.js';
import type { FeatureViewSpec } from '../../registry/types.js';
import { batchSourceSpec, sourceColumnName, storedColumns } from '../source-node.js';

/** Glue table name of a view version: one table per version (docs/architecture.md#storage-layouts). */
export function viewTableName(view: FeatureViewSpec): string {
  return glueTableName(view.name, view.version);
}

/** Source columns of a view's offline table, with the names its Parquet parts use. */
export function viewColumns(view: FeatureViewSpec): { name: string; dtype: ColumnType }[] {
  const src = batchSourceSpec(view);
  const col = (name: string) => sourceColumnName(src, name);
  return [
    ...view.joinKeys.map((k) => ({ name: col(k.name), dtype: k.valueType as DType })),
    ...storedColumns(view).map((f) => ({ name: col(f.name), dtype: f.dtype })),
    { name: src.timestampField, dtype: 'Timestamp' as const },
    ...(src.createdTimestampColumn ? [{ name: src.createdTimestampColumn, dtype: 'Timestamp' as const }] : []),
  ];
}

export const PARQUET_FORMAT = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
};

const PARQUET_STORAGE = {
  InputFormat: PARQUET_FORMAT.inputFormat,
  OutputFormat: PARQUET_FORMAT.outputFormat,
  SerdeInfo: { SerializationLibrary: PARQUET_FORMAT.serializationLibrary },
};

/**
 * The Glue table of a view version, partitioned by `dt` with partition projection, so Athena
 * prunes days without MSCK REPAIR or partition registration. One description for both writers:
 * `apply` (Glue API) and the CDK app (CloudFormation).
 */
export function viewTableSpec(view: FeatureViewSpec, location: string) {
  return {
    name: viewTableName(view),
    location,
    columns: viewColumns(view).map((c) => ({ name: c.name.toLowerCase(), type: hiveType(c.dtype) })),
    partitionKeys: [{ name: 'dt', type: 'string' }],
    parameters: {
      classification: 'parquet',
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': '2000-01-01,NOW',
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
      'storage.location.template': `${location}dt=\${dt}/`,
    } as Record<string, string>,
  };
}

/** Creates or updates the Glue table of a view version (run by `apply` for provider aws). */
export async function ensureViewTable(glue: GlueClient, database: string, location: string, view: FeatureViewSpec): Promise<void> {
  const spec = viewTableSpec(view, location);
  const input = {
    Name: spec.name,
    TableType: 'EXTERNAL_TABLE',
    Parameters: spec.parameters,
    PartitionKeys: spec.partitionKeys.map((k) => ({ Name: k.name, Type: k.type })),
    StorageDescriptor: { Columns: spec.columns.map((c): Column => ({ Name: c.name, Type: c.type })), Location: location, ...PARQUET_STORAGE },
  };
  try {
    await glue.send(new GetTableCommand({ DatabaseName: database, Name: input.Name }));
    await glue.send(new UpdateTableCommand({ DatabaseName: database, TableInput: input }));
  } catch (err) {
    if ((err as { name?: string }).name !== 'EntityNotFoundException') throw err;
    await glue.send(new CreateTableCommand({ DatabaseName: database, TableInput: input }));
  }
}

/** A temporary, unpartitioned Parquet table (staged entity rows). */
export async function createTempTable(
  glue: GlueClient,
  database: string,
  name: string,
  location: string,
  columns: { name: string; type: string }[],
): Promise<void> {
  await glue.send(
    new CreateTableCommand({
      DatabaseName: database,
      TableInput: {
        Name: name,
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'parquet' },
        StorageDescriptor: { Columns: columns.map((c) => ({ Name: c.name, Type: c.type })), Location: location, ...PARQUET_STORAGE },
      },
    }),
  );
}

/** Drops a table; a table that is already gone is fine, any other error (AccessDenied, throttling, …) is raised. */
export async function dropTable(glue: GlueClient, database: string, name: string): Promise<void> {
  await glue.send(new DeleteTableCommand({ DatabaseName: database, Name: name })).catch((err: { name?: string }) => {
    if (err.name !== 'EntityNotFoundException') throw err;
  });
}
