import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { Counts, Show, Status, Table } from '../components.js';
import { duration, when } from '../format.js';
import type { ViewFreshness } from '../../../shared/services/freshness.js';

interface Summary {
  project: string;
  provider: string;
  now: string;
  counts: Record<'entities' | 'featureViews' | 'featureViewVersions' | 'onDemandViews' | 'featureServices' | 'datasets' | 'dataSources', number>;
  freshness: ViewFreshness[];
}

export function HomePage() {
  const summary = useApi<Summary>('/api/summary');
  return html`<${Show} loaded=${summary}>${(s: Summary) => html`
    <h1>${s.project} <small class="muted">provider ${s.provider}</small></h1>
    <${Counts}
      items=${[
        ['Entities', s.counts.entities, '/lineage'],
        ['Feature views', s.counts.featureViews, '/feature-views'],
        ['On-demand views', s.counts.onDemandViews, '/on-demand-views'],
        ['Feature services', s.counts.featureServices, '/feature-services'],
        ['Datasets', s.counts.datasets, '/datasets'],
      ]}
    />
    <h2>Freshness <small class="muted">at ${when(s.now)}</small></h2>
    <${Table}
      testid="freshness-board"
      head=${['view', 'version', 'watermark', 'age', 'SLA', 'status']}
      rows=${s.freshness.map((f) => [
        html`<a href=${`/feature-views/${encodeURIComponent(f.view)}?version=${f.version}`}>${f.view}</a>`,
        `v${f.version}`,
        when(f.watermark),
        duration(f.ageSeconds),
        duration(f.slaSeconds),
        html`<${Status} status=${f.status} />`,
      ])}
    />`}<//>`;
}
