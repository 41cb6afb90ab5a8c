import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HistoryLog } from './history-log.js';

/**
 * provider local: JSON lines in the repo's data dir. One `appendFile` per record (O_APPEND), so
 * concurrent writers interleave whole lines. Each record starts with its newline: a torn last line (a
 * crash mid-write) is ended by the next record instead of swallowing it, and is skipped on read.
 */
export class FileHistoryLog<T> implements HistoryLog<T> {
  constructor(private readonly path: string) {}

  async append(record: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `\n${JSON.stringify(record)}`);
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
    for (const line of text.split('\n').slice(-(limit + 2))) {
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
