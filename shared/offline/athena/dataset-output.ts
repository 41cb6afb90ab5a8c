import { ValidationError } from '../../errors.js';
import { datasetsRoot } from '../../layout/s3-layout.js';

/**
 * Refuses dataset outputs outside `s3://<bucket>/<datasets prefix>/` (4xx): the finalize role may
 * read (and the training workflow may write) only there. Needs no query engine, so a store whose
 * engine is not loaded yet checks it too.
 */
export function assertDatasetOutput(bucket: string, datasetsPrefix: string | undefined, s3Prefix: string): void {
  const root = `s3://${bucket}/${datasetsRoot(datasetsPrefix)}`;
  const ok =
    s3Prefix.startsWith(root) && s3Prefix.length > root.length && !/(^|\/)\.\.?(\/|$)/.test(s3Prefix.slice(root.length)) && !/[\x00-\x1f\\]/.test(s3Prefix);
  if (!ok)
    throw new ValidationError(`output_uri must be under ${root} (where the training workflow may write and finalize may read), got '${s3Prefix}'`, [
      { field: 'output_uri', message: `expected ${root}<name>/` },
    ]);
}
