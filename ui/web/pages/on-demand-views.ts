import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { Show, Status, Table } from '../components.js';

export interface OnDemandDetail {
  name: string;
  description: string;
  owner: string;
  tags: Record<string, string>;
  inputs: { kind: 'view' | 'request'; name: string; version?: number; features: { name: string; dtype: string }[] }[];
  features: { name: string; dtype: string; description: string }[];
  codeHash: string;
  loadedCodeHash: string | null;
  drift: 'in_sync' | 'drift' | 'not_loaded';
  consumers: string[];
}

export function OnDemandViewsPage() {
  const views = useApi<OnDemandDetail[]>('/api/on-demand-views');
  return html`<h1>On-demand views</h1>
    <${Show} loaded=${views}>${(vs: OnDemandDetail[]) => html`<${Table}
      testid="on-demand-table"
      head=${['name', 'inputs', 'outputs', 'code hash', 'drift']}
      rows=${vs.map((o) => [
        html`<a href=${`/on-demand-views/${encodeURIComponent(o.name)}`}>${o.name}</a>`,
        o.inputs.map((i) => (i.kind === 'view' ? `${i.name}@v${i.version}` : `request:${i.name}`)).join(', '),
        o.features.map((f) => f.name).join(', '),
        html`<code>${o.codeHash.slice(0, 12)}</code>`,
        html`<${Status} status=${o.drift} />`,
      ])}
    />`}<//>`;
}
