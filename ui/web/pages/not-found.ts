import { html } from 'htm/preact';

export function NotFoundPage() {
  return html`<div data-testid="not-found-page">
    <h1>Page not found</h1>
    <p class="error not-found" data-testid="not-found">No page at <code>${location.pathname}</code>. <a href="/">Back home</a></p>
  </div>`;
}
