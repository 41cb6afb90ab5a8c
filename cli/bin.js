#!/usr/bin/env node
// Entry of the `skewless` command. register.js makes TypeScript (the CLI and a repo's definitions)
// loadable and points a repo's `import ... from 'skewless'` at this very library.
import './register.js';

const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
