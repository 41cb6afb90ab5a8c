import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { Show, Table } from '../components.js';

export interface ServiceDetail {
  name: string;
  description: string;
  owner: string;
  tags: Record<string, string>;
  projections: { view: string; version: number; features: string[]; onDemand?: boolean }[];
  features: string[];
  datasets: string[];
}

export const projectionHref = (p: { view: string; version: number; onDemand?: boolean }) =>
  p.onDemand ? `/on-demand-views/${encodeURIComponent(p.view)}` : `/feature-views/${encodeURIComponent(p.view)}?version=${p.version}`;

export function FeatureServicesPage() {
  const services = useApi<ServiceDetail[]>('/api/feature-services');
  return html`<h1>Feature services</h1>
    <${Show} loaded=${services}>${(ss: ServiceDetail[]) => html`<${Table}
      testid="services-table"
      head=${['name', 'reads', 'features', 'description']}
      rows=${ss.map((s) => [
        html`<a href=${`/feature-services/${encodeURIComponent(s.name)}`}>${s.name}</a>`,
        html`${s.projections.map((p, i) => html`${i ? ', ' : ''}<a href=${projectionHref(p)}>${p.onDemand ? p.view : `${p.view}@v${p.version}`}</a>`)}`,
        s.features.length,
        s.description || '—',
      ])}
    />`}<//>`;
}
