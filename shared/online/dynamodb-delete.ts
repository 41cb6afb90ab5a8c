import { type AttributeValue, BatchWriteItemCommand, type DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { OnlineStoreUnavailableError } from '../errors.js';

const MAX_RETRIES = 8;
const sleep = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(2000, 25 * 2 ** attempt)));

/**
 * Deletes every item of `table` the filter selects (a Scan, then BatchWriteItem deletes of 25 with
 * unprocessed items retried under jittered backoff): the one way a view's rows or tiles leave
 * DynamoDB when a version is deleted. Fails loudly rather than leave rows behind silently.
 */
export async function deleteWhere(
  client: DynamoDBClient,
  table: string,
  filter: { expression: string; values: Record<string, AttributeValue> },
): Promise<void> {
  const keys: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: filter.expression,
        ExpressionAttributeValues: filter.values,
        ProjectionExpression: 'pk, sk',
        ExclusiveStartKey: start,
      }),
    );
    keys.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  for (let i = 0; i < keys.length; i += 25) {
    let batch = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; batch.length; attempt++) {
      if (attempt > MAX_RETRIES) throw new OnlineStoreUnavailableError(`${batch.length} deletes still unprocessed`);
      if (attempt > 0) await sleep(attempt);
      const r = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
      batch = (r.UnprocessedItems?.[table] as typeof batch | undefined) ?? [];
    }
  }
}
