import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HistoryLog } from './history-log.js';

/**
 * provider local: JSON lines in the repo's data dir. One `appendFile` per record (O_APPEND), so
 * concurrent writers interleave whole lines; a torn last line (a crash mid-write) is skipped on read.
 */
export class FileHistoryLog<T> implements HistoryLog<T> {
  constructor(private readonly path: string) {}

  async append(record: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(record)}\n`);
  }

  async list(limit: number): Promise<T[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: T[] = [];
    for (const line of text.split('\n').slice(-(limit + 1))) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        // a torn write: the record never completed
      }
    }
    return out.slice(-limit);
  }
}
