import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApi } from '../api.js';
import { Code, FreshnessChart, Histogram, KeyValues, Section, Show, Status, Table, Tags } from '../components.js';
import { cell, duration, num, pct, when } from '../format.js';
import type { PageProps } from '../router.js';
import type { AggregationSpec, AggregationViewSpec } from '../../../shared/registry/types.js';
import type { ViewStatistics } from '../../../shared/services/statistics.js';

interface Change {
  path: string;
  old: unknown;
  new: unknown;
  breaking: boolean;
  reason: string;
}
interface Diff {
  from: number;
  to: number;
  breaking: boolean;
  changes: Change[];
}
interface ViewDetail {
  name: string;
  version: number;
  versions: { version: number; status: string }[];
  entities: string[];
  joinKeys: { name: string; valueType: string }[];
  schema: { name: string; dtype: string; description: string }[];
  ttlSeconds: number;
  owner: string;
  tags: Record<string, string>;
  description: string;
  online: boolean;
  sourceDetail: { name: string; kind: string; path: string; timestampField: string; createdTimestampColumn: string | null };
  versionDetails: {
    version: number;
    status: string;
    ttlSeconds: number;
    features: { name: string; dtype: string }[];
    aggregation: AggregationViewSpec | null;
    consumers: string[];
    materialization: { watermark?: string; intervals: unknown[] } | null;
  }[];
  diffs: Diff[];
  onDemandConsumers: string[];
}
type Stats = ViewStatistics;

const enc = encodeURIComponent;

/** A changed property's value as the diff shows it: a field by its type, absent as —. */
function changeValue(v: unknown): string {
  if (v === undefined || v === null) return '—';
  if (typeof v === 'object' && v !== null && 'dtype' in v) return String((v as { dtype: unknown }).dtype);
  return cell(v);
}
const DAY = 86_400_000;

/** What an aggregation computes, as declared: `sum(tokens) over 7 d`, `count over 1 h`, `last_n(model, 5) over 1 d`. */
function aggregationLabel(a: AggregationSpec): string {
  const args = [a.column, a.n].filter((x) => x !== undefined).join(', ');
  return `${a.function}${args ? `(${args})` : ''} over ${duration(a.windowSeconds)}`;
}

function DiffView({ name, versions }: { name: string; versions: number[] }) {
  const [from, setFrom] = useState(versions.at(-2) ?? versions[0]);
  const [to, setTo] = useState(versions.at(-1)!);
  const [asked, setAsked] = useState<string | null>(null);
  const diff = useApi<Diff>(asked);
  const pickerOf = (value: number, set: (v: number) => void, label: string) =>
    html`<label>${label} <select data-testid=${`diff-${label}`} value=${value} onChange=${(e: Event) => set(Number((e.target as HTMLSelectElement).value))}>${versions.map(
      (v) => html`<option value=${v}>v${v}</option>`,
    )}</select></label>`;
  return html`<div class="diff">
    <form class="inline" onSubmit=${(e: Event) => (e.preventDefault(), setAsked(`/api/feature-views/${enc(name)}/diff?from=${from}&to=${to}`))}>
      ${pickerOf(from, setFrom, 'from')} ${pickerOf(to, setTo, 'to')}
      <button type="submit" data-testid="show-diff">Compare</button>
    </form>
    ${
      asked &&
      html`<${Show} loaded=${diff}>${(d: Diff) => html`<div data-testid="diff-result">
      <p>v${d.from} → v${d.to}: <strong class=${d.breaking ? 'breaking' : 'compatible'} data-testid="diff-verdict">${d.breaking ? 'BREAKING' : d.changes.length ? 'compatible' : 'no changes'}</strong></p>
      <${Table}
        testid="diff-table"
        head=${['property', `v${d.from}`, `v${d.to}`, 'verdict']}
        rows=${d.changes.map((c) => [html`<code>${c.path}</code>`, changeValue(c.old), changeValue(c.new), html`<span class=${c.breaking ? 'breaking' : 'compatible'}>${c.breaking ? 'BREAKING' : 'compatible'}</span>: ${c.reason}`])}
      />
    </div>`}<//>`
    }
  </div>`;
}

function StatisticsView({ name, version, defaultEnd }: { name: string; version: number; defaultEnd: string }) {
  const end0 = defaultEnd.slice(0, 10);
  const start0 = new Date(Date.parse(defaultEnd) - 30 * DAY).toISOString().slice(0, 10);
  const [range, setRange] = useState({ start: start0, end: end0 });
  const [form, setForm] = useState(range);
  const [refresh, setRefresh] = useState(0);
  const endExclusive = new Date(Date.parse(`${range.end}T00:00:00Z`) + DAY).toISOString();
  const stats = useApi<Stats>(
    `/api/feature-views/${enc(name)}/statistics?version=${version}&start=${enc(`${range.start}T00:00:00Z`)}&end=${enc(endExclusive)}${refresh ? `&refresh=1&r=${refresh}` : ''}`,
  );
  const field = (k: 'start' | 'end') =>
    html`<label>${k} <input type="date" data-testid=${`stats-${k}`} value=${form[k]} onInput=${(e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })} /></label>`;
  return html`<form class="inline" onSubmit=${(e: Event) => (e.preventDefault(), setRange(form))}>
      ${field('start')} ${field('end')} <button type="submit" data-testid="stats-apply">Compute</button>
      <button type="button" onClick=${() => setRefresh((r) => r + 1)}>Recompute</button>
    </form>
    <${Show} loaded=${stats}>${(s: Stats) => html`
      <p data-testid="stats-summary"><strong data-testid="stats-rows">${num(s.rowCount)}</strong> ${s.of === 'events' ? 'raw events (the columns the aggregations read)' : 'rows'} with event time in [${when(s.start)}, ${when(s.end)}) · ${s.engine}${s.cached ? ' · cached' : ''} · computed ${when(s.computedAt)}</p>
      <div class="stats-grid">
        ${s.features.map(
          (f) => html`<div class="stat-card" data-testid=${`stat-${f.name}`}>
            <h3>${f.name} <small class="muted">${f.dtype}</small></h3>
            <${KeyValues}
              items=${[
                ['non-null', num(f.count)],
                ['null rate', html`<span data-testid="null-rate">${pct(f.nullRate)}</span>`],
                ...(f.kind === 'numeric' || f.kind === 'timestamp'
                  ? ([
                      ['min', html`<span data-testid="min">${num(f.min)}</span>`],
                      ['max', html`<span data-testid="max">${num(f.max)}</span>`],
                    ] as [string, unknown][])
                  : []),
                ...(f.mean !== undefined ? ([['mean', html`<span data-testid="mean">${num(f.mean)}</span>`]] as [string, unknown][]) : []),
                ...(f.distinct !== undefined ? ([['distinct', num(f.distinct)]] as [string, unknown][]) : []),
              ]}
            />
            ${f.histogram && html`<${Histogram} bins=${f.histogram} />`}
            ${f.top && html`<${Table} testid="top-values" head=${['value', 'count']} rows=${f.top.map((t) => [t.value, num(t.count)])} />`}
          </div>`,
        )}
      </div>`}<//>`;
}

