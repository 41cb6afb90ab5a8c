import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { KeyValues, Show } from '../components.js';
import type { PageProps } from '../router.js';

interface SourceDetail {
  name: string;
  kind: string;
  path?: string;
  timestampField?: string;
  createdTimestampColumn?: string;
  batchSource?: { name: string; path: string };
  description: string;
  owner: string;
  views: string[];
}

export function SourcePage({ params }: PageProps) {
  const source = useApi<SourceDetail>(`/api/sources/${encodeURIComponent(params.name)}`);
  return html`<${Show} loaded=${source}>${(s: SourceDetail) => html`
    <h1 data-testid="source-name">${s.name} <small class="muted">${s.kind}</small></h1>
    <${KeyValues} items=${[
      ...(s.path ? ([['path', html`<code>${s.path}</code>`]] as [string, unknown][]) : []),
      ...(s.timestampField ? ([['event time column', s.timestampField]] as [string, unknown][]) : []),
      ...(s.createdTimestampColumn ? ([['created column', s.createdTimestampColumn]] as [string, unknown][]) : []),
      ...(s.batchSource
        ? ([['batch source', html`<a href=${`/sources/${encodeURIComponent(s.batchSource.name)}`}>${s.batchSource.name}</a>`]] as [string, unknown][])
        : []),
      [
        'feature views',
        html`${s.views.map((v, i) => html`${i ? ', ' : ''}<a href=${`/feature-views/${encodeURIComponent(v.split('@')[0])}?version=${v.split('@v')[1]}`}>${v}</a>`)}`,
      ],
    ]} />`}<//>`;
}
