import { Agent, request } from 'node:http';
import { percentile } from './report.js';

export interface LoadOptions {
  port: number;
  path: string;
  /** Request bodies, sent round-robin by every loop. */
  bodies: readonly string[];
  /** Concurrent loops, each on its own keep-alive connection. */
  connections: number;
  seconds: number;
  /** Seconds run first and not measured (JIT, connection set-up). */
  warmupSeconds?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  meanMs: number;
  errors: number;
  /** Every measured request's latency in milliseconds (fractional: microseconds kept). */
  samples: number[];
  seconds: number;
  /** Requests sent during the warm-up (not in `requests`). */
  warmupRequests: number;
}

/** Several runs of the same case as one: requests and seconds summed, percentiles over every sample. */
export function pooled(runs: readonly LoadResult[]): LoadResult {
  const samples = runs.flatMap((r) => r.samples);
  const requests = runs.reduce((a, r) => a + r.requests, 0);
  const seconds = runs.reduce((a, r) => a + r.seconds, 0);
  const errors = runs.reduce((a, r) => a + r.errors, 0);
  return { ...summary(samples, requests, seconds, errors), warmupRequests: runs.reduce((a, r) => a + r.warmupRequests, 0) };
}

function summary(samples: number[], requests: number, seconds: number, errors: number): Omit<LoadResult, 'warmupRequests'> {
  return {
    requests,
    rps: requests / seconds,
    p50Ms: percentile(samples, 50),
    p90Ms: percentile(samples, 90),
    p99Ms: percentile(samples, 99),
    meanMs: samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length),
    errors,
    samples,
    seconds,
  };
}

/**
 * A closed-loop load generator: `connections` loops each send one request, wait for the whole
 * response, and send the next. Every request is timed with `process.hrtime.bigint()`, so percentiles
 * keep microseconds (autocannon's are whole milliseconds and hide everything under 1 ms).
 */
export async function closedLoop(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const bodies = o.bodies.map((b) => Buffer.from(b));
  const post = (body: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: '127.0.0.1',
          port: o.port,
          path: o.path,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.on('data', () => {});
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const run = async (seconds: number, samples: number[] | undefined) => {
    const until = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
    let errors = 0;
    let sent = 0;
    const loop = async (offset: number) => {
      for (let i = offset; process.hrtime.bigint() < until; i++) {
        const t0 = process.hrtime.bigint();
        const status = await post(bodies[i % bodies.length]);
        const t1 = process.hrtime.bigint();
        if (status !== 200) errors++;
        sent++;
        samples?.push(Number(t1 - t0) / 1e6);
      }
    };
    const t0 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: o.connections }, (_, c) => loop(c * 7)));
    return { errors, sent, elapsed: Number(process.hrtime.bigint() - t0) / 1e9 };
  };
  try {
    const warm = await run(o.warmupSeconds ?? 0.5, undefined);
    const samples: number[] = [];
    const r = await run(o.seconds, samples);
    return { ...summary(samples, r.sent, r.elapsed, r.errors + warm.errors), warmupRequests: warm.sent };
  } finally {
    agent.destroy();
  }
}
