import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { createServiceClient, SkewlessClientError, type ServiceSchema } from '../../shared/codegen/runtime/client.js';
import { sigv4Signer } from '../../shared/codegen/runtime/sigv4.js';

const schema: ServiceSchema = {
  name: 'svc',
  hash: '0123456789abcdef',
  fullFeatureNames: false,
  pinned: { v: 1 },
  entities: [{ name: 'id', dtype: 'String', kind: 'string', array: false }],
  request: [],
  features: [{ name: 'n', dtype: 'Int64', kind: 'int64', array: false }],
};

/** A fetch that records the request and answers `body` with `status`. */
function fakeFetch(status: number, body: string) {
  const calls: { url: string; headers: Record<string, string>; body: string }[] = [];
  const f = (async (url: URL, init: RequestInit) => {
    calls.push({ url: String(url), headers: init.headers as Record<string, string>, body: String(init.body) });
    return new Response(body, { status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { f, calls };
}

const column = (values: unknown[]) => ({ values, statuses: values.map(() => 'PRESENT'), event_timestamps: values.map(() => '2026-01-01T00:00:00.000Z') });

describe('the generated client runtime', () => {
  it('refuses a response that does not fit the generated schema, naming where (RESPONSE_MISMATCH)', async () => {
    const { f } = fakeFetch(200, JSON.stringify({ metadata: { feature_names: ['id', 'n'] }, results: [column(['a']), column([1.5])] }));
    const err = await createServiceClient(schema, { baseUrl: 'http://x', fetch: f })
      .get({ id: ['a'] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SkewlessClientError);
    expect((err as SkewlessClientError).code).toBe('RESPONSE_MISMATCH');
    expect((err as Error).message).toMatch(/^response of feature service 'svc' does not match the generated schema at results\.1\.values\.0/);
  });

  it('keeps the status and the start of a non-JSON error page (a proxy’s)', async () => {
    const { f } = fakeFetch(502, '<html>Bad Gateway</html>');
    const err = (await createServiceClient(schema, { baseUrl: 'http://x', fetch: f })
      .get({ id: ['a'] })
      .catch((e: unknown) => e)) as SkewlessClientError;
    expect([err.status, err.code, err.message]).toEqual([502, 'HTTP_ERROR', 'HTTP 502: <html>Bad Gateway</html>']);
  });

  it('encodes bigint, Date and bytes inputs as the API reads them, and sends the schema hash', async () => {
    const { f, calls } = fakeFetch(200, JSON.stringify({ metadata: { feature_names: ['id', 'n'] }, results: [column(['a']), column(['9007199254740993'])] }));
    const client = createServiceClient<{ id: readonly unknown[] }, { id: string }, { n: bigint | null }>(schema, { baseUrl: 'http://x/v1/', fetch: f });
    const [row] = await client.get({ id: [2n ** 60n, new Date('2026-01-01T00:00:00Z'), new Uint8Array([1, 2, 3])] });
    expect(row.values.n).toBe(9007199254740993n);
    expect(calls[0].url).toBe('http://x/v1/get-online-features');
    expect(JSON.parse(calls[0].body)).toEqual({
      feature_service: 'svc',
      entities: { id: ['1152921504606846976', '2026-01-01T00:00:00.000Z', 'AQID'] },
      full_feature_names: false,
    });
    expect(calls[0].headers['x-skewless-schema-hash']).toBe('0123456789abcdef');
  });

  it('signs with SigV4 for execute-api, covering the schema-hash header and the body', async () => {
    const { f, calls } = fakeFetch(200, JSON.stringify({ metadata: { feature_names: ['id', 'n'] }, results: [column(['a']), column([1])] }));
    const sign = sigv4Signer({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
    await createServiceClient(schema, { baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1', fetch: f, sign }).get({ id: ['a'] });
    const h = calls[0].headers;
    expect(h.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-skewless-schema-hash, Signature=[0-9a-f]{64}$/,
    );
    expect(h['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(h.host).toBeUndefined(); // fetch sets Host itself
  });

  it('signs what goes on the wire: the request as a server receives it verifies against the signature', async () => {
    // What API Gateway does with an IAM-authorized request: recompute the signature over the
    // received method, path, query, signed headers (Host as sent) and body, and compare.
    const received: { method: string; url: string; headers: Record<string, string>; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, headers: req.headers as Record<string, string>, body });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ metadata: { feature_names: ['id', 'n'] }, results: [column(['a b/é']), column([1])] }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
    try {
      const sign = sigv4Signer({ region: 'eu-west-1', credentials });
      await createServiceClient(schema, { baseUrl: `http://127.0.0.1:${port}/v1/`, sign }).get({ id: ['a b/é'] });
    } finally {
      server.close();
    }
    const [req] = received;
    const auth = /^AWS4-HMAC-SHA256 Credential=[^,]+, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(req.headers.authorization)!;
    expect(auth).not.toBeNull();
    const signedHeaders = auth[1].split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-skewless-schema-hash', 'content-type']));
    const url = new URL(req.url, `http://${req.headers.host}`);
    const d = req.headers['x-amz-date'];
    const verifier = new SignatureV4({ service: 'execute-api', region: 'eu-west-1', credentials, sha256: Sha256 });
    const again = await verifier.sign(
      {
        method: req.method,
        protocol: 'http:',
        hostname: url.hostname,
        port,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(signedHeaders.map((h) => [h, req.headers[h]])),
        body: req.body,
      },
      { signingDate: new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 11)}:${d.slice(11, 13)}:${d.slice(13)}`) },
    );
    expect(String(again.headers.authorization).split('Signature=')[1]).toBe(auth[2]);
    // The signature covers the body through this header: it must be the hash of the body received.
    expect(req.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(req.body).digest('hex'));
    expect(url.pathname).toBe('/v1/get-online-features');
  });
});
