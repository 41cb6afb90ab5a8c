/**
 * SigV4 signing for API Gateway's IAM-authorized API (copied beside generated clients; needs
 * @smithy/signature-v4 and @aws-crypto/sha256-js, the AWS SDK's own signer).
 * @example createClient({ baseUrl: 'https://abc.execute-api.eu-west-1.amazonaws.com/v1', sign: sigv4Signer({ region: 'eu-west-1', credentials }) })
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { OutgoingRequest } from './client.js';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export function sigv4Signer(options: {
  region: string;
  credentials: AwsCredentials | (() => Promise<AwsCredentials>);
  service?: string;
}): (request: OutgoingRequest) => Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: options.service ?? 'execute-api', region: options.region, credentials: options.credentials, sha256: Sha256 });
  return async (request) => {
    const query: Record<string, string> = {};
    request.url.searchParams.forEach((v, k) => {
      query[k] = v;
    });
    const signed = await signer.sign({
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query,
      headers: request.headers,
      body: request.body,
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') out[k] = String(v);
    return out;
  };
}
