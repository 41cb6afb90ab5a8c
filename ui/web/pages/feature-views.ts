import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApi } from '../api.js';
import { Show, Status, Table, Tags } from '../components.js';
import { duration } from '../format.js';
import { navigate, type PageProps } from '../router.js';

interface ViewSummary {
  name: string;
  version: number;
  versions: { version: number; status: string }[];
  entities: string[];
  features: number;
  ttlSeconds: number;
  owner: string;
  tags: Record<string, string>;
}

export function FeatureViewsPage({ query }: PageProps) {
  const q = query.get('q') ?? '';
  const [text, setText] = useState(q);
  const views = useApi<ViewSummary[]>(`/api/feature-views${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  const submit = (e: Event) => {
    e.preventDefault();
    navigate(text ? `/feature-views?q=${encodeURIComponent(text)}` : '/feature-views');
  };
  return html`<h1>Feature views</h1>
    <form class="search" onSubmit=${submit} role="search">
      <input name="q" type="search" placeholder="name, tag (team=platform) or owner" value=${text} onInput=${(e: Event) => setText((e.target as HTMLInputElement).value)} data-testid="search" />
      <button type="submit">Search</button>
    </form>
    <${Show} loaded=${views}>${(vs: ViewSummary[]) => html`
      <p class="muted" data-testid="result-count">${vs.length} ${vs.length === 1 ? 'view' : 'views'}${q ? ` matching “${q}”` : ''}</p>
      <${Table}
        testid="views-table"
        head=${['name', 'versions', 'entities', 'features', 'ttl', 'owner', 'tags']}
        rows=${vs.map((v) => [
          html`<a href=${`/feature-views/${encodeURIComponent(v.name)}`}>${v.name}</a>`,
          html`${v.versions.map((x) => html`<span class="ver">v${x.version} <${Status} status=${x.status} /></span>`)}`,
          v.entities.join(', '),
          v.features,
          duration(v.ttlSeconds),
          v.owner || '—',
          html`<${Tags} tags=${v.tags} />`,
        ])}
      />`}<//>`;
}
