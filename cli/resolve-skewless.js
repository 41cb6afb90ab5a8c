// Node module hook: `skewless` in a feature repo means the library this CLI runs from, so
// definitions and the CLI share one copy wherever the repo lives.
const LIBRARY = new URL('../shared/index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'skewless') return nextResolve(LIBRARY, context);
  return nextResolve(specifier, context);
}
