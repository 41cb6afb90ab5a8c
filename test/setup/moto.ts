import { motoEnv, startMoto } from '../../examples/aws-local/moto.js';

let stop: (() => void) | undefined;

/**
 * Vitest global setup: one moto_server on a free port for the whole run; every AWS SDK client is
 * pointed at it through AWS_ENDPOINT_URL (the SDK's own variable — no special code in the product).
 */
export async function setup(): Promise<void> {
  const moto = await startMoto();
  stop = moto.stop;
  Object.assign(process.env, motoEnv(moto.url), { SKEWLESS_MOTO_URL: moto.url });
}

export async function teardown(): Promise<void> {
  stop?.();
}
