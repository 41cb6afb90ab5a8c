/**
 * Where aggregation tiles live in the online DynamoDB table (docs/aggregations-online.md#dynamodb):
 * partitions `__tiles__<view@vN>#<entity key>`, never a canonical entity key (those are JSON arrays).
 * The tile store writes under this prefix and the CDK grants are narrowed to it (`dynamodb:LeadingKeys`).
 */
export const TILE_PK_PREFIX = '__tiles__';

export const tilePartitionKey = (view: string, entityKey: string): string => `${TILE_PK_PREFIX}${view}#${entityKey}`;
