import { z } from 'zod';
import { toDType, type DTypeInput } from './dtypes.js';
import { parseDurationSeconds, type Duration } from './duration.js';

/** Object names become SQL identifiers and storage keys, so they are restricted up front. */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const name = z.string().regex(NAME_PATTERN, 'expected a name of letters, digits and _ not starting with a digit');
export const tags = z.record(z.string(), z.string()).default({});
export const dtype = z
  .custom<DTypeInput>((v) => toDType(v) !== undefined, 'expected a dtype such as Int64, Float32, String or Array(Int64)')
  .transform((v) => toDType(v)!);
export const duration = z
  .custom<Duration>((v) => parseDurationSeconds(v as Duration) !== undefined, "expected a duration: seconds, '7d', 'PT1H' or { days, hours, minutes, seconds }")
  .transform((v) => parseDurationSeconds(v)!);
export const common = {
  description: z.string().default(''),
  tags,
  owner: z.string().default(''),
};
