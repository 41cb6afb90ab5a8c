import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBSession, type StageColumn } from '../../shared/offline/duckdb/session.js';

/** Writes rows to a Parquet file through DuckDB (test fixture helper). */
export async function writeParquet(path: string, columns: StageColumn[], rows: Record<string, unknown>[]): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const db = await DuckDBSession.create();
  try {
    await db.stage('fixture', columns, rows);
    await db.copyTo('SELECT * FROM fixture', path, 'parquet');
  } finally {
    db.close();
  }
}

export const ACTIVITY_COLUMNS: StageColumn[] = [
  { name: 'user_id', type: 'VARCHAR' },
  { name: 'event_date', type: 'TIMESTAMP' },
  { name: 'created_at', type: 'TIMESTAMP' },
  { name: 'sessions', type: 'BIGINT' },
  { name: 'model', type: 'VARCHAR' },
];

/** The example repo's user_activity source (examples/feature_repo). */
export const USER_ACTIVITY_COLUMNS: StageColumn[] = [
  { name: 'user_id', type: 'VARCHAR' },
  { name: 'sessions_7d', type: 'BIGINT' },
  { name: 'avg_session_duration_sec', type: 'FLOAT' },
  { name: 'messages_sent_7d', type: 'BIGINT' },
  { name: 'tools_used_7d', type: 'BIGINT' },
  { name: 'preferred_model', type: 'VARCHAR' },
  { name: 'total_tokens_7d', type: 'BIGINT' },
  { name: 'event_date', type: 'TIMESTAMP' },
  { name: 'created_at', type: 'TIMESTAMP' },
];
