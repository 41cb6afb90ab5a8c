import type { Columns, OnDemandFeatureView } from '../definitions/on-demand-feature-view.js';
import { TransformationDriftError, TransformationError, ValidationError } from '../errors.js';
import type { OnDemandSpec } from '../registry/types.js';
import { valueSchema } from './value-schema.js';

/** The loaded implementation of an on-demand view, refused if it is not the applied code. */
export function implementationFor(spec: OnDemandSpec, loaded: ReadonlyMap<string, OnDemandFeatureView>): OnDemandFeatureView {
  const impl = loaded.get(spec.name);
  if (!impl || impl.codeHash !== spec.codeHash) throw new TransformationDriftError(spec.name, spec.codeHash, impl?.codeHash);
  return impl;
}

/**
 * Runs one on-demand view over `n` rows of input columns and checks its output: every declared
 * feature present, one value per row, each value of the declared type. Used by online lookup and
 * by historical retrieval alike.
 */
export function runOnDemand(spec: OnDemandSpec, impl: OnDemandFeatureView, inputs: Columns, n: number): Columns {
  let out: Columns;
  try {
    out = impl.transform(inputs);
  } catch (err) {
    throw new TransformationError(spec.name, `transformation threw: ${(err as Error)?.message ?? String(err)}`);
  }
  if (!out || typeof out !== 'object') throw new TransformationError(spec.name, 'transformation must return an object of columns');
  const result: Columns = {};
  for (const f of spec.features) {
    const col = out[f.name];
    if (!Array.isArray(col)) throw new TransformationError(spec.name, `output '${f.name}' is missing (expected an array of ${n} values)`, { field: f.name });
    if (col.length !== n) throw new TransformationError(spec.name, `output '${f.name}' has ${col.length} values, expected ${n}`, { field: f.name });
    const schema = valueSchema(f.dtype);
    result[f.name] = col.map((v, row) => {
      const r = schema.safeParse(v);
      if (!r.success) throw new TransformationError(spec.name, `output '${f.name}' row ${row}: ${r.error.issues[0].message}`, { field: f.name, row });
      return r.data;
    });
  }
  return result;
}

/** Request-time inputs, validated against their declared types; a bad one names its field and row. */
export function requestColumns(
  fields: readonly { name: string; dtype: OnDemandSpec['features'][number]['dtype'] }[],
  source: (name: string) => unknown[] | undefined,
  n: number,
): Columns {
  const cols: Columns = {};
  for (const f of fields) {
    const values = source(f.name);
    if (!values) throw new ValidationError(`missing request data '${f.name}'`, [{ field: f.name, message: 'required by an on demand feature view' }]);
    const schema = valueSchema(f.dtype);
    cols[f.name] = Array.from({ length: n }, (_, row) => {
      const r = schema.safeParse(values[row]);
      if (!r.success)
        throw new ValidationError(`request data '${f.name}' row ${row}: ${r.error.issues[0].message}`, [
          { row, field: f.name, message: r.error.issues[0].message },
        ]);
      return r.data;
    });
  }
  return cols;
}
