// npm run bench [-- online|pit|materialize|aws|bundles|fanout|agg|agg-online]
import { isMet, recordedTargets } from './lib/report.js';

// Each benchmark by name, in the order `npm run bench` runs them all.
const BENCHES: Record<string, () => Promise<void>> = {
  online: async () => (await import('./online-serve.js')).benchOnline(),
  pit: async () => (await import('./pit-join.js')).benchPit(),
  aws: async () => (await import('./aws-stores.js')).benchAws(),
  bundles: async () => (await import('./bundles.js')).benchBundles(),
  materialize: async () => (await import('./materialize.js')).benchMaterialize(),
  fanout: async () => (await import('./materialize-fanout.js')).benchMaterializeFanout(),
  agg: async () => (await import('./aggregations.js')).benchAggregations(),
  'agg-online': async () => (await import('./aggregations-online.js')).benchAggregationsOnline(),
};
const names = Object.keys(BENCHES);
const which = process.argv.slice(2);
const unknown = which.filter((w) => !Object.hasOwn(BENCHES, w));
if (unknown.length) {
  // A misspelt name would otherwise run nothing and look like a pass.
  console.error(`unknown benchmark ${unknown.map((u) => `'${u}'`).join(', ')}: expected one or more of ${names.join(', ')}`);
  process.exit(2);
}
for (const name of names) if (!which.length || which.includes(name)) await BENCHES[name]();

const targets = recordedTargets();
if (targets.length) {
  const met = targets.filter(isMet).length;
  console.log(
    `\n${met} of ${targets.length} targets met${
      met < targets.length
        ? `; not met: ${targets
            .filter((t) => !isMet(t))
            .map((t) => t.target)
            .join('; ')}`
        : ''
    }`,
  );
}
