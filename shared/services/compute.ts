import { join, resolve } from 'node:path';
import type { FeatureView } from '../definitions/feature-view.js';
import { UnsupportedError, ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import type { BatchEngine } from '../offline/capabilities.js';

export interface ComputeResult {
  view: string;
  asOf: string;
  rows: number;
  path: string;
}

/** File name of one as-of run: sortable, one file per as-of time (a re-run replaces it). */
export function asOfFileName(asOf: Date): string {
  return `asof=${asOf.toISOString().replace(/[:.]/g, '-')}.parquet`;
}

/**
 * Runs the batch transformation declared on a view as of `asOf`, writing one Parquet part into the
 * view's (directory) source, where the next materialization and historical retrieval read it.
 */
export async function computeView(
  engine: BatchEngine | undefined,
  view: FeatureView,
  repoDir: string,
  asOf: Date,
  createdAt: Date = asOf,
  outputDir?: string,
): Promise<ComputeResult> {
  const batch = view.batch;
  if (!batch)
    throw new ValidationError(`feature view '${view.name}' declares no batch transformation`, [
      { field: 'batch', message: 'add batch: { input, compute } to the FeatureView' },
    ]);
  const source = view.source.kind === 'PushSource' ? view.source.batchSource : view.source;
  if (!outputDir && /\.parquet$/i.test(source.path)) {
    throw new ValidationError(`feature view '${view.name}': a batch transformation needs a directory source, not ${source.path}`, [
      { field: 'source.path', message: 'expected a directory' },
    ]);
  }
  if (!engine) throw new UnsupportedError('batch transformations need a provider with a batch engine (local or aws, run from the CLI)');
  const dir = outputDir ?? resolve(repoDir, source.path);
  const outputPath = join(dir, asOfFileName(asOf));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const rows = await engine.run((db) => batch.compute({ input: resolve(repoDir, batch.input), asOf, createdAt, outputPath, db }));
  return { view: viewKey(view.name, view.version), asOf: asOf.toISOString(), rows, path: outputPath };
}
