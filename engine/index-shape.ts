import type { VectorElement } from '../core/vector-types.js';
import { rowCount, type VectorSet } from './vectors.js';

/** What an index's description (engine.json) records of its vectors, and checks when it is opened again. */
export function indexShape(vectors: VectorSet): { element: VectorElement; dim: number; rows: number } {
  return { element: vectors.element, dim: vectors.element === 'sparse' ? 0 : vectors.dim, rows: rowCount(vectors) };
}
