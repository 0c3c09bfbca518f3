import type { Column } from '../core/columns.js';
import type { FieldSchema } from '../core/schema.js';
import { vectorTypeOf } from '../core/vector-types.js';
import { sparseSetFromRows, type DenseValues, type VectorSet } from '../engine/vectors.js';

/**
 * A segment's vector column as the engine reads it: a dense column's typed array as it is (a
 * segment keeps it in shared memory, so the workers read it in place), a sparse column's rows
 * gathered into one CSR set.
 */
export function vectorSetOf(field: FieldSchema, col: Column): VectorSet {
  const { element } = vectorTypeOf(field);
  if (element === 'sparse') return sparseSetFromRows(col.values as Uint8Array[]);
  return { element, dim: field.dim!, values: col.values as DenseValues };
}
