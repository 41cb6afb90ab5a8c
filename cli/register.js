// `node --import ./cli/register.js script.ts`: TypeScript through tsx, and `skewless` resolving to this library.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
// The name this SDK version reads (it warns about Node 20 on every client load otherwise).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
registerTsx();
register('./resolve-skewless.js', import.meta.url);
// Tells the definitions loader that the hooks above are in place (see resolve-skewless.js).
globalThis[Symbol.for('skewless.loader')] = true;
