import type { ReadOptions } from './types.js';

/** DynamoDB's limit on the length of one expression string (ProjectionExpression included). */
export const MAX_EXPRESSION_BYTES = 4096;

/** The item attributes every record needs besides its features (see toRecord). */
const KEY_AND_TIMES = ['pk', 'sk', 'event_ts', 'created_ts'];

export interface Projection {
  ProjectionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
}

/**
 * The ProjectionExpression of one BatchGetItem call over `views`: the keys, the timestamps and only
 * the requested features of those views (`features.<name>`, a nested map path). Every name goes
 * through a placeholder — feature names are user strings (dots, spaces and reserved words such as
 * `name` or `size` would otherwise change the path or fail to parse) and are never pasted into the
 * expression. Undefined (read whole items) when some view has no feature list, or when the list is
 * too long for one expression: then the whole `features` map is read, which is what the caller asked
 * for and more, never less.
 */
export function projectionFor(views: Iterable<string>, options: ReadOptions): Projection | undefined {
  if (!options.features) return undefined;
  const wanted = new Set<string>();
  for (const view of views) {
    const features = options.features.get(view);
    if (!features) return undefined;
    for (const f of features) wanted.add(f);
  }
  const names: Record<string, string> = { '#f': 'features' };
  const paths: string[] = [];
  KEY_AND_TIMES.forEach((a, i) => {
    names[`#k${i}`] = a;
    paths.push(`#k${i}`);
  });
  let i = 0;
  for (const f of wanted) {
    names[`#a${i}`] = f;
    paths.push(`#f.#a${i++}`);
  }
  const expression = paths.join(', ');
  if (Buffer.byteLength(expression) > MAX_EXPRESSION_BYTES) {
    return { ProjectionExpression: [...KEY_AND_TIMES.map((_, k) => `#k${k}`), '#f'].join(', '), ExpressionAttributeNames: keyNames(names) };
  }
  return { ProjectionExpression: expression, ExpressionAttributeNames: names };
}

/** Only the placeholders the whole-map expression uses: DynamoDB refuses unused ones. */
function keyNames(names: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).filter(([k]) => !k.startsWith('#a')));
}
