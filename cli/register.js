// `node --import ./cli/register.js script.ts`: TypeScript through tsx, and `skewless` resolving to this library.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
registerTsx();
register('./resolve-skewless.js', import.meta.url);
