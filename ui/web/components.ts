import { html } from 'htm/preact';
import type { ComponentChildren, VNode } from 'preact';
import { ApiError, type Loaded } from './api.js';
import { duration, num, when } from './format.js';

export const Loading = () => html`<p class="loading" data-testid="loading">Loading…</p>`;

/** An API failure, shown in place (a 404 reads as "not found"), never a blank page. */
export function ErrorBox({ error }: { error: Error }) {
  const notFound = error instanceof ApiError && error.status === 404;
  return html`<div class=${`error ${notFound ? 'not-found' : ''}`} role="alert" data-testid=${notFound ? 'not-found' : 'error'}>
    <strong>${notFound ? 'Not found' : 'Error'}</strong>
    <span>${error instanceof ApiError && !notFound ? ` (${error.status} ${error.code})` : ''}: ${error.message}</span>
  </div>`;
}

/** Renders `body(data)` once loaded; loading and errors in its place. */
export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error) return html`<${ErrorBox} error=${loaded.error} />`;
  if (loaded.data === undefined) return html`<${Loading} />`;
  return html`<${Fragmentish}>${children(loaded.data)}<//>`;
}
const Fragmentish = ({ children }: { children?: ComponentChildren }) => html`${children}`;

export const Status = ({ status }: { status: string }) =>
  html`<span class=${`status status-${status}`} data-status=${status}>${status.replace('_', ' ')}</span>`;

export function Tags({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (!entries.length) return html`<span class="muted">—</span>`;
  return html`<span class="tags">${entries.map(([k, v]) => html`<span class="tag">${k}=${v}</span>`)}</span>`;
}

export function Table({ head, rows, testid }: { head: string[]; rows: ComponentChildren[][]; testid?: string }) {
  if (!rows.length) return html`<p class="muted" data-testid=${testid}>None.</p>`;
  return html`<table data-testid=${testid}>
    <thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead>
    <tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody>
  </table>`;
}

export function KeyValues({ items }: { items: [string, ComponentChildren][] }) {
  return html`<dl class="kv">${items.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return html`<section id=${id} data-testid=${id}><h2>${title}</h2>${children}</section>`;
}

export function Counts({ items }: { items: [string, number, string][] }) {
  return html`<div class="counts">${items.map(
    ([label, n, href]) =>
      html`<a class="count" href=${href} data-testid=${`count-${label.toLowerCase().replaceAll(' ', '-')}`}><span class="n">${n}</span><span>${label}</span></a>`,
  )}</div>`;
}

/** Equal-width bins as an SVG bar chart. */
export function Histogram({ bins }: { bins: { start: number; end: number; count: number }[] }): VNode {
  const w = 320;
  const h = 90;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const bw = w / bins.length;
  return html`<svg class="histogram" viewBox=${`0 0 ${w} ${h + 16}`} width=${w} height=${h + 16} role="img" aria-label="histogram">
    ${bins.map((b, i) => {
      const bh = (b.count / max) * h;
      return html`<rect x=${i * bw + 1} y=${h - bh} width=${Math.max(1, bw - 2)} height=${bh}><title>${num(b.start)} – ${num(b.end)}: ${b.count}</title></rect>`;
    })}
    <text x="0" y=${h + 13}>${num(bins[0]?.start)}</text>
    <text x=${w} y=${h + 13} text-anchor="end">${num(bins.at(-1)?.end)}</text>
  </svg>`;
}

/** Age over time against the SLA line (seconds), one point per recorded check. */
export function FreshnessChart({ points }: { points: { at: string; ageSeconds: number | null; slaSeconds: number | null; status: string }[] }): VNode {
  const w = 640;
  const h = 160;
  const pad = 36;
  const ts = points.map((p) => Date.parse(p.at));
  const t0 = Math.min(...ts);
  const t1 = Math.max(...ts);
  const sla = points.find((p) => p.slaSeconds !== null)?.slaSeconds ?? null;
  const yMax = Math.max(1, sla ?? 0, ...points.map((p) => p.ageSeconds ?? 0)) * 1.1;
  const x = (t: number) => pad + (t1 > t0 ? ((t - t0) / (t1 - t0)) * (w - 2 * pad) : (w - 2 * pad) / 2);
  const y = (s: number) => h - pad / 2 - (s / yMax) * (h - pad);
  const line = points
    .filter((p) => p.ageSeconds !== null)
    .map((p, i) => `${i ? 'L' : 'M'}${x(Date.parse(p.at)).toFixed(1)},${y(p.ageSeconds!).toFixed(1)}`)
    .join(' ');
  return html`<svg class="freshness-chart" viewBox=${`0 0 ${w} ${h}`} width=${w} height=${h} role="img" aria-label="freshness history">
    ${sla !== null && html`<line class="sla" x1=${pad} x2=${w - pad} y1=${y(sla)} y2=${y(sla)} /><text class="sla-label" x=${w - pad} y=${y(sla) - 4} text-anchor="end">SLA ${duration(sla)}</text>`}
    <path d=${line} />
    ${points.map((p) => (p.ageSeconds === null ? null : html`<circle class=${`pt status-${p.status}`} cx=${x(Date.parse(p.at))} cy=${y(p.ageSeconds)} r="3"><title>${when(p.at)}: ${duration(p.ageSeconds)} (${p.status})</title></circle>`))}
    <text x=${pad} y=${h - 2}>${when(points[0]?.at)}</text>
    <text x=${w - pad} y=${h - 2} text-anchor="end">${when(points.at(-1)?.at)}</text>
  </svg>`;
}

export function Code({ text, testid }: { text: string; testid?: string }) {
  return html`<pre class="code" data-testid=${testid}><code>${text}</code></pre>`;
}
