import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { Show, Table } from '../components.js';
import { num, when } from '../format.js';
import type { DatasetSpec } from '../../../shared/registry/types.js';

/** A registered dataset as the API sends it: the registry's spec and the services whose features it holds. */
export interface DatasetDetail extends DatasetSpec {
  services: string[];
}

export function DatasetsPage() {
  const datasets = useApi<DatasetDetail[]>('/api/datasets');
  return html`<h1>Training datasets</h1>
    <${Show} loaded=${datasets}>${(ds: DatasetDetail[]) => html`<${Table}
      testid="datasets-table"
      head=${['name', 'rows', 'features', 'location', 'created']}
      rows=${ds.map((d) => [html`<a href=${`/datasets/${encodeURIComponent(d.name)}`}>${d.name}</a>`, num(d.rowCount), d.features.length, html`<code>${d.s3Uri}</code>`, when(d.createdAt)])}
    />`}<//>`;
}
