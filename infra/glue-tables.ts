import { CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { hiveType, viewColumns, viewTableName } from '../shared/offline/athena/glue-tables.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';

/**
 * One Glue table per view version known at deploy time, partitioned by `dt` with partition
 * projection (no MSCK REPAIR); the same layout `apply` creates for versions added later.
 */
export function viewTables(scope: Construct, props: { catalogId: string; database: string; bucket: string; prefix: string; views: FeatureViewSpec[] }): CfnTable[] {
  return props.views.map((view) => {
    const location = `s3://${props.bucket}/${props.prefix}/${view.name}/v${view.version}/`;
    return new CfnTable(scope, `Table-${view.name}-v${view.version}`, {
      catalogId: props.catalogId,
      databaseName: props.database,
      tableInput: {
        name: viewTableName(view),
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2000-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        partitionKeys: [{ name: 'dt', type: 'string' }],
        storageDescriptor: {
          location,
          columns: viewColumns(view).map((c) => ({ name: c.name.toLowerCase(), type: hiveType(c.dtype) })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
  });
}
