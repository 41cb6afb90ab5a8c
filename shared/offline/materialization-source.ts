/** One Parquet object of a view's source, as listed when a materialization run is planned. */
export interface SourceFile {
  /** Local path, or S3 key. */
  path: string;
  bytes: number;
}

/** A unit of materialization work: a few source files, read and written by one worker. */
export interface MaterializationChunk {
  index: number;
  files: SourceFile[];
}

/** What a finished chunk wrote; kept in its checkpoint so the run's totals need no re-read. */
export interface ChunkResult {
  rows: number;
  written: number;
  skipped: number;
  /** Newest event time among the chunk's rows (epoch ms), null when it had none in the window. */
  maxEventTs: number | null;
}

/**
 * A planned materialization of one view over [start, end). Its id is derived from the window, so a
 * rerun of the same window (a retried Lambda, a CLI run after `kill -9`) finds it and resumes it;
 * `generation` changes when the run is re-planned (its source files changed under it).
 */
export interface MaterializationRun {
  runId: string;
  view: string;
  start: string;
  end: string;
  generation: number;
  chunks: MaterializationChunk[];
  createdAt: string;
}

/**
 * Durable progress of materialization runs (S3 objects in the cloud, files locally). One object per
 * finished chunk, so parallel workers never contend on one document.
 */
export interface CheckpointStore {
  /** Open (unfinished) runs of a view, oldest window first. */
  openRuns(view: string): Promise<MaterializationRun[]>;
  getRun(runId: string): Promise<MaterializationRun | undefined>;
  /** Writes the run if none exists under its id; returns the stored one (a concurrent planner may have won). */
  createRun(run: MaterializationRun): Promise<MaterializationRun>;
  /** Replaces a run's plan (next generation); its older chunk checkpoints no longer count. */
  replan(run: MaterializationRun): Promise<void>;
  doneChunks(run: MaterializationRun): Promise<Map<number, ChunkResult>>;
  markDone(run: MaterializationRun, index: number, result: ChunkResult): Promise<void>;
  /** Removes the run and its checkpoints (after its interval is recorded). */
  closeRun(run: MaterializationRun): Promise<void>;
  /** Writes the run's chunk indexes as a JSON array (what the Step Functions Distributed Map reads) and says where; absent for local files. */
  publishItems?(run: MaterializationRun): Promise<{ bucket: string; key: string }>;
}

/** The run id of a view's window: stable across retries, safe as a path segment. */
export function runIdOf(view: string, start: Date, end: Date): string {
  return `${view.replace(/[^A-Za-z0-9_.@-]/g, '_')}/${start.getTime()}-${end.getTime()}`;
}

/**
 * Packs source files into chunks of about `targetBytes` (files in listing order, so chunks follow
 * the dt partitions); a file larger than the target is a chunk of its own.
 */
export function planChunks(files: readonly SourceFile[], targetBytes: number): MaterializationChunk[] {
  const chunks: MaterializationChunk[] = [];
  let current: SourceFile[] = [];
  let size = 0;
  for (const f of files) {
    if (current.length && size + f.bytes > targetBytes) {
      chunks.push({ index: chunks.length, files: current });
      current = [];
      size = 0;
    }
    current.push(f);
    size += f.bytes;
  }
  if (current.length) chunks.push({ index: chunks.length, files: current });
  return chunks;
}
