// npm run bench [-- online|pit|materialize|aws|bundles|fanout|agg|agg-online]
import { isMet, recordedTargets } from './lib/report.js';

const BENCHES = ['online', 'pit', 'aws', 'bundles', 'materialize', 'fanout', 'agg', 'agg-online'];
const which = process.argv.slice(2);
const unknown = which.filter((w) => !BENCHES.includes(w));
if (unknown.length) {
  // A misspelt name would otherwise run nothing and look like a pass.
  console.error(`unknown benchmark ${unknown.map((u) => `'${u}'`).join(', ')}: expected one or more of ${BENCHES.join(', ')}`);
  process.exit(2);
}
const all = !which.length;
if (all || which.includes('online')) await (await import('./online-serve.js')).benchOnline();
if (all || which.includes('pit')) await (await import('./pit-join.js')).benchPit();
if (all || which.includes('aws')) await (await import('./aws-stores.js')).benchAws();
if (all || which.includes('bundles')) await (await import('./bundles.js')).benchBundles();
if (all || which.includes('materialize')) await (await import('./materialize.js')).benchMaterialize();
if (all || which.includes('fanout')) await (await import('./materialize-fanout.js')).benchMaterializeFanout();
if (all || which.includes('agg')) await (await import('./aggregations.js')).benchAggregations();
if (all || which.includes('agg-online')) await (await import('./aggregations-online.js')).benchAggregationsOnline();

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
