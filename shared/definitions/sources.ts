import { z } from 'zod';
import * as s from './schemas.js';
import { parseDefinition } from './validate.js';

const FileSourceOptions = z
  .strictObject({
    name: s.name.optional(),
    path: z.string().min(1, 'expected a Parquet file, a directory or an s3:// prefix'),
    timestampField: z.string().min(1),
    createdTimestampColumn: z.string().min(1).optional(),
    fieldMapping: z.record(z.string(), s.name).default({}),
    /** Opt out of confining `path` to the feature repo (absolute paths, `..`). */
    allowOutsideRepo: z.boolean().default(false),
    ...s.common,
  })
  .superRefine((o, ctx) => {
    const problem = o.allowOutsideRepo ? undefined : outsideRepo(o.path);
    if (problem)
      ctx.addIssue({ code: 'custom', path: ['path'], message: `${problem}; paths are confined to the feature repo (or s3://) unless allowOutsideRepo: true` });
  });
export type FileSourceOptions = z.input<typeof FileSourceOptions>;

/**
 * Parquet data: one file, a directory of part files, or an `s3://` prefix.
 * `fieldMapping` maps source column names to feature / join-key names.
 * @example new FileSource({ path: 'data/user_activity', timestampField: 'event_date', createdTimestampColumn: 'created_at' })
 */
export class FileSource {
  readonly kind = 'FileSource' as const;
  readonly name: string;
  readonly path: string;
  readonly timestampField: string;
  readonly createdTimestampColumn?: string;
  readonly fieldMapping: Record<string, string>;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  constructor(options: FileSourceOptions) {
    const o = parseDefinition(FileSourceOptions, 'FileSource', options);
    this.name = o.name ?? defaultSourceName(o.path);
    this.path = o.path;
    this.timestampField = o.timestampField;
    this.createdTimestampColumn = o.createdTimestampColumn;
    this.fieldMapping = o.fieldMapping;
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
  }
}

/**
 * Why a FileSource path leaves the repo, if it does (issue 11 item 13): absolute paths, `~`, `..`
 * segments and URL schemes other than s3://. Relative paths are resolved against the repo directory.
 */
function outsideRepo(path: string): string | undefined {
  if (/^s3:\/\/[^/]+/.test(path)) return undefined;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path)) return `'${path.slice(0, 100)}' uses a URL scheme other than s3://`;
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path)) return `'${path.slice(0, 100)}' is absolute`;
  if (path.startsWith('~')) return `'${path.slice(0, 100)}' starts with ~`;
  if (path.split(/[\\/]+/).includes('..')) return `'${path.slice(0, 100)}' climbs out with '..'`;
  return undefined;
}

function defaultSourceName(path: string): string {
  const base = path.replace(/\/+$/, '').split('/').pop() ?? 'source';
  return (
    base
      .replace(/\.parquet$/i, '')
      .replace(/[^A-Za-z0-9_]/g, '_')
      .replace(/^(\d)/, '_$1') || 'source'
  );
}

const PushSourceOptions = z.strictObject({
  name: s.name,
  batchSource: z.custom<FileSource>((v) => (v as FileSource)?.kind === 'FileSource', 'expected a FileSource'),
  ...s.common,
});
export type PushSourceOptions = z.input<typeof PushSourceOptions>;

/**
 * A source fed by pushes (HTTP, Kinesis, Kafka). Offline pushes land as Parquet parts under its batch source.
 * @example new PushSource({ name: 'user_realtime_events', batchSource: realtimeFiles })
 */
export class PushSource {
  readonly kind = 'PushSource' as const;
  readonly name: string;
  readonly batchSource: FileSource;
  readonly description: string;
  readonly tags: Record<string, string>;
  readonly owner: string;
  constructor(options: PushSourceOptions) {
    const o = parseDefinition(PushSourceOptions, 'PushSource', options);
    this.name = o.name;
    this.batchSource = o.batchSource;
    this.description = o.description;
    this.tags = o.tags;
    this.owner = o.owner;
  }
}

export type DataSource = FileSource | PushSource;

/** The FileSource that holds a view's offline rows. */
export function batchSourceOf(source: DataSource): FileSource {
  return source.kind === 'PushSource' ? source.batchSource : source;
}
