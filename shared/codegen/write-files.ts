import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER } from './print-service.js';

/**
 * Writes generated files into `dir` and removes the ones an earlier run generated that this run
 * did not (a deleted service's client), recognised by their header; any other file is left alone.
 * Unchanged files are not rewritten, so watchers and incremental builds see only real changes.
 */
export function writeGenerated(dir: string, files: ReadonlyMap<string, string>): { written: string[]; unchanged: string[]; removed: string[] } {
  mkdirSync(dir, { recursive: true });
  const out = { written: [] as string[], unchanged: [] as string[], removed: [] as string[] };
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ts') || files.has(name)) continue;
    if (readFileSync(join(dir, name), 'utf8').startsWith(HEADER)) rmSync(join(dir, name)), out.removed.push(name);
  }
  for (const [name, text] of files) {
    const path = join(dir, name);
    let old: string | undefined;
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      old = undefined;
    }
    if (old === text) out.unchanged.push(name);
    else writeFileSync(path, text), out.written.push(name);
  }
  return out;
}
