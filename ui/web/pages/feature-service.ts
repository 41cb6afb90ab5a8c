import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { KeyValues, Section, Show, Table, Tags } from '../components.js';
import type { PageProps } from '../router.js';
import { projectionHref, type ServiceDetail } from './feature-services.js';

export function FeatureServicePage({ params }: PageProps) {
  const service = useApi<ServiceDetail>(`/api/feature-services/${encodeURIComponent(params.name)}`);
  return html`<${Show} loaded=${service}>${(s: ServiceDetail) => html`
    <h1 data-testid="service-name">${s.name} <small class="muted">feature service</small></h1>
    ${s.description && html`<p>${s.description}</p>`}
    <${KeyValues} items=${[['owner', s.owner || '—'], ['tags', html`<${Tags} tags=${s.tags} />`], ['features', String(s.features.length)]]} />
    <${Section} title="Projections (pinned versions)" id="projections">
      <${Table}
        testid="projections-table"
        head=${['view', 'version', 'features']}
        rows=${s.projections.map((p) => [html`<a href=${projectionHref(p)}>${p.view}</a>`, p.onDemand ? 'on demand' : `v${p.version}`, p.features.join(', ')])}
      />
    <//>
    <${Section} title="Training datasets" id="datasets">
      ${s.datasets.length ? html`<ul>${s.datasets.map((d) => html`<li><a href=${`/datasets/${encodeURIComponent(d)}`}>${d}</a></li>`)}</ul>` : html`<p class="muted">None registered.</p>`}
    <//>
    <p><a href=${`/skew?service=${encodeURIComponent(s.name)}`}>Audit this service for skew →</a></p>`}<//>`;
}
