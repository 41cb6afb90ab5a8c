import { describe, expect, it } from 'vitest';
import { header } from '../../functions/lib/http-request.js';
import type { ApiEvent } from '../../functions/lib/types.js';

const event = (headers: Record<string, string | undefined>): ApiEvent => ({
  httpMethod: 'POST',
  path: '/',
  headers,
  queryStringParameters: null,
  body: null,
  isBase64Encoded: false,
});

describe('header', () => {
  it("finds a header whatever its case (API Gateway keeps the caller's, Node lower-cases)", () => {
    expect(header(event({ 'content-type': 'application/json' }), 'Content-Type')).toBe('application/json');
    expect(header(event({ 'Content-Type': 'text/plain' }), 'content-type')).toBe('text/plain');
    expect(header(event({ 'X-Skewless-Schema-Hash': 'abc' }), 'x-skewless-schema-hash')).toBe('abc');
    expect(header(event({ accept: '*/*' }), 'content-type')).toBeUndefined();
  });

  it('never answers an inherited property as a header', () => {
    expect(header(event({}), 'constructor')).toBeUndefined();
    expect(header(event({}), 'toString')).toBeUndefined();
    expect(header(event(Object.create({ 'content-type': 'text/plain' })), 'content-type')).toBeUndefined();
  });
});
