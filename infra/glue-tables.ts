import { CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';
import { PARQUET_FORMAT, viewTableSpec } from '../shared/offline/athena/glue-tables.js';
import type { FeatureViewSpec } from '../shared/registry/types.js';

/** One Glue table per view version known at deploy time — the same description `apply` uses for later versions. */
export function viewTables(scope: Construct, props: { catalogId: string; database: string; bucket: string; prefix: string; views: FeatureViewSpec[] }): CfnTable[] {
  return props.views.map((view) => {
    const spec = viewTableSpec(view, `s3://${props.bucket}/${props.prefix}/${view.name}/v${view.version}/`);
    return new CfnTable(scope, `Table-${view.name}-v${view.version}`, {
      catalogId: props.catalogId,
      databaseName: props.database,
      tableInput: {
        name: spec.name,
        tableType: 'EXTERNAL_TABLE',
        parameters: spec.parameters,
        partitionKeys: spec.partitionKeys,
        storageDescriptor: {
          location: spec.location,
          columns: spec.columns,
          inputFormat: PARQUET_FORMAT.inputFormat,
          outputFormat: PARQUET_FORMAT.outputFormat,
          serdeInfo: { serializationLibrary: PARQUET_FORMAT.serializationLibrary },
        },
      },
    });
  });
}
