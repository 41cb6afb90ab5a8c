/** The subset of API Gateway's REST (v1) proxy event and result that skewless uses. */
export interface ApiEvent {
  httpMethod: string;
  path: string;
  resource?: string;
  headers: Record<string, string | undefined>;
  queryStringParameters: Record<string, string | undefined> | null;
  body: string | null;
  isBase64Encoded: boolean;
  requestContext?: { requestId?: string };
}

/**
 * Where a result may also carry its body as UTF-8 bytes (`JsonBytes`): `serve` writes them as they
 * are instead of encoding a large string. A symbol, so the result API Gateway receives (JSON of it)
 * never has an extra field.
 */
export const BODY_BYTES: unique symbol = Symbol('skewless.bodyBytes');

export interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  [BODY_BYTES]?: Buffer;
}
