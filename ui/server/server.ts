import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FeatureStore } from '../../shared/feature-store.js';
import { errorBody, ForbiddenError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../shared/errors.js';
import { loadAssets } from '../build.js';
import { matchRoute } from '../web/routes.js';
import { createApi } from './api.js';

export interface UiServerOptions {
  store: FeatureStore;
  port?: number;
  /** Default 127.0.0.1: the UI shows the whole registry and runs audits; expose it on purpose only. */
  host?: string;
  /** Host header values accepted besides the bound address and localhost (DNS rebinding protection). */
  allowedHosts?: string[];
  /** Where the built assets are (default ui/dist, built when missing). */
  assetsDir?: string;
  /** Freshness checks made by page views are recorded at most this often (default one a minute). */
  recordFreshnessEveryMs?: number;
  log?: (line: string) => void;
}

const MAX_BODY = 64 * 1024;
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Everything is served from here: no CDN, no inline script.
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', html: 'text/html; charset=utf-8' };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new PayloadTooLargeError(MAX_BODY));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string | Buffer, type: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-cache', ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

/** `skewless ui`: the built web app and its JSON API (/api/…) from one process. */
export async function startUiServer(o: UiServerOptions): Promise<{ port: number; url: string; close: () => Promise<void> }> {
  const assets = await loadAssets(o.assetsDir);
  const api = createApi(o.store, {
    provider: o.store.config.provider,
    startedAt: new Date(),
    ...(o.recordFreshnessEveryMs !== undefined ? { recordEveryMs: o.recordFreshnessEveryMs } : {}),
  });
  const host = o.host ?? '127.0.0.1';
  let hosts = new Set<string>();
  const log = o.log ?? ((line: string) => console.error(line));

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      // DNS rebinding: a page on another name resolving here must not read the registry.
      const h = String(req.headers.host ?? '').toLowerCase();
      if (hosts.size && !hosts.has(h)) throw new ForbiddenError('HOST_NOT_ALLOWED', `Host '${h.slice(0, 100)}' is not this server's address`, 'host');
      if (url.pathname.startsWith('/api/') || url.pathname === '/api') {
        let body: unknown;
        if (req.method === 'POST') {
          // The one action (a skew audit) only from this app's own pages: same origin, JSON body.
          const origin = req.headers.origin;
          if (origin !== undefined && origin !== `http://${h}`)
            throw new ForbiddenError('ORIGIN_NOT_ALLOWED', `Origin '${origin.slice(0, 100)}' may not run actions here`, 'origin');
          if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
            throw new UnsupportedMediaTypeError(String(req.headers['content-type'] ?? ''));
          const text = await readBody(req);
          try {
            body = text ? JSON.parse(text) : {};
          } catch {
            throw new ValidationError('request body is not valid JSON', [{ field: 'body', message: 'expected a JSON object' }]);
          }
        }
        const out = await api({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body });
        return send(res, 200, JSON.stringify(out), 'application/json');
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return send(
          res,
          405,
          JSON.stringify({ error: { code: 'METHOD_NOT_ALLOWED', message: `${req.method} not allowed on ${url.pathname}; use GET` } }),
          'application/json',
          { allow: 'GET' },
        );
      const asset = assets.get(url.pathname);
      if (asset && url.pathname !== '/index.html') return send(res, 200, asset, TYPES[url.pathname.split('.').pop()!]);
      // Every page is the app; a path that is no page still gets it (it shows "not found") with a 404.
      return send(res, matchRoute(url.pathname) ? 200 : 404, assets.get('/index.html')!, TYPES.html);
    } catch (err) {
      const { status, body, headers } = errorBody(err);
      if (status >= 500) log(`ui: ${req.method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`);
      if (!res.headersSent) send(res, status, JSON.stringify(body), 'application/json', headers ?? {});
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8888, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const bracket = (n: string) => (n.includes(':') && !n.startsWith('[') ? `[${n}]` : n);
  if (!['0.0.0.0', '::', ''].includes(host) || o.allowedHosts?.length)
    hosts = new Set([host, 'localhost', '127.0.0.1', '::1', ...(o.allowedHosts ?? [])].map((n) => `${bracket(n)}:${port}`.toLowerCase()));
  return {
    port,
    url: `http://${bracket(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host)}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
