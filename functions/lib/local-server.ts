import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorBody } from '../../shared/errors.js';
import { PayloadTooLargeError } from './http-middleware.js';
import { createRouter } from './router.js';
import type { StoreProvider } from './store-provider.js';
import type { ApiEvent, ApiResult } from './types.js';

export interface LocalServerOptions {
  getStore: StoreProvider;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
}

/** Reads a body up to `limit` bytes; past it, stops reading and fails with 413. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return reject(new PayloadTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new PayloadTooLargeError(limit));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The HTTP request as API Gateway's REST proxy event, so Lambda handlers run unchanged. */
export function toApiEvent(req: IncomingMessage, body: string): ApiEvent {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  return {
    httpMethod: req.method ?? 'GET',
    path: url.pathname,
    headers,
    queryStringParameters: url.searchParams.size ? Object.fromEntries(url.searchParams) : null,
    body: body || null,
    isBase64Encoded: false,
    requestContext: { requestId: `local-${Date.now().toString(36)}` },
  };
}

/** `skewless serve`: Feast's routes over the same handlers the Lambdas export. */
export async function startServer(o: LocalServerOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const limit = o.maxBodyBytes ?? 6 * 1024 * 1024;
  const route = createRouter(o.getStore, { maxBytes: limit });
  const server = createServer(async (req, res) => {
    let result: ApiResult;
    try {
      const body = await readBody(req, limit);
      result = await route(toApiEvent(req, body));
    } catch (err) {
      const { status, body } = errorBody(err);
      result = { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      if (status === 413) res.setHeader('connection', 'close');
    }
    res.writeHead(result.statusCode, result.headers);
    res.end(result.body);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 6566, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
