export * from './compatibility.js';
export * from './diff.js';
export * from './local-registry-store.js';
export * from './plan.js';
export * from './registry-store.js';
export * from './registry.js';
export * from './to-specs.js';
export * from './types.js';
