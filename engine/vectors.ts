/**
 * Sets of vectors as the engine reads them: a segment's rows, or a search's queries. A dense
 * set is one typed array of rows * width elements (width = dim, or dim / 8 bytes for binary
 * vectors); a sparse set is in CSR form, each row's entries sorted by index. Sets in shared
 * memory are posted to the workers without a copy.
 */
import { denseElementBytes, denseRowWidth, type DenseElement } from '../core/vector-types.js';

export type DenseValues = Float32Array | Uint16Array | Int8Array | Uint8Array;

export interface DenseVectors {
  element: DenseElement;
  /** Dimensions (bits, for binary vectors). */
  dim: number;
  values: DenseValues;
}

/** Row r's entries are ids[offsets[r] .. offsets[r + 1]) with their weights, ids ascending. */
export interface SparseVectors {
  element: 'sparse';
  offsets: Int32Array;
  ids: Uint32Array;
  weights: Float32Array;
}

export type VectorSet = DenseVectors | SparseVectors;

type DenseArrayType = { new (length: number): DenseValues; new (buffer: ArrayBufferLike): DenseValues };

const DENSE_ARRAY: Record<DenseElement, DenseArrayType> = {
  float32: Float32Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int8: Int8Array,
  binary: Uint8Array,
};

/** Typed-array elements per row of a dense set. */
export const rowWidth = (set: DenseVectors) => denseRowWidth(set.element, set.dim);

export function rowCount(set: VectorSet): number {
  if (set.element === 'sparse') return set.offsets.length - 1;
  const width = rowWidth(set);
  return width === 0 ? 0 : set.values.length / width;
}

/** A dense typed array of `length` elements, in shared memory (segment vectors, read by the workers in place). */
export function sharedDense(element: DenseElement, length: number): DenseValues {
  return new DENSE_ARRAY[element](new SharedArrayBuffer(Math.max(1, length) * denseElementBytes(element))).subarray(0, length);
}

/** An empty dense typed array of `length` elements, in ordinary memory. */
export const newDense = (element: DenseElement, length: number): DenseValues => new DENSE_ARRAY[element](length);

const isShared = (a: ArrayBufferView) => a.buffer instanceof SharedArrayBuffer;

function sharedCopy<T extends DenseValues | Int32Array | Uint32Array>(a: T): T {
  if (isShared(a)) return a;
  const out = new (a.constructor as { new (b: ArrayBufferLike): T })(new SharedArrayBuffer(Math.max(1, a.byteLength)));
  const view = out.subarray(0, a.length) as T;
  (view as unknown as { set(x: T): void }).set(a);
  return view;
}

/** The set in shared memory: as it is when it is there already, else copied once. */
export function sharedSet(set: VectorSet): VectorSet {
  if (set.element !== 'sparse') return { ...set, values: sharedCopy(set.values) };
  return { element: 'sparse', offsets: sharedCopy(set.offsets), ids: sharedCopy(set.ids), weights: sharedCopy(set.weights) };
}

/**
 * Rows [from, to) of a set: a view of a dense set; a sparse set's rows copied, their offsets
 * from 0, so the result posts without its whole source.
 */
export function sliceRows(set: VectorSet, from: number, to: number): VectorSet {
  if (set.element !== 'sparse') {
    const width = rowWidth(set);
    return { ...set, values: set.values.subarray(from * width, to * width) };
  }
  const start = set.offsets[from]!;
  const end = set.offsets[to]!;
  return {
    element: 'sparse',
    offsets: Int32Array.from(set.offsets.subarray(from, to + 1), (o) => o - start),
    ids: set.ids.slice(start, end),
    weights: set.weights.slice(start, end),
  };
}

