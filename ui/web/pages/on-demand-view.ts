import { html } from 'htm/preact';
import { useApi } from '../api.js';
import { KeyValues, Section, Show, Status, Table } from '../components.js';
import type { PageProps } from '../router.js';
import type { OnDemandDetail } from './on-demand-views.js';

const DRIFT = {
  in_sync: 'the code loaded by this process hashes as the applied code',
  drift: 'the loaded code differs from the applied code: serving refuses it (409 TRANSFORMATION_DRIFT) until `apply`',
  not_loaded: "this process has not loaded the repo's code (definitions failed to load)",
};

export function OnDemandViewPage({ params }: PageProps) {
  const view = useApi<OnDemandDetail>(`/api/on-demand-views/${encodeURIComponent(params.name)}`);
  return html`<${Show} loaded=${view}>${(o: OnDemandDetail) => html`
    <h1 data-testid="on-demand-name">${o.name} <small class="muted">on-demand view</small></h1>
    <${KeyValues} items=${[
      ['applied code hash', html`<code data-testid="code-hash">${o.codeHash}</code>`],
      ['loaded code hash', html`<code>${o.loadedCodeHash ?? '—'}</code>`],
      ['drift', html`<${Status} status=${o.drift} /> <span class="muted">${DRIFT[o.drift]}</span>`],
      ['consumers', html`${o.consumers.map((c, i) => html`${i ? ', ' : ''}<a href=${`/feature-services/${encodeURIComponent(c)}`}>${c}</a>`)}`],
    ]} />
    <${Section} title="Inputs" id="inputs">
      <${Table}
        testid="inputs-table"
        head=${['input', 'features']}
        rows=${o.inputs.map((i) => [
          i.kind === 'view'
            ? html`<a href=${`/feature-views/${encodeURIComponent(i.name)}?version=${i.version}`}>${i.name}@v${i.version}</a>`
            : `request data ${i.name}`,
          i.features.map((f) => `${f.name}: ${f.dtype}`).join(', '),
        ])}
      />
    <//>
    <${Section} title="Output schema" id="outputs">
      <${Table} testid="outputs-table" head=${['feature', 'type']} rows=${o.features.map((f) => [f.name, html`<code>${f.dtype}</code>`])} />
    <//>`}<//>`;
}
