import { parseDType } from '../definitions/dtypes.js';
import { ValidationError } from '../errors.js';
import { viewKey } from '../layout/view-ref.js';
import type { FeatureViewSpec } from '../registry/types.js';

/** DynamoDB's item size limit (attribute names + values, UTF-8), 400 KB. */
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;
/** A DynamoDB number takes up to 21 bytes (38 significant digits); bool and null 1 byte; a map/list 3 bytes + 1 per element. */
const NUMBER_MAX = 21;
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/**
 * The bytes one online item of `view` can take before any string, bytes or array *content*
 * (those are unbounded by the schema): attribute names, the longest partition key the store accepts,
 * numbers at their largest, one byte per bool, the map overhead. If this alone passes 400 KB,
 * writes of ordinary rows would fail in production; `apply` refuses the view instead.
 */
export function fixedItemBytes(view: FeatureViewSpec, maxEntityKeyBytes = 2048): number {
  let bytes = utf8('pk') + maxEntityKeyBytes + utf8('sk') + utf8(viewKey(view.name, view.version));
  bytes += utf8('event_ts') + NUMBER_MAX + utf8('created_ts') + NUMBER_MAX + utf8('expires_at') + NUMBER_MAX;
  bytes += utf8('features') + 3;
  for (const f of view.features) {
    const { scalar, array } = parseDType(f.dtype);
    const value = array ? 3 : scalar === 'String' || scalar === 'Bytes' ? 0 : scalar === 'Bool' ? 1 : NUMBER_MAX;
    bytes += utf8(f.name) + 1 + value;
  }
  return bytes;
}

/** Refuses, naming each view, the online views whose items cannot fit DynamoDB's 400 KB limit. */
export function assertViewsFitDynamoItem(views: FeatureViewSpec[], maxEntityKeyBytes = 2048): void {
  const wide = views
    .filter((v) => v.online)
    .map((v) => ({ v, bytes: fixedItemBytes(v, maxEntityKeyBytes) }))
    .filter((x) => x.bytes > DYNAMODB_MAX_ITEM_BYTES);
  if (!wide.length) return;
  throw new ValidationError(
    wide
      .map(
        ({ v, bytes }) =>
          `feature view '${viewKey(v.name, v.version)}' is too wide for one DynamoDB item: its ${v.features.length} features take ${bytes} bytes before any string value (limit ${DYNAMODB_MAX_ITEM_BYTES}); split it into several views`,
      )
      .join('; '),
    wide.map(({ v, bytes }) => ({ field: viewKey(v.name, v.version), message: `${bytes} bytes > ${DYNAMODB_MAX_ITEM_BYTES}` })),
  );
}