/** Copies of rows `rows` of a set, in that order. */
export function pickRows(set: VectorSet, rows: readonly number[]): VectorSet {
  if (set.element !== 'sparse') {
    const width = rowWidth(set);
    const values = newDense(set.element, rows.length * width);
    rows.forEach((r, i) => {
      values.set(set.values.subarray(r * width, (r + 1) * width) as never, i * width);
    });
    return { ...set, values };
  }
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => {
    offsets[i + 1] = offsets[i]! + set.offsets[r + 1]! - set.offsets[r]!;
  });
  const ids = new Uint32Array(offsets[rows.length]!);
  const weights = new Float32Array(ids.length);
  rows.forEach((r, i) => {
    ids.set(set.ids.subarray(set.offsets[r]!, set.offsets[r + 1]!), offsets[i]!);
    weights.set(set.weights.subarray(set.offsets[r]!, set.offsets[r + 1]!), offsets[i]!);
  });
  return { element: 'sparse', offsets, ids, weights };
}

/**
 * A view that can be posted without cloning more than it shows: structured clone copies a
 * view's whole ArrayBuffer, so a small view of a large (unshared) buffer is sliced first.
 */
export function compactView<T extends ArrayBufferView & { slice(): T }>(view: T): T {
  if (isShared(view) || view.byteLength === view.buffer.byteLength) return view;
  return view.slice();
}

/** A set that posts without cloning more than it holds (see compactView). */
export function compactSet(set: VectorSet): VectorSet {
  if (set.element !== 'sparse') return { ...set, values: compactView(set.values as Float32Array) };
  return { element: 'sparse', offsets: compactView(set.offsets), ids: compactView(set.ids), weights: compactView(set.weights) };
}

/** Average elements scored per row of a set: its width, or a sparse row's entries. */
export function averageRowWork(set: VectorSet): number {
  if (set.element !== 'sparse') return rowWidth(set);
  const rows = rowCount(set);
  return rows === 0 ? 0 : set.ids.length / rows;
}

/** Why a set is malformed, or undefined when it is sound: what the engine checks of what it is given. */
export function malformedSet(set: VectorSet): string | undefined {
  if (set.element === 'sparse') {
    const { offsets, ids, weights } = set;
    if (!(offsets instanceof Int32Array) || !(ids instanceof Uint32Array) || !(weights instanceof Float32Array))
      return 'a sparse set is Int32Array offsets, Uint32Array ids and Float32Array weights';
    if (offsets.length < 1 || offsets[0] !== 0 || offsets[offsets.length - 1] !== ids.length || ids.length !== weights.length)
      return 'sparse offsets do not cover the entries';
    return undefined;
  }
  if (!(set.values instanceof DENSE_ARRAY[set.element])) return `${set.element} vectors must be a ${DENSE_ARRAY[set.element].name}`;
  if (!Number.isInteger(set.dim) || set.dim < 1) return `dim must be a positive integer, got ${set.dim}`;
  const width = rowWidth(set);
  if (!Number.isInteger(width)) return `binary dim ${set.dim} is not a multiple of 8`;
  if (set.values.length % width !== 0) return `vectors hold ${set.values.length} elements, not a multiple of the row width ${width}`;
  return undefined;
}

/** Whether two sets are of one kind and shape, so one can be searched with the other's rows as queries. */
export function sameShape(a: VectorSet, b: VectorSet): boolean {
  if (a.element !== b.element) return false;
  return a.element === 'sparse' || a.dim === (b as DenseVectors).dim;
}

/**
 * Sparse rows in Milvus's wire form (little-endian (uint32 index, float32 value) pairs sorted by
 * index; see milvus/vector-codecs.ts, which validates them) as one set.
 */
export function sparseSetFromRows(rows: readonly Uint8Array[]): SparseVectors {
  const offsets = new Int32Array(rows.length + 1);
  rows.forEach((row, r) => {
    offsets[r + 1] = offsets[r]! + row.length / 8;
  });
  const ids = new Uint32Array(offsets[rows.length]!);
  const weights = new Float32Array(ids.length);
  rows.forEach((row, r) => {
    const view = new DataView(row.buffer, row.byteOffset, row.byteLength);
    for (let j = 0, at = offsets[r]!; j < row.length; j += 8, at++) {
      ids[at] = view.getUint32(j, true);
      weights[at] = view.getFloat32(j + 4, true);
    }
  });
  return { element: 'sparse', offsets, ids, weights };
}

/** Float32 rows of `dim` dimensions as a set. */
export const floatSet = (values: Float32Array, dim: number): DenseVectors => ({ element: 'float32', dim, values });
