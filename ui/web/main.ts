import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { DatasetPage } from './pages/dataset.js';
import { DatasetsPage } from './pages/datasets.js';
import { FeatureServicePage } from './pages/feature-service.js';
import { FeatureServicesPage } from './pages/feature-services.js';
import { FeatureViewPage } from './pages/feature-view.js';
import { FeatureViewsPage } from './pages/feature-views.js';
import { HomePage } from './pages/home.js';
import { LineagePage } from './pages/lineage.js';
import { NotFoundPage } from './pages/not-found.js';
import { OnDemandViewPage } from './pages/on-demand-view.js';
import { OnDemandViewsPage } from './pages/on-demand-views.js';
import { SkewPage } from './pages/skew.js';
import { SourcePage } from './pages/source.js';
import { navigate, type PageProps } from './router.js';
import { matchRoute, type PageRoute } from './routes.js';

const PAGES: Record<PageRoute, (p: PageProps) => unknown> = {
  '/': HomePage,
  '/feature-views': FeatureViewsPage,
  '/feature-views/:name': FeatureViewPage,
  '/on-demand-views': OnDemandViewsPage,
  '/on-demand-views/:name': OnDemandViewPage,
  '/feature-services': FeatureServicesPage,
  '/feature-services/:name': FeatureServicePage,
  '/sources/:name': SourcePage,
  '/datasets': DatasetsPage,
  '/datasets/:name': DatasetPage,
  '/lineage': LineagePage,
  '/skew': SkewPage,
};

const NAV: [string, string][] = [
  ['/', 'Home'],
  ['/feature-views', 'Feature views'],
  ['/on-demand-views', 'On-demand views'],
  ['/feature-services', 'Feature services'],
  ['/datasets', 'Datasets'],
  ['/lineage', 'Lineage'],
  ['/skew', 'Skew'],
];

function App() {
  const [loc, setLoc] = useState(() => `${location.pathname}${location.search}`);
  useEffect(() => {
    const onPop = () => setLoc(`${location.pathname}${location.search}`);
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.('a');
      // getAttribute: an SVG <a> (the lineage graph) has no string `href` / `target` properties.
      const href = a?.getAttribute('href');
      if (!a || !href || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.getAttribute('target')) return;
      const url = new URL(href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      e.preventDefault();
      navigate(`${url.pathname}${url.search}`);
    };
    addEventListener('popstate', onPop);
    addEventListener('click', onClick);
    return () => {
      removeEventListener('popstate', onPop);
      removeEventListener('click', onClick);
    };
  }, []);
  const url = new URL(loc, location.origin);
  const match = matchRoute(url.pathname);
  const Page = match ? PAGES[match.route] : NotFoundPage;
  const section = match ? `/${match.route.split('/')[1]}` : '';
  useEffect(() => {
    document.title = `skewless · ${NAV.find(([href]) => href === section)?.[1] ?? 'not found'}`;
  }, [section]);
  return html`<div class="shell">
    <nav class="side">
      <a class="brand" href="/">skewless</a>
      ${NAV.map(([href, label]) => html`<a href=${href} class=${href === section ? 'active' : ''} data-nav=${label}>${label}</a>`)}
    </nav>
    <main key=${loc}><${Page} params=${match?.params ?? {}} query=${url.searchParams} /></main>
  </div>`;
}

const root = document.getElementById('app')!;
// The static "Loading…" placeholder goes: render() adds to a container, it does not replace it.
root.textContent = '';
render(html`<${App} />`, root);
