import type { FeatureViewSpec } from '../../shared/registry/types.js';

/** How to fetch a view's features: `skewless serve` over curl, the TypeScript facade, the CLI. */
export function snippets(view: FeatureViewSpec, exampleEntity: Record<string, unknown> | undefined) {
  const features = view.features.map((f) => `${view.name}:${f.name}`);
  const entities = Object.fromEntries(view.joinKeys.map((k) => [k.name, [exampleEntity?.[k.name] ?? `<${k.name}>`]]));
  const body = JSON.stringify({ features, entities });
  const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  return {
    curl: `# with \`skewless serve\` running (port 6566)\ncurl -s -X POST http://127.0.0.1:6566/get-online-features \\\n  -H 'content-type: application/json' \\\n  -d ${shellQuote(body)}`,
    typescript: `import { FeatureStore } from 'skewless';\n\nconst store = await FeatureStore.open('.');\nconst res = await store.getOnlineFeatures({\n  features: ${JSON.stringify(features)},\n  entities: ${JSON.stringify(entities)},\n});\nconsole.log(res.results);\nawait store.close();`,
    cli: `npx skewless get-online-features \\\n  -f ${shellQuote(features.join(','))} \\\n  ${Object.entries(entities)
      .map(([k, v]) => `-e ${shellQuote(`${k}=${String(v[0])}`)}`)
      .join(' ')}`,
  };
}
