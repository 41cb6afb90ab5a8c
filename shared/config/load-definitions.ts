import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SkewlessError, ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import { featureServiceSpec, featureViewSpec, onDemandSpec, entitySpec, type Definition } from '../registry/to-specs.js';
import type { RepoConfig } from './config.js';

const KINDS = new Set(['Entity', 'FeatureView', 'FeatureService', 'FileSource', 'PushSource', 'OnDemandFeatureView', 'RequestSource']);

/**
 * The URL the definitions are imported from. Under the CLI's loader (cli/register.js) the mark makes
 * the file and its local imports ES modules whatever package.json is near the repo.
 */
function definitionsUrl(path: string): string {
  const url = pathToFileURL(path);
  if ((globalThis as { [k: symbol]: unknown })[Symbol.for('skewless.loader')]) url.searchParams.set('skewless-esm', '');
  return url.href;
}

/** Every definition a repo's modules export (duck-typed on `kind`, so copies of the library still match). */
export async function loadDefinitions(config: RepoConfig): Promise<Definition[]> {
  const files = Array.isArray(config.definitions) ? config.definitions : [config.definitions];
  const found: Definition[] = [];
  const exported: Exported[] = [];
  for (const f of files) {
    const path = resolve(config.repoDir, f);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(definitionsUrl(path))) as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(path)) {
        throw new ValidationError(`definitions file ${path} not found`, [{ field: 'definitions', message: 'file not found' }]);
      }
      throw definitionsError(err, config.repoDir, path);
    }
    for (const [exportName, value] of Object.entries(mod)) {
      const kind = (value as { kind?: unknown } | null)?.kind;
      if (typeof kind === 'string' && KINDS.has(kind)) {
        found.push(value as Definition);
        exported.push({ file: relative(config.repoDir, path), exportName, definition: value as Definition });
      }
    }
  }
  assertDefinedOnce(exported);
  return found;
}

/** An error thrown while the repo's code runs, located at the first repo file and line in its stack. */
function definitionsError(err: unknown, repoDir: string, entry: string): SkewlessError {
  const e = err instanceof Error ? err : new Error(String(err));
  let where: string | undefined;
  for (const line of `${e.stack ?? ''}\n${e.message}`.split('\n')) {
    const m = /(?:file:\/\/)?(\/[^\s()?:]+\.[cm]?[jt]sx?)(?:\?[^\s:()]*)?:(\d+)(?::(\d+))?/.exec(line);
    if (!m) continue;
    const file = decodeURIComponent(m[1]);
    if (file.startsWith(`${repoDir}/`) && !file.includes('/node_modules/')) {
      where = `${relative(repoDir, file)}:${m[2]}${m[3] ? `:${m[3]}` : ''}`;
      break;
    }
  }
  const at = where ?? relative(repoDir, entry);
  // A mistake in the repo's code is the user's (exit 1), whatever the error class.
  return new SkewlessError(`${at}: ${e instanceof SkewlessError ? '' : `${e.name}: `}${e.message.split('\n')[0]}`, {
    code: e instanceof SkewlessError ? e.code : 'DEFINITION_ERROR',
    status: 400,
    details: { file: at, error: e.name, ...(e instanceof SkewlessError && e.details && typeof e.details === 'object' ? e.details : {}) },
    cause: e,
  });
}

interface Exported {
  file: string;
  exportName: string;
  definition: Definition;
}

const KIND_LABEL: Record<string, string> = {
  Entity: 'entity',
  FeatureView: 'feature view',
  OnDemandFeatureView: 'on demand feature view',
  FeatureService: 'feature service',
};

const a = (label: string) => `${/^[aeiou]/.test(label) ? 'an' : 'a'} ${label}`;

/** What makes two exported objects "the same definition": their serialized spec. */
function specOf(d: Definition): string | undefined {
  if (d.kind === 'Entity') return JSON.stringify(entitySpec(d));
  if (d.kind === 'FeatureView') return JSON.stringify(featureViewSpec(d));
  if (d.kind === 'OnDemandFeatureView') return JSON.stringify(onDemandSpec(d));
  if (d.kind === 'FeatureService') return JSON.stringify(featureServiceSpec(d));
  return undefined;
}

/**
 * Two different exports under one name are a mistake (a copy-paste), not a new version: name both.
 * A feature view and an on demand view share one namespace (feature references are `name:feature`).
 */
function assertDefinedOnce(exported: Exported[]): void {
  const views = new Map<string, Exported>();
  const byKey = new Map<string, Exported>();
  const where = (x: Exported) => `export '${x.exportName}' (${x.file})`;
  for (const x of exported) {
    const d = x.definition;
    const spec = specOf(d);
    if (spec === undefined) continue;
    if (d.kind === 'FeatureView' || d.kind === 'OnDemandFeatureView') {
      const other = views.get(d.name);
      if (other && other.definition.kind !== d.kind) {
        throw new ValidationError(
          `'${d.name}' is both ${a(KIND_LABEL[other.definition.kind])} (${where(other)}) and ${a(KIND_LABEL[d.kind])} (${where(x)}); give one of them another name`,
          [{ field: 'name', message: `'${d.name}' defined twice` }],
        );
      }
      views.set(d.name, x);
    }
    const label = d.kind === 'FeatureView' ? viewKey(d.name, d.version) : d.name;
    const seen = byKey.get(`${d.kind}:${label}`);
    if (seen && seen.definition !== d && specOf(seen.definition) !== spec) {
      throw new ValidationError(
        `${KIND_LABEL[d.kind]} '${label}' is defined twice: ${where(seen)} and ${where(x)}; remove one or rename it${d.kind === 'FeatureView' ? ` (a changed schema is \`version: ${d.version + 1}\`)` : ''}`,
        [{ field: 'name', message: `'${label}' defined twice` }],
      );
    }
    byKey.set(`${d.kind}:${label}`, x);
  }
}
