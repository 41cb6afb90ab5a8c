import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { KeyValues, Section, Show, Table } from '../components.js';
import { num, when } from '../format.js';
import type { PageProps } from '../router.js';
import type { DatasetDetail } from './datasets.js';

export function DatasetPage({ params }: PageProps) {
  const dataset = useApi<DatasetDetail>(`/api/datasets/${encodeURIComponent(params.name)}`);
  return html`<${Show} loaded=${dataset}>${(d: DatasetDetail) => html`
    <h1 data-testid="dataset-name">${d.name} <small class="muted">training dataset</small></h1>
    <${KeyValues} items=${[
      ['rows', html`<span data-testid="dataset-rows">${num(d.rowCount)}</span>`],
      ['location', html`<code>${d.s3Uri}</code>`],
      ['created', when(d.createdAt)],
      ['feature services', html`${d.services.map((s, i) => html`${i ? ', ' : ''}<a href=${`/feature-services/${encodeURIComponent(s)}`}>${s}</a>`)}`],
    ]} />
    <${Section} title="Features" id="features"><ul>${d.features.map((f) => html`<li><code>${f}</code></li>`)}</ul><//>
    <${Section} title="Schema" id="schema">
      <${Table} testid="dataset-schema" head=${['column', 'type']} rows=${d.schema.map((c) => [c.name, html`<code>${c.type}</code>`])} />
    <//>`}<//>`;
}
