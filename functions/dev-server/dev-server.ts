import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ForbiddenError, PayloadTooLargeError } from '../../shared/errors.js';
import { bytesResult, errorResult, routeErrorResult } from '../lib/http-middleware.js';
import { createServeLookup } from '../http-online-lookup-handler.js';
import { createRouter } from './router.js';
import type { StoreProvider } from '../lib/store-provider.js';
import { releaseResponse } from '../../shared/services/online-response-json.js';
import { type ApiEvent, type ApiResult, BODY_BYTES } from '../lib/types.js';

export interface LocalServerOptions {
  getStore: StoreProvider;
  port?: number;
  host?: string;
  maxBodyBytes?: number;
  /**
   * Origins whose browser pages may call the server (`Origin` header), e.g. `http://localhost:3000`.
   * Default: none — a request carrying any other Origin is refused (403), so a web page a developer
   * happens to open cannot push into a running `serve`.
   */
  allowedOrigins?: string[];
  /**
   * Host header values accepted besides the bound address, `localhost`, `127.0.0.1` and `[::1]` (with
   * the port). Refusing other names stops DNS rebinding. A server bound to all interfaces accepts any
   * Host unless this list is given.
   */
  allowedHosts?: string[];
  /** When set, every route but /health requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Bytes of an oversized body read and discarded so the client gets to read the 413 (default 8 MiB). */
  drainBytes?: number;
}

/**
 * Reads a body up to `limit` bytes. Past it, keeps reading and discarding up to `drain` more bytes so a
 * client still uploading gets to read the 413 instead of a socket closed under it; a body larger
 * than both (declared or streamed) is answered at once and the connection closed.
 */
function readBody(req: IncomingMessage, limit: number, drain: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit + drain) return reject(new PayloadTooLargeError(limit));
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit + drain) {
        req.off('data', onData);
        return reject(new PayloadTooLargeError(limit));
      }
      if (over || size > limit) {
        over = true;
        chunks.length = 0;
      } else chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => (over ? reject(new PayloadTooLargeError(limit)) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Discards what is left of a refused request's body (bounded), so the refusal can be read. */
function discard(req: IncomingMessage, cap: number): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve();
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > cap) req.off('data', onData), resolve();
    };
    req.on('data', onData);
    req.once('end', () => resolve());
    req.once('close', () => resolve());
    req.once('error', () => resolve());
  });
}

/** A path WHATWG URL parsing leaves as it is: nothing to resolve (`.`, `//`), decode or escape. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_\-/]*$/;

/** The path and query of a request target, as `new URL(target, 'http://localhost')` reads them. */
function target(url: string | undefined): { path: string; query: URLSearchParams | undefined } {
  const raw = url ?? '/';
  // Parsing a URL per request shows in profiles; the usual target is a plain path that parses to itself.
  if (PLAIN_PATH.test(raw)) return { path: raw, query: undefined };
  const parsed = new URL(raw, 'http://localhost');
  return { path: parsed.pathname, query: parsed.searchParams.size ? parsed.searchParams : undefined };
}

/** The HTTP request as API Gateway's REST proxy event, so Lambda handlers run unchanged. */
export function toApiEvent(req: IncomingMessage, body: string, parsed: ReturnType<typeof target> = target(req.url)): ApiEvent {
  const headers: Record<string, string> = {};
  const given = req.headers;
  for (const k in given) {
    const v = given[k];
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  }
  return {
    httpMethod: req.method ?? 'GET',
    path: parsed.path,
    headers,
    queryStringParameters: parsed.query ? Object.fromEntries(parsed.query) : null,
    body: body || null,
    isBase64Encoded: false,
    requestContext: { requestId: `local-${randomUUID()}` },
  };
}

const LOOKUP_PATH = '/get-online-features';