function PreviewView({ name, version }: { name: string; version: number }) {
  const preview = useApi<{ rows: { entity: Record<string, unknown>; eventTimestamp: string; values: Record<string, unknown> }[] }>(
    `/api/feature-views/${enc(name)}/preview?version=${version}&n=10`,
  );
  return html`<${Show} loaded=${preview}>${(p: { rows: { entity: Record<string, unknown>; eventTimestamp: string; values: Record<string, unknown> }[] }) => {
    const keys = [...new Set(p.rows.flatMap((r) => Object.keys(r.entity)))];
    const cols = [...new Set(p.rows.flatMap((r) => Object.keys(r.values)))];
    return html`<${Table}
      testid="preview-table"
      head=${[...keys, 'event_timestamp', ...cols]}
      rows=${p.rows.map((r) => [...keys.map((k) => cell(r.entity[k])), when(r.eventTimestamp), ...cols.map((c) => cell(r.values[c]))])}
    />`;
  }}<//>`;
}

function FreshnessView({ name, version }: { name: string; version: number }) {
  const f = useApi<{
    current: { watermark: string | null; ageSeconds: number | null; slaSeconds: number | null; status: string } | null;
    history: { at: string; ageSeconds: number | null; slaSeconds: number | null; status: string }[];
  }>(`/api/feature-views/${enc(name)}/freshness?version=${version}`);
  return html`<${Show} loaded=${f}>${(d: {
    current: { watermark: string | null; ageSeconds: number | null; slaSeconds: number | null; status: string } | null;
    history: { at: string; ageSeconds: number | null; slaSeconds: number | null; status: string }[];
  }) => html`
    ${
      d.current
        ? html`<p data-testid="freshness-now">watermark ${when(d.current.watermark)} · age ${duration(d.current.ageSeconds)} · SLA ${duration(d.current.slaSeconds)} · <${Status} status=${d.current.status} /></p>`
        : html`<p class="muted">Not served online: no freshness.</p>`
    }
    ${d.history.length ? html`<${FreshnessChart} points=${d.history} /><p class="muted" data-testid="freshness-checks">${d.history.length} recorded ${d.history.length === 1 ? 'check' : 'checks'}</p>` : html`<p class="muted">No recorded checks yet.</p>`}`}<//>`;
}

function SnippetsView({ name, version }: { name: string; version: number }) {
  const s = useApi<{ curl: string; typescript: string; cli: string }>(`/api/feature-views/${enc(name)}/snippets?version=${version}`);
  return html`<${Show} loaded=${s}>${(x: { curl: string; typescript: string; cli: string }) => html`
    <h3>curl</h3><${Code} testid="snippet-curl" text=${x.curl} />
    <h3>TypeScript</h3><${Code} testid="snippet-ts" text=${x.typescript} />
    <h3>CLI</h3><${Code} testid="snippet-cli" text=${x.cli} />`}<//>`;
}

