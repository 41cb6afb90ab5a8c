/** What every page receives: its path parameters and the query string. */
export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

/** Client-side navigation: pages link with plain <a href>, the app swaps the page without a reload. */
export function navigate(href: string): void {
  history.pushState(null, '', href);
  dispatchEvent(new PopStateEvent('popstate'));
  scrollTo(0, 0);
}