/** A request header as `toApiEvent` gives it (repeated values joined). */
function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** A result's body as bytes: a `JsonBytes` answer as it is, never decoded to a string and encoded again. */
export function bodyBytes(result: ApiResult): Buffer | string {
  return result[BODY_BYTES] ?? result.body;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** The checks a browser-reachable dev server needs (issue 11 item 11): Host, Origin, optional token. */
function guard(o: LocalServerOptions, bound: { host: string; port: number }) {
  const origins = new Set(o.allowedOrigins ?? []);
  const hosts = new Set<string>();
  for (const h of [bound.host, 'localhost', '127.0.0.1', '[::1]', ...(o.allowedHosts ?? [])]) {
    const name = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
    hosts.add(/:\d+$/.test(h) && !h.includes('::') ? h.toLowerCase() : `${name}:${bound.port}`.toLowerCase());
  }
  const checkHost = !WILDCARD_HOSTS.has(bound.host) || (o.allowedHosts?.length ?? 0) > 0;
  const token = o.token ? Buffer.from(`Bearer ${o.token}`) : undefined;
  return (req: IncomingMessage, path: string): { corsOrigin?: string } => {
    const host = String(req.headers.host ?? '').toLowerCase();
    if (checkHost && !hosts.has(host)) {
      throw new ForbiddenError(
        'HOST_NOT_ALLOWED',
        `Host '${host.slice(0, 100)}' is not this server's address (DNS rebinding protection); add it to server.allowedHosts`,
        'host',
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin) && !origins.has('*')) {
      throw new ForbiddenError('ORIGIN_NOT_ALLOWED', `Origin '${origin.slice(0, 100)}' is not allowed; add it to server.allowedOrigins`, 'origin');
    }
    if (token && path !== '/health') {
      const got = Buffer.from(String(req.headers.authorization ?? ''));
      if (got.length !== token.length || !timingSafeEqual(got, token))
        throw new ForbiddenError('UNAUTHORIZED', 'missing or wrong bearer token (serve --token)', 'authorization');
    }
    return origin !== undefined ? { corsOrigin: origin } : {};
  };
}

/** `skewless serve`: Feast's routes over the same handlers the Lambdas export. */
export async function startServer(o: LocalServerOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const limit = o.maxBodyBytes ?? 6 * 1024 * 1024;
  const drain = o.drainBytes ?? 8 * 1024 * 1024;
  const route = createRouter(o.getStore, { maxBytes: limit });
  const lookup = createServeLookup(o.getStore, { maxBytes: limit });
  let check: ReturnType<typeof guard> = () => ({});
  const server = createServer(async (req, res) => {
    let result: ApiResult;
    let cors: { corsOrigin?: string } = {};
    try {
      const parsed = target(req.url);
      cors = check(req, parsed.path);
      if (req.method === 'OPTIONS' && cors.corsOrigin) {
        result = {
          statusCode: 204,
          headers: {
            'access-control-allow-methods': 'GET, POST',
            'access-control-allow-headers': 'content-type, authorization',
            'access-control-max-age': '600',
          },
          body: '',
        };
      } else {
        const body = await readBody(req, limit, drain);
        // The lookup, the hot route, skips the API Gateway event and middy: same checks, same answers (http-online-lookup-handler.ts).
        if (parsed.path === LOOKUP_PATH && req.method === 'POST') {
          try {
            result = bytesResult((await lookup(body, (name) => headerValue(req, name))).bytes);
          } catch (err) {
            result = routeErrorResult(err);
          }
        } else result = await route(toApiEvent(req, body, parsed));
      }
    } catch (err) {
      result = errorResult(err);
      if (result.statusCode === 413) result.headers.connection = 'close';
      else await discard(req, drain);
    }
    if (cors.corsOrigin) result.headers['access-control-allow-origin'] = cors.corsOrigin;
    res.writeHead(result.statusCode, result.headers);
    const bytes = bodyBytes(result);
    // Pooled response bytes go back once the socket has taken them.
    res.end(bytes, typeof bytes === 'string' ? undefined : () => releaseResponse(bytes));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 6566, o.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  check = guard(o, { host: o.host ?? '127.0.0.1', port });
  return {
    server,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
