import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, ManagedKafkaEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { S3_PREFIX } from '../shared/layout/index.js';
import { ConfigurationError } from '../shared/errors.js';

export interface StreamIngestProps {
  /** The push function: validates each record, quarantines invalid ones, reports retryable failures. */
  readonly push: IFunction;
  readonly bucket: IBucket;
  /** A Kinesis stream (on-demand capacity). @default true */
  readonly kinesis?: boolean;
  /** How long the stream keeps records (24 h – 365 days). @default 24 hours */
  readonly streamRetention?: Duration;
  /** An MSK cluster and topic feeding the push function. @default none */
  readonly msk?: { clusterArn: string; topic: string };
  /** Retries of a failed record before it goes to the on-failure queue. @default 3 */
  readonly retryAttempts?: number;
}

/**
 * Kinesis / MSK → push. Invalid records (bad JSON, failed validation) are written by the function
 * to `s3://bucket/quarantine/` with their payload and reason and are NOT reported as failures:
 * retrying cannot fix them, and an on-failure queue would only receive their shard/offset metadata.
 * Only retryable failures (throttling, outages) are reported in `batchItemFailures`; they are
 * retried a bounded number of times, then their metadata goes to the dead-letter queue (the
 * records stay readable in the stream for its retention period).
 */
export class StreamIngest extends Construct {
  readonly stream?: Stream;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: StreamIngestProps) {
    super(scope, id);
    const retention = props.streamRetention ?? Duration.hours(24);
    if (retention.toHours() < 24 || retention.toHours() > 8760)
      throw new ConfigurationError(`StreamIngest: streamRetention must be between 24 hours and 365 days (got ${retention.toHours()} h)`, {
        construct: 'StreamIngest',
        prop: 'streamRetention',
      });
    const retryAttempts = props.retryAttempts ?? 3;
    this.deadLetters = new Queue(scope, 'PushDeadLetters', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14) });
    const shared = {
      batchSize: 500,
      bisectBatchOnError: true,
      retryAttempts,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(this.deadLetters),
      startingPosition: StartingPosition.LATEST,
    };
    if (props.kinesis ?? true) {
      this.stream = new Stream(scope, 'PushStream', { encryption: StreamEncryption.MANAGED, streamMode: StreamMode.ON_DEMAND, retentionPeriod: retention });
      props.push.addEventSource(new KinesisEventSource(this.stream, { ...shared, maxBatchingWindow: Duration.seconds(1), parallelizationFactor: 2 }));
    }
    if (props.msk) {
      // Partial batch responses, bounded retries and bisection on Kafka sources need provisioned pollers.
      props.push.addEventSource(
        new ManagedKafkaEventSource({
          clusterArn: props.msk.clusterArn,
          topic: props.msk.topic,
          ...shared,
          provisionedPollerConfig: { minimumPollers: 1, maximumPollers: 3 },
        }),
      );
    }
    props.push.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [props.bucket.arnForObjects(`${S3_PREFIX.quarantine}/*`)] }));
  }
}
