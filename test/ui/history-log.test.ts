import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileHistoryLog } from '../../shared/history/file-history-log.js';
import { tempDir } from '../helpers/tmp.js';

describe('FileHistoryLog (provider local monitoring history)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('returns the newest records oldest first, none before the first append, and skips a torn last line', async () => {
    const path = join(tmp.dir, 'history/freshness.jsonl');
    const log = new FileHistoryLog<{ n: number }>(path);
    expect(await log.list(10)).toEqual([]);
    await Promise.all(Array.from({ length: 25 }, (_, n) => log.append({ n })));
    const all = await log.list(100);
    expect(all.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    // A crash mid-write leaves part of a line: that record never completed and is not returned.
    appendFileSync(path, '\n{"n": 9');
    expect(await log.list(3)).toEqual(all.slice(-3));
    await log.append({ n: 99 });
    // The next record starts on its own line: it is kept, the torn text is not.
    expect((await log.list(100)).map((r) => r.n)).toEqual([...all.map((r) => r.n), 99]);
    expect(await log.list(1)).toEqual([{ n: 99 }]);
  });
});