export function FeatureViewPage({ params, query }: PageProps) {
  const view = useApi<ViewDetail>(`/api/feature-views/${enc(params.name)}`);
  // The server's clock (`skewless ui --now` pins it): statistics default to the 30 days before it.
  const health = useApi<{ now: string }>('/api/health');
  return html`<${Show} loaded=${view}>${(v: ViewDetail) => {
    const asked = Number(query.get('version') ?? v.version);
    const selected = v.versionDetails.find((x) => x.version === asked);
    if (!selected)
      return html`<div class="error not-found" data-testid="not-found" role="alert"><strong>Not found</strong>: feature view '${v.name}@v${asked}' (versions: ${v.versions.map((x) => `v${x.version}`).join(', ')})</div>`;
    return html`
      <h1 data-testid="view-name">${v.name} <small class="muted">v${selected.version}</small> <${Status} status=${selected.status} /></h1>
      ${v.description && html`<p>${v.description}</p>`}
      <nav class="versions">${v.versions.map(
        (x) =>
          html`<a href=${`/feature-views/${enc(v.name)}?version=${x.version}`} class=${x.version === selected.version ? 'active' : ''} data-testid=${`version-v${x.version}`}>v${x.version} (${x.status})</a>`,
      )}</nav>
      <${Section} title="Overview" id="overview">
        <${KeyValues}
          items=${[
            ['entities', v.entities.join(', ')],
            ['join keys', v.joinKeys.map((k) => `${k.name}: ${k.valueType}`).join(', ')],
            [
              'source',
              html`<a href=${`/sources/${enc(v.sourceDetail.name)}`}>${v.sourceDetail.name}</a> (${v.sourceDetail.kind}, ${v.sourceDetail.path}, event time ${v.sourceDetail.timestampField})`,
            ],
            ['ttl', html`<span data-testid="ttl">${selected.ttlSeconds === 0 ? 'none (values never expire)' : duration(selected.ttlSeconds)}</span>`],
            ['online', v.online ? 'yes' : 'no'],
            ['owner', v.owner || '—'],
            ['tags', html`<${Tags} tags=${v.tags} />`],
            ['materialized until', when(selected.materialization?.watermark)],
          ]}
        />
      <//>
      <${Section} title="Schema" id="schema">
        ${
          selected.aggregation
            ? html`<${Table}
                  testid="schema-table"
                  head=${['feature', 'type', 'aggregation', 'description']}
                  rows=${selected.features.map((f) => [
                    f.name,
                    html`<code>${f.dtype}</code>`,
                    html`<code>${aggregationLabel(selected.aggregation!.aggregations.find((a) => a.name === f.name)!)}</code>`,
                    (f as { description?: string }).description || '',
                  ])}
                />
                <p class="muted" data-testid="event-schema">
                  Aggregated from the raw events' ${selected.aggregation.eventSchema.map((c, i) => html`${i ? ', ' : ''}<code>${c.name}</code> ${c.dtype}`)}, online in
                  tiles of ${duration(selected.aggregation.intervalSeconds)}.
                </p>`
            : html`<${Table} testid="schema-table" head=${['feature', 'type', 'description']} rows=${selected.features.map((f) => [f.name, html`<code>${f.dtype}</code>`, (f as { description?: string }).description || ''])} />`
        }
      <//>
      <${Section} title="Versions" id="versions">
        <${Table}
          testid="versions-table"
          head=${['version', 'status', 'features', 'consumers']}
          rows=${v.versionDetails.map((x) => [`v${x.version}`, html`<${Status} status=${x.status} />`, x.features.length, x.consumers.join(', ') || '—'])}
        />
        ${v.diffs.map((d) => html`<p class="muted">v${d.from} → v${d.to}: <span class=${d.breaking ? 'breaking' : 'compatible'}>${d.breaking ? 'BREAKING' : 'compatible'}</span> (${d.changes.length} changes)</p>`)}
        ${v.versions.length > 1 ? html`<${DiffView} name=${v.name} versions=${v.versions.map((x) => x.version)} />` : html`<p class="muted">One version: nothing to compare.</p>`}
      <//>
      <${Section} title="Consumers" id="consumers">
        ${
          selected.consumers.length || v.onDemandConsumers.length
            ? html`<ul>
              ${selected.consumers.map((c) => html`<li>feature service <a href=${`/feature-services/${enc(c)}`} data-testid="consumer-link">${c}</a></li>`)}
              ${v.onDemandConsumers.map((c) => html`<li>on-demand view <a href=${`/on-demand-views/${enc(c)}`}>${c}</a></li>`)}
            </ul>`
            : html`<p class="muted">No feature service reads v${selected.version}.</p>`
        }
      <//>
      <${Section} title="Freshness" id="freshness"><${FreshnessView} name=${v.name} version=${selected.version} /><//>
      <${Section} title="Statistics (offline data)" id="statistics"><${Show} loaded=${health}>${(h: { now: string }) => html`<${StatisticsView} name=${v.name} version=${selected.version} defaultEnd=${h.now} />`}<//><//>
      <${Section} title="Data preview (online rows)" id="preview"><${PreviewView} name=${v.name} version=${selected.version} /><//>
      <${Section} title="Fetch these features" id="snippets"><${SnippetsView} name=${v.name} version=${selected.version} /><//>`;
  }}<//>`;
}
