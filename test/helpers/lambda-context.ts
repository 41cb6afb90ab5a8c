import type { Context } from 'aws-lambda';

/** The Lambda context a handler is invoked with in process: a name, a memory size and the time left. */
export function lambdaContext({
  name = 'test',
  memoryMb = 512,
  remainingMs = 30_000,
}: {
  name?: string;
  memoryMb?: number;
  remainingMs?: number;
} = {}): Context {
  return {
    functionName: name,
    awsRequestId: 'req-1',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: String(memoryMb),
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
}
