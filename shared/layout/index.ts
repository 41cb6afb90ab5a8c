export * from './env.js';
export * from './glue-names.js';
export * from './local-layout.js';
export * from './s3-layout.js';
export * from './view-ref.js';
export * from './tile-keys.js';
