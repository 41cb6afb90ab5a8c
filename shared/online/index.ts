export * from './entity-key.js';
export * from './online-store.js';
export * from './sqlite-online-store.js';
export * from './types.js';
