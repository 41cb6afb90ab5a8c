import type { Command } from 'commander';
import type { FeatureStore } from '../../shared/feature-store.js';
import { viewKey } from '../../shared/layout/view-ref.js';
import { formatPlan, type Plan } from '../../shared/registry/plan.js';
import type { Definition } from '../../shared/registry/to-specs.js';
import { withStore } from '../context.js';
import { printTable, toJson, type GlobalOptions } from '../output.js';

export function registerRegistryCommands(program: Command, globals: () => GlobalOptions): void {
  const registryVerbs: [string, string, (store: FeatureStore, defs: Definition[], o: { promote?: boolean }) => Promise<Plan>][] = [
    ['plan', 'show what apply would change (Created / Updated / Deleted), with compatibility of each change', (s, d, o) => s.plan(d, o)],
    ['apply', 'register the repo definitions (atomic; refuses breaking changes to a live version)', (s, d, o) => s.apply(d, o)],
  ];
  for (const [verb, description, run] of registryVerbs) {
    program
      .command(verb)
      .description(description)
      .option('--promote', 'make new versions active at once (default: inactive until `skewless promote VIEW@vN`)')
      .action((o: { promote?: boolean }) =>
        withStore(globals(), async (store) => {
          const plan = await run(store, await store.loadDefinitions(), o);
          console.log(globals().json ? toJson(plan.changes) : formatPlan(plan));
        }),
      );
  }

  program
    .command('promote')
    .description('make an inactive VIEW@vN the version that unversioned references and feature services read (refused until its online data covers its ttl)')
    .argument('<view>', 'e.g. user_activity@v2')
    .option('--force', 'promote even without online data covering its ttl')
    .action((ref: string, o: { force?: boolean }) =>
      withStore(globals(), async (store) => {
        const r = await store.promote(ref, o);
        if (r.warning) console.error(`warning: ${r.warning}`);
        console.log(globals().json ? toJson(r) : `Promoted feature view ${r.view}`);
      }),
    );

  const lifecycle = (verb: 'deprecate' | 'delete', description: string, run: (store: FeatureStore, ref: string) => Promise<{ view: string }>, past: string) =>
    program
      .command(verb)
      .description(description)
      .argument('<view>', 'e.g. user_activity@v1')
      .action((ref: string) =>
        withStore(globals(), async (store) => {
          const r = await run(store, ref);
          console.log(globals().json ? toJson(r) : `${past} feature view ${r.view}`);
        }),
      );
  lifecycle(
    'deprecate',
    'deprecate VIEW@vN: still served (with a warning) until deleted; refused while a feature service uses it',
    (s, ref) => s.deprecate(ref),
    'Deprecated',
  );
  lifecycle('delete', 'delete a deprecated VIEW@vN from the registry and the online store', (s, ref) => s.deleteVersion(ref), 'Deleted');

  program
    .command('registry-dump')
    .description('print the registry document as JSON')
    .action(() => withStore(globals(), async (store) => console.log(toJson((await store.registryDump()) ?? null))));

  const list = (noun: string, fn: (store: FeatureStore) => Promise<{ rows: Record<string, unknown>[]; columns: string[] }>) => {
    program
      .command(noun)
      .description(`${noun}: list`)
      .command('list')
      .action(() =>
        withStore(globals(), async (store) => {
          const { rows, columns } = await fn(store);
          printTable(rows, columns, globals());
        }),
      );
  };
  list('feature-views', async (store) => {
    const dump = await store.registryDump();
    return {
      columns: ['name', 'kind', 'version', 'status', 'entities', 'ttl_seconds', 'features', 'sla'],
      rows: [
        ...Object.values(dump?.featureViews ?? {}).map((v) => ({
          name: v.name,
          kind: v.source.kind === 'PushSource' ? 'push' : 'batch',
          version: v.version,
          status: v.status,
          entities: v.entities.join(','),
          ttl_seconds: v.ttlSeconds,
          features: v.features.length,
          sla: v.tags.freshness_sla ?? '',
        })),
        // On demand views have no version, entities or ttl of their own: they list their inputs.
        ...Object.values(dump?.onDemandFeatureViews ?? {}).map((o) => ({
          name: o.name,
          kind: 'on demand',
          version: '',
          status: 'active',
          entities: o.inputs.map((i) => (i.kind === 'view' ? viewKey(i.name, i.version!) : `request:${i.name}`)).join(','),
          ttl_seconds: '',
          features: o.features.length,
          sla: '',
        })),
      ],
    };
  });
  list('entities', async (store) => ({
    columns: ['name', 'join_keys', 'value_type', 'description'],
    rows: Object.values((await store.registryDump())?.entities ?? {}).map((e) => ({
      name: e.name,
      join_keys: e.joinKeys.join(','),
      value_type: e.valueType,
      description: e.description,
    })),
  }));
  list('feature-services', async (store) => ({
    columns: ['name', 'features'],
    rows: Object.values((await store.registryDump())?.featureServices ?? {}).map((s) => ({
      name: s.name,
      features: s.projections.map((p) => `${p.onDemand ? p.view : viewKey(p.view, p.version)}[${p.features.length}]`).join(', '),
    })),
  }));
}
