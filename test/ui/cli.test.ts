import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startUi } from './browser-fixture.js';

describe('skewless ui (the command)', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('a bad --port exits 1 naming the option', () => {
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'empty' }));
    const r = cli(['--repo', tmp.dir, 'ui', '--port', '70000']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--port: expected 0\.\.65535, got '70000'/);
  });

  it('on a repo that was never applied, binds 127.0.0.1 and every API answer says to run apply (the page shows it)', async () => {
    writeFileSync(join(tmp.dir, 'skewless.json'), JSON.stringify({ project: 'empty' }));
    const ui = await startUi(tmp.dir, []);
    try {
      expect(new URL(ui.url).hostname).toBe('127.0.0.1');
      for (const path of ['/api/summary', '/api/feature-views', '/api/lineage']) {
        const res = await fetch(`${ui.url}${path}`);
        expect([path, res.status]).toEqual([path, 400]);
        expect((await res.json()).error.message).toMatch(/is empty: run `skewless apply` first/);
      }
      expect((await fetch(`${ui.url}/`)).status).toBe(200);
    } finally {
      ui.child.kill();
    }
  }, 120_000);
});
