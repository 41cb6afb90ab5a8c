import middy from '@middy/core';
import type { Context, KinesisStreamEvent, MSKEvent } from 'aws-lambda';
import { createPushHandler } from '../http-push-handler.js';
import { lambdaStore } from '../lib/lambda-store.js';
import { logger, observability } from '../lib/observability.js';
import type { ApiEvent } from '../lib/types.js';
import { createStreamPushHandler } from '../stream-push-handler.js';

const http = createPushHandler(lambdaStore);
const stream = createStreamPushHandler(lambdaStore, {
  onInvalid: (record, error) => logger.warn('push record rejected', { record: record.id, error: (error as Error).message }),
});

/** One function, three triggers (API Gateway POST /push, Kinesis, MSK): each parsed by its envelope into the one push schema. */
export const handler = middy<ApiEvent | KinesisStreamEvent | MSKEvent, unknown>()
  .use(observability())
  .handler((event: ApiEvent | KinesisStreamEvent | MSKEvent, context: Context) =>
    'httpMethod' in event ? http(event, context) : stream(event as KinesisStreamEvent | MSKEvent, context),
  );
