import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBSession } from '../../shared/offline/duckdb/session.js';
import { quoteString } from '../../shared/offline/sql/quote.js';
import { randomInt, seededRandom } from '../../shared/util/random.js';

export const MODELS = ['claude-sonnet', 'claude-haiku', 'gpt-4o', 'llama-3'] as const;

export interface RawEvent {
  user_id: string;
  session_id: string;
  event_date: Date;
  duration_sec: number;
  message_count: number;
  tool_invocations: number;
  model: string;
  tokens: number;
}

export interface GenerateOptions {
  seed: number;
  events: number;
  /** Default: one user per 20 events, at least 10. */
  users?: number;
  /** Events fall in [start, start + days). */
  start: Date;
  days: number;
}

export function userIdOf(i: number): string {
  return `u_${String(i).padStart(6, '0')}`;
}

/**
 * Deterministic raw events: the same options give the same events, on any machine. Each user has a
 * favourite model (so the mode is meaningful) and sessions of a few events each.
 */
export function* generateEvents(o: GenerateOptions): Generator<RawEvent> {
  const rand = seededRandom(o.seed);
  const users = o.users ?? Math.max(10, Math.floor(o.events / 20));
  const spanMs = o.days * 86_400_000;
  const favourite = Array.from({ length: users }, () => randomInt(rand, 0, MODELS.length));
  let session = 0;
  let sessionUser = -1;
  let sessionLeft = 0;
  let sessionTs = 0;
  for (let i = 0; i < o.events; i++) {
    if (sessionLeft === 0) {
      sessionUser = randomInt(rand, 0, users);
      sessionLeft = randomInt(rand, 1, 8);
      sessionTs = o.start.getTime() + Math.floor(rand() * spanMs);
      session++;
    }
    sessionLeft--;
    const model = rand() < 0.7 ? MODELS[favourite[sessionUser]] : MODELS[randomInt(rand, 0, MODELS.length)];
    const messages = randomInt(rand, 1, 30);
    yield {
      user_id: userIdOf(sessionUser),
      session_id: `s_${session}`,
      event_date: new Date(Math.min(sessionTs + randomInt(rand, 0, 3_600_000), o.start.getTime() + spanMs - 1)),
      duration_sec: Math.round(rand() * 1800 * 1000) / 1000,
      message_count: messages,
      tool_invocations: randomInt(rand, 0, 6),
      model,
      tokens: messages * randomInt(rand, 50, 2000),
    };
  }
}

const COLUMNS = [
  { name: 'user_id', type: 'VARCHAR' },
  { name: 'session_id', type: 'VARCHAR' },
  { name: 'event_date', type: 'TIMESTAMP' },
  { name: 'duration_sec', type: 'DOUBLE' },
  { name: 'message_count', type: 'BIGINT' },
  { name: 'tool_invocations', type: 'BIGINT' },
  { name: 'model', type: 'VARCHAR' },
  { name: 'tokens', type: 'BIGINT' },
] as const;

/** Writes generated events as Parquet parts of at most `chunk` rows (memory stays flat up to 10 M events). */
export async function writeEvents(dir: string, o: GenerateOptions, chunk = 1_000_000): Promise<{ files: string[]; events: number }> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const db = await DuckDBSession.create();
  const files: string[] = [];
  try {
    const it = generateEvents(o);
    let part = 0;
    let total = 0;
    for (;;) {
      const batch: RawEvent[] = [];
      for (let r = it.next(); !r.done; r = it.next()) {
        batch.push(r.value);
        if (batch.length >= chunk) break;
      }
      if (!batch.length) break;
      await db.stage('raw', [...COLUMNS], batch as unknown as Record<string, unknown>[]);
      const file = join(dir, `part-${String(part++).padStart(4, '0')}.parquet`);
      await db.copyTo('SELECT * FROM raw', file, 'parquet');
      files.push(file);
      total += batch.length;
      if (batch.length < chunk) break;
    }
    return { files, events: total };
  } finally {
    db.close();
  }
}

/**
 * The events of written Parquet parts as rows, at most `size` at a time: to push them where the
 * views' batch source is not these files (the offline store of provider aws is S3).
 */
export async function* readEventBatches(files: readonly string[], size: number): AsyncGenerator<Record<string, unknown>[]> {
  const db = await DuckDBSession.create();
  try {
    let batch: Record<string, unknown>[] = [];
    for await (const chunk of db.stream(`SELECT * FROM read_parquet([${files.map(quoteString).join(', ')}])`)) {
      for (const row of chunk) {
        batch.push(row);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length) yield batch;
  } finally {
    db.close();
  }
}
