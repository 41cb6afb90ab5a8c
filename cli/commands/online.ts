import type { Command } from 'commander';
import { ValidationError } from '../../shared/errors.js';
import type { RegistryData } from '../../shared/registry/types.js';
import { entityArgs, instantArg, listArg } from '../args.js';
import { withStore } from '../context.js';
import { formatCell, toJson, type GlobalOptions } from '../output.js';
import { readRows } from '../read-table.js';
import Table from 'cli-table3';

/** Online-only pushes are the default, and invisible to training: say so every time. */
const ONLINE_ONLY = 'warning: pushed online only: these rows are not in the offline store, so training sets will not see them (use --to online_and_offline)';

/** The declared type of every join key and request field, by name. */
function declaredTypes(registry: RegistryData | undefined): Record<string, string> {
  const types: Record<string, string> = {};
  for (const e of Object.values(registry?.entities ?? {})) for (const k of e.joinKeys) types[k] = e.valueType;
  for (const v of Object.values(registry?.featureViews ?? {})) for (const k of v.joinKeys) types[k.name] = k.valueType;
  for (const o of Object.values(registry?.onDemandFeatureViews ?? {})) {
    for (const i of o.inputs) if (i.kind === 'request') for (const f of i.features) types[f.name] = f.dtype;
  }
  return types;
}

export function registerOnlineCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('get-online-features')
    .description('look up online feature vectors (Feast JSON with --json)')
    .option('-f, --features <refs>', 'comma-separated view:feature references', listArg)
    .option('-s, --feature-service <name>', 'a feature service instead of --features')
    .option('-e, --entity <KEY=V1,V2>', 'join key (or request data) values (repeatable)', (v: string, p: string[] = []) => [...p, v])
    .option('--full-feature-names', 'name columns view__feature')
    .option('--now <ts>', 'evaluate TTLs at this time (default: now)')
    .action((o: { features?: string[]; featureService?: string; entity?: string[]; fullFeatureNames?: boolean; now?: string }) => {
      const now = o.now ? () => instantArg(o.now!, 'now') : undefined;
      return withStore(
        globals(),
        async (store) => {
          if (!o.entity?.length) throw new ValidationError('give at least one --entity KEY=V1,V2', [{ field: 'entity', message: 'required' }]);
          const res = await store.getOnlineFeatures({
            ...(o.features ? { features: o.features } : {}),
            ...(o.featureService ? { featureService: o.featureService } : {}),
            entities: entityArgs(o.entity, declaredTypes(await store.registryDump())),
            fullFeatureNames: o.fullFeatureNames ?? false,
          });
          if (globals().json) return void console.log(toJson(res));
          const names = res.metadata.feature_names;
          const t = new Table({ head: ['feature', ...res.results[0].values.map((_, j) => `row ${j}`)], style: { head: [], border: [] } });
          for (const [i, n] of names.entries()) {
            t.push([n, ...res.results[i].values.map((v, j) => (res.results[i].statuses[j] === 'PRESENT' ? formatCell(v) : res.results[i].statuses[j]))]);
          }
          console.log(t.toString());
          for (const w of res.metadata.warnings ?? []) console.error(`warning: ${w}`);
        },
        now,
        true,
      );
    });

  program
    .command('push')
    .description('push rows to a push source: validated first, all-or-nothing')
    .argument('<push_source>', 'push source name')
    .option('--file <path>', 'rows as JSON (array or {col: [...]}), CSV or Parquet')
    .option('--data <json>', 'rows inline: JSON array or {col: [...]}')
    .option('--to <mode>', 'online | offline | online_and_offline; online-only rows are absent from training sets', 'online')
    .action((source: string, o: { file?: string; data?: string; to: string }) =>
      withStore(globals(), async (store) => {
        let rows: Record<string, unknown>[] | undefined;
        if (o.file) rows = await readRows(o.file);
        else if (o.data) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(o.data);
          } catch (err) {
            throw new ValidationError(`--data is not valid JSON: ${(err as Error).message}`, [{ field: 'data', message: 'invalid JSON' }]);
          }
          rows = Array.isArray(parsed) ? parsed : undefined;
          if (!rows) {
            const res = await store.push({ pushSourceName: source, df: parsed as Record<string, unknown[]>, to: o.to as 'online' });
            if (o.to === 'online') console.error(ONLINE_ONLY);
            return void console.log(toJson(res));
          }
        } else throw new ValidationError('give --file or --data', [{ field: 'file', message: 'required' }]);
        const res = await store.push({ pushSourceName: source, rows, to: o.to as 'online' });
        if (o.to === 'online') console.error(ONLINE_ONLY);
        console.log(
          globals().json
            ? toJson(res)
            : `pushed ${res.rows} rows${res.online.map((w) => `; ${w.view}: ${w.written} written, ${w.skipped} older skipped`).join('')}${res.offline ? `; offline part ${res.offline.path}` : ''}`,
        );
      }),
    );
}
