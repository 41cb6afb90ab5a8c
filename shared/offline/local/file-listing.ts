import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, basename, join, resolve } from 'node:path';

/** Where offline pushes for a FileSource go: the directory itself, or `<file>__pushed/` beside a single file. */
export function pushDirectory(sourcePath: string): string {
  return /\.parquet$/i.test(sourcePath) ? join(dirname(sourcePath), `${basename(sourcePath).replace(/\.parquet$/i, '')}__pushed`) : sourcePath;
}

async function walk(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    // Staged pushes are hidden (`.tmp-`) until committed by rename.
    else if (e.isFile() && /\.parquet$/i.test(e.name) && !e.name.startsWith('.')) out.push(p);
  }
  return out;
}

/** Every Parquet file of a FileSource (and its pushed parts), sorted for a stable scan order. */
export async function listSourceFiles(repoDir: string, sourcePath: string): Promise<string[]> {
  const abs = resolve(repoDir, sourcePath);
  const files: string[] = [];
  const st = await stat(abs).catch(() => undefined);
  if (st?.isFile()) files.push(abs);
  else if (st?.isDirectory()) files.push(...(await walk(abs)));
  if (/\.parquet$/i.test(abs)) files.push(...(await walk(pushDirectory(abs))));
  return [...new Set(files)].sort();
}
