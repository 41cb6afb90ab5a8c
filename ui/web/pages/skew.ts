import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { postJson, useApi } from '../api.js';
import { ErrorBox, Show, Status, Table } from '../components.js';
import { num, pct, when } from '../format.js';
import type { PageProps } from '../router.js';
import type { FeatureAudit } from '../../../shared/services/audit.js';

interface AuditRecord {
  id: string;
  at: string;
  target: { kind: 'service' | 'view'; name: string };
  sample: number;
  report: { features: FeatureAudit[]; drift: { view: string }[]; worstRate: number; notChecked: string[] };
}

function Report({ a }: { a: AuditRecord }) {
  const ok = a.report.worstRate === 0 && !a.report.drift.length;
  return html`<div class="audit" data-testid="audit-report">
    <p>
      <strong>${a.target.kind} ${a.target.name}</strong>, sample ${num(a.sample)}, at ${when(a.at)}:
      <${Status} status=${ok ? 'passed' : 'skew'} /> worst rate <span data-testid="worst-rate">${pct(a.report.worstRate)}</span>
      ${a.report.drift.length ? html` · code drift in ${a.report.drift.map((d) => d.view).join(', ')}` : ''}
      ${a.report.notChecked.length ? html` · not checked: ${a.report.notChecked.join(', ')}` : ''}
    </p>
    <${Table}
      testid="audit-table"
      head=${['view', 'feature', 'compared', 'mismatch', 'missing online', 'missing offline']}
      rows=${a.report.features.map((f) => [f.view, f.feature, num(f.compared), pct(f.mismatchRate), pct(f.missingOnlineRate), pct(f.missingOfflineRate)])}
    />
  </div>`;
}

export function SkewPage({ query }: PageProps) {
  const services = useApi<{ name: string }[]>('/api/feature-services');
  const views = useApi<{ name: string }[]>('/api/feature-views');
  const [history, setHistory] = useState(0);
  const audits = useApi<AuditRecord[]>(`/api/audits?h=${history}`);
  const initial = query.get('service') ? `service:${query.get('service')}` : query.get('view') ? `view:${query.get('view')}` : '';
  const [target, setTarget] = useState(initial);
  const [sample, setSample] = useState('200');
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<{ record?: AuditRecord; error?: Error }>({});
  const chosen = target || (services.data?.[0] ? `service:${services.data[0].name}` : '');

  const run = async (e: Event) => {
    e.preventDefault();
    setRunning(true);
    setResult({});
    const [kind, ...rest] = chosen.split(':');
    const name = rest.join(':');
    try {
      const record = await postJson<AuditRecord>('/api/audits', {
        ...(kind === 'service' ? { featureService: name } : { view: name }),
        sample: Number(sample),
      });
      setResult({ record });
      setHistory((h) => h + 1);
    } catch (error) {
      setResult({ error: error as Error });
    } finally {
      setRunning(false);
    }
  };

  return html`<h1>Training–serving skew</h1>
    <p class="muted">Samples online rows, recomputes each offline at the same instant (its event time; the clock for aggregations) and compares per feature. Runs from here and from <code>skewless audit-skew</code> are kept as a history.</p>
    <form class="inline" onSubmit=${run} data-testid="audit-form">
      <label>target
        <select data-testid="audit-target" value=${chosen} onChange=${(e: Event) => setTarget((e.target as HTMLSelectElement).value)}>
          ${(services.data ?? []).map((s) => html`<option value=${`service:${s.name}`}>service ${s.name}</option>`)}
          ${(views.data ?? []).map((v) => html`<option value=${`view:${v.name}`}>view ${v.name}</option>`)}
        </select>
      </label>
      <label>sample <input type="number" min="1" max="100000" data-testid="audit-sample" value=${sample} onInput=${(e: Event) => setSample((e.target as HTMLInputElement).value)} /></label>
      <button type="submit" disabled=${running || !chosen} data-testid="run-audit">${running ? 'Running…' : 'Run audit'}</button>
    </form>
    ${result.error && html`<${ErrorBox} error=${result.error} />`}
    ${result.record && html`<h2>Result</h2><${Report} a=${result.record} />`}
    <h2>History</h2>
    <${Show} loaded=${audits}>${(as: AuditRecord[]) =>
      as.length
        ? html`<${Table}
            testid="audit-history"
            head=${['when', 'target', 'sample', 'features', 'worst rate', 'result']}
            rows=${as.map((a) => [
              when(a.at),
              `${a.target.kind} ${a.target.name}`,
              num(a.sample),
              a.report.features.length,
              pct(a.report.worstRate),
              html`<${Status} status=${a.report.worstRate === 0 && !a.report.drift.length ? 'passed' : 'skew'} />`,
            ])}
          />`
        : html`<p class="muted" data-testid="audit-history-empty">No audits yet.</p>`}<//>`;
}
