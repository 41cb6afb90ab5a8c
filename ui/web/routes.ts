/** The pages of the app, by path pattern: the client router renders them, the server answers 404 for any other path. */
export const PAGE_ROUTES = [
  '/',
  '/feature-views',
  '/feature-views/:name',
  '/on-demand-views',
  '/on-demand-views/:name',
  '/feature-services',
  '/feature-services/:name',
  '/sources/:name',
  '/datasets',
  '/datasets/:name',
  '/lineage',
  '/skew',
] as const;

export type PageRoute = (typeof PAGE_ROUTES)[number];

/** The route a path shows and its decoded parameters, or undefined (the not-found page). */
export function matchRoute(path: string): { route: PageRoute; params: Record<string, string> } | undefined {
  const clean = path.replace(/\/+$/, '') || '/';
  for (const route of PAGE_ROUTES) {
    const names: string[] = [];
    const re = new RegExp(`^${route.replace(/:(\w+)/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`);
    const m = re.exec(clean);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      for (const [i, n] of names.entries()) params[n] = decodeURIComponent(m[i + 1]);
    } catch {
      return undefined;
    }
    return { route, params };
  }
  return undefined;
}
