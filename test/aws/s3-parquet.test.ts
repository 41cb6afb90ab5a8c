import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readRowGroups } from '../../shared/offline/athena/s3-parquet.js';
import { awsForTests, newBucket } from '../helpers/aws.js';

describe('Function: readRowGroups (against moto)', () => {
  it('reads a Parquet object row group by row group with ranged GETs, never the whole object', async () => {
    const aws = awsForTests();
    const ranges: (string | undefined)[] = [];
    aws.s3.middlewareStack.add(
      (next, ctx) => async (args) => {
        if (ctx.commandName === 'GetObjectCommand') ranges.push((args.input as { Range?: string }).Range);
        return next(args);
      },
      { step: 'initialize', name: 'ranges' },
    );
    const bucket = await newBucket(aws);
    const writer = new ByteWriter();
    const n = 30_000;
    parquetWrite({
      writer,
      rowGroupSize: 10_000,
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 's', data: Array.from({ length: n }, (_, i) => `v${i}`), type: 'STRING' },
      ],
    });
    const body = new Uint8Array(writer.getBuffer());
    await aws.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'p.parquet', Body: body }));

    const groups: number[] = [];
    let last = -1;
    for await (const rows of readRowGroups(aws.s3, bucket, 'p.parquet')) {
      groups.push(rows.length);
      for (const r of rows) {
        expect(r.id).toBe(last + 1);
        last = r.id as number;
      }
    }
    expect(groups).toEqual([10_000, 10_000, 10_000]);
    expect(ranges.length).toBeGreaterThan(1);
    expect(ranges.every((r) => r !== undefined && /^bytes=\d+-\d+$/.test(r))).toBe(true);
    // No single read fetched the whole object.
    const spans = ranges.map((r) => r!.slice(6).split('-').map(Number)).map(([a, b]) => b - a + 1);
    expect(Math.max(...spans)).toBeLessThan(body.length);
  });
});
