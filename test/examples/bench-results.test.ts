import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { RATIO_NOTE, RESULTS_DIR, report } from '../../bench/lib/report.js';

const ROOT = join(import.meta.dirname, '../..');
const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });

describe('bench results', () => {
  it('are written where git ignores them, and none is tracked', () => {
    expect(RESULTS_DIR).toBe(join(ROOT, 'bench/results'));
    expect(git('ls-files', 'bench/results').stdout).toBe('');
    expect(git('check-ignore', '-q', 'bench/results/pit-join.json').status).toBe(0);
  });

  it('print a caption and how to read the speed ratio above each table, and keep both in the JSON', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      report('caption-test', '3 rows; baseline: nothing', ['a', 'speed'], [{ a: 1, speed: 0.5 }]);
      expect(log.mock.calls[0][0]).toBe(`\ncaption-test: 3 rows; baseline: nothing\n${RATIO_NOTE}`);
      expect(JSON.parse(readFileSync(join(RESULTS_DIR, 'caption-test.json'), 'utf8'))).toMatchObject({
        caption: '3 rows; baseline: nothing',
        ratio: RATIO_NOTE,
      });
    } finally {
      log.mockRestore();
      rmSync(join(RESULTS_DIR, 'caption-test.json'), { force: true });
    }
  });
});
