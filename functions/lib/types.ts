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

export interface ApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
