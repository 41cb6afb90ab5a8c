// Node module hooks for the `skewless` command.
// 1. `skewless` in a feature repo means the library this CLI runs from, so definitions and the CLI
//    share one copy wherever the repo lives.
// 2. A repo's definitions are ES modules wherever the repo lives: whatever package.json is near it
//    (none, "type": "commonjs", …) would otherwise make tsx compile them as CommonJS, which breaks on
//    top-level `import` cycles. The loader marks the definitions entry with `?skewless-esm`; it and
//    every local source file it imports (not packages) load as ES modules.
const LIBRARY = new URL('../shared/index.ts', import.meta.url).href;
export const ESM_MARK = 'skewless-esm';
const SOURCE = /\.(?:[mc]?[jt]sx?)$/;
const forced = new Set();

/** The plain file URL of a local source file (tsx may have added its CommonJS queries), or undefined. */
function localSource(url) {
  if (!url.startsWith('file:')) return undefined;
  const u = new URL(url);
  u.pathname = u.pathname.split('%3F')[0];
  for (const k of [...u.searchParams.keys()]) if (k.startsWith('tsx-')) u.searchParams.delete(k);
  const ok = SOURCE.test(u.pathname) && !/\.c[jt]s$/.test(u.pathname) && !u.pathname.includes('/node_modules/');
  return ok ? u.href : undefined;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'skewless') return nextResolve(LIBRARY, context);
  const resolved = await nextResolve(specifier, context);
  const entry = resolved.url.startsWith('file:') && new URL(resolved.url).searchParams.has(ESM_MARK);
  const url = (entry || (context.parentURL && forced.has(context.parentURL))) && localSource(resolved.url);
  if (url) {
    forced.add(url);
    return { ...resolved, url, format: 'module' };
  }
  return resolved;
}
