import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;
const validation = (message: string) =>
  Object.assign(new Error(message), { name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });

/**
 * What moto lets through and DynamoDB does not, enforced on one client (moto accepts a BatchWriteItem
 * of 30 puts, and never answers with UnprocessedKeys), plus a log of every item each write call
 * carried and the peak number of calls in flight — what the tests count.
 *
 * - BatchWriteItem: at most 25 requests, no key twice (DynamoDB: ValidationException).
 * - BatchGetItem: at most 100 keys, no key twice (moto checks these too; kept so dynalite and
 *   future emulators are held to the same rule).
 * - `unprocessed(call)`: how many of a BatchGetItem's keys DynamoDB "could not process" on that call
 *   (as under throttling or past 16 MB): they are handed back as UnprocessedKeys, and not returned.
 */
export function strictDynamoDB(client: DynamoDBClient, options: { unprocessed?: (call: number, keys: number) => number } = {}) {
  const log = {
    /** One entry per item a PutItem / BatchWriteItem / TransactWriteItems call carried. */
    writes: [] as { command: string; pk: string; sk: string }[],
    batchGets: 0,
    /** Most calls of one command in flight at once. */
    peakInFlight: {} as Record<string, number>,
    /** Each BatchGetItem request's input, as sent. */
    getInputs: [] as { Keys: Item[]; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> }[],
  };
  const inFlight: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, any>;
      if (command === 'BatchWriteItemCommand') {
        for (const requests of Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>)) {
          if (requests.length > 25) throw validation('Too many items requested for the BatchWriteItem call');
          const keys = requests.map((r) => JSON.stringify([(r.PutRequest?.Item ?? r.DeleteRequest!.Key).pk, (r.PutRequest?.Item ?? r.DeleteRequest!.Key).sk]));
          if (new Set(keys).size !== keys.length) throw validation('Provided list of item keys contains duplicates');
          for (const r of requests) if (r.PutRequest) log.writes.push({ command, pk: r.PutRequest.Item.pk.S!, sk: r.PutRequest.Item.sk.S! });
        }
      }
      if (command === 'PutItemCommand') log.writes.push({ command, pk: input.Item.pk.S, sk: input.Item.sk.S });
      if (command === 'TransactWriteItemsCommand')
        for (const t of input.TransactItems) if (t.Put) log.writes.push({ command, pk: t.Put.Item.pk.S, sk: t.Put.Item.sk.S });
      let unprocessed: Item[] = [];
      if (command === 'BatchGetItemCommand') {
        const call = ++log.batchGets;
        for (const [table, req] of Object.entries(input.RequestItems as Record<string, { Keys: Item[] }>)) {
          if (req.Keys.length > 100) throw validation('Too many items requested for the BatchGetItem call');
          log.getInputs.push(structuredClone(req) as (typeof log.getInputs)[number]);
          const n = Math.min(req.Keys.length, options.unprocessed?.(call, req.Keys.length) ?? 0);
          if (n > 0) {
            unprocessed = req.Keys.slice(0, n);
            input.RequestItems = { ...input.RequestItems, [table]: { ...req, Keys: req.Keys.slice(n) } };
            if (!input.RequestItems[table].Keys.length) {
              return {
                output: { Responses: { [table]: [] }, UnprocessedKeys: { [table]: { ...req, Keys: unprocessed } }, $metadata: {} },
                response: {},
              } as any;
            }
          }
        }
      }
      inFlight[command] = (inFlight[command] ?? 0) + 1;
      log.peakInFlight[command] = Math.max(log.peakInFlight[command] ?? 0, inFlight[command]);
      try {
        const result = await next(args);
        if (unprocessed.length) {
          const output = result.output as { UnprocessedKeys?: Record<string, { Keys: Item[] }> };
          const [table] = Object.keys(input.RequestItems);
          output.UnprocessedKeys = { [table]: { ...(input.RequestItems[table] as object), Keys: unprocessed } };
        }
        return result;
      } finally {
        inFlight[command]--;
      }
    },
    { step: 'initialize', name: `strict-dynamodb-${Math.random()}` },
  );
  return log;
}
