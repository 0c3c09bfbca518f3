/**
 * Scoring of blocks of a segment's rows against a search's queries, one implementation per
 * kind of vector: float vectors (float32 as stored; float16, bfloat16 and int8 decoded to
 * float32 once per block, so the float kernels serve them all exactly), binary vectors
 * (HAMMING, JACCARD) and sparse vectors (IP). A block is loaded once and scored for every
 * query, so nq > 1 reads (and decodes) the rows once.
 *
 * Scores are "badness": a distance, or minus a similarity, so one ordering serves every metric.
 */
import { halfTable } from '../core/half-float.js';
import type { MetricType } from '../core/vector-types.js';
import { dot, hamming, jaccard, l2, sparseDot } from './kernels.js';
import { rowCount, rowWidth, type DenseVectors, type SparseVectors, type VectorSet } from './vectors.js';

/** Rows scored per block: a block (256 * 128 floats = 128 KiB) stays in cache across queries. */
export const BLOCK_ROWS = 256;

/** Raw vectors of a segment, with what exact scoring needs beside them. */
export interface ExactData {
  vectors: VectorSet;
  metric: MetricType;
  /** COSINE only: the Euclidean norm of every row (see `rowNorms`). */
  norms?: Float64Array;
}

export interface BlockScorer {
  /** Makes rows[start..end) (rows start..end when `rows` is undefined) the block; at most BLOCK_ROWS of them. */
  load(rows: Int32Array | undefined, start: number, end: number): void;
  /** The badness of every row of the block for query q, into out[0..]. */
  score(q: number, out: Float64Array): void;
  /**
   * Whether a row of this badness is a hit at all: a sparse row that shares no index with the
   * query (inner product 0) is not one, as in Milvus; every other row is.
   */
  admits(bad: number): boolean;
}

/** Row r of a float-like dense set as float32s, into out[at..at + dim). */
function decodeRow(set: DenseVectors, r: number, out: Float32Array, at: number): void {
  const { dim, values } = set;
  const from = r * dim;
  if (set.element === 'float16' || set.element === 'bfloat16') {
    const table = halfTable(set.element);
    const halves = values as Uint16Array;
    for (let d = 0; d < dim; d++) out[at + d] = table[halves[from + d] as number] as number;
  } else {
    out.set(values.subarray(from, from + dim) as Float32Array | Int8Array, at);
  }
}

/** Every row of a float-like dense set as float32s: the set's own array when it is float32. */
export function floatRows(set: DenseVectors): Float32Array {
  if (set.element === 'float32') return set.values as Float32Array;
  const rows = rowCount(set);
  const out = new Float32Array(rows * set.dim);
  for (let r = 0; r < rows; r++) decodeRow(set, r, out, r * set.dim);
  return out;
}

/** The Euclidean norm of each of the first out.length rows of a float-like dense set, into `out`. */
export function rowNorms(set: DenseVectors, out: Float64Array): Float64Array {
  const { dim } = set;
  const own = set.element === 'float32' ? (set.values as Float32Array) : undefined;
  const row = new Float32Array(dim);
  for (let r = 0; r < out.length; r++) {
    if (own) out[r] = Math.sqrt(dot(own, r * dim, own, r * dim, dim));
    else {
      decodeRow(set, r, row, 0);
      out[r] = Math.sqrt(dot(row, 0, row, 0, dim));
    }
  }
  return out;
}

const everyRow = () => true;

/** L2, IP and COSINE over float32, float16, bfloat16 and int8 rows. */
class FloatScorer implements BlockScorer {
  private readonly queries: Float32Array;
  private readonly qNorms: Float64Array | undefined;
  /** Where the block's rows are, as float32s: the segment's array, or `scratch` for decoded rows. */
  private source: Float32Array;
  private readonly scratch: Float32Array | undefined;
  private readonly starts = new Int32Array(BLOCK_ROWS);
  private readonly rows = new Int32Array(BLOCK_ROWS);
  private size = 0;
  readonly admits = everyRow;

  constructor(
    private readonly data: ExactData & { vectors: DenseVectors },
    queries: DenseVectors,
    nq: number,
  ) {
    this.queries = floatRows(queries);
    const { dim } = data.vectors;
    if (data.metric === 'COSINE') this.qNorms = rowNorms({ element: 'float32', dim, values: this.queries }, new Float64Array(nq));
    if (data.vectors.element === 'float32') this.source = data.vectors.values as Float32Array;
    else this.source = this.scratch = new Float32Array(BLOCK_ROWS * dim);
  }

  load(rows: Int32Array | undefined, start: number, end: number): void {
    const { vectors } = this.data;
    const { dim } = vectors;
    this.size = end - start;
    for (let i = 0; i < this.size; i++) {
      const r = rows ? (rows[start + i] as number) : start + i;
      this.rows[i] = r;
      if (this.scratch) {
        decodeRow(vectors, r, this.scratch, i * dim);
        this.starts[i] = i * dim;
      } else this.starts[i] = r * dim;
    }
  }

  score(q: number, out: Float64Array): void {
    const { source, starts, size, queries } = this;
    const { dim } = this.data.vectors;
    const qo = q * dim;
    const metric = this.data.metric;
    if (metric === 'L2') for (let i = 0; i < size; i++) out[i] = l2(queries, qo, source, starts[i] as number, dim);
    else if (metric === 'IP') for (let i = 0; i < size; i++) out[i] = -dot(queries, qo, source, starts[i] as number, dim);
    else {
      const qNorm = this.qNorms![q] as number;
      const norms = this.data.norms!;
      for (let i = 0; i < size; i++) {
        const denom = qNorm * (norms[this.rows[i] as number] as number);
        out[i] = denom === 0 ? -0 : -(dot(queries, qo, source, starts[i] as number, dim) / denom);
      }
    }
  }
}

/** HAMMING and JACCARD over packed binary rows. */
class BinaryScorer implements BlockScorer {
  private readonly starts = new Int32Array(BLOCK_ROWS);
  private size = 0;
  private readonly bytes: number;
  readonly admits = everyRow;

  constructor(
    private readonly data: ExactData & { vectors: DenseVectors },
    private readonly queries: Uint8Array,
  ) {
    this.bytes = rowWidth(data.vectors);
  }

  load(rows: Int32Array | undefined, start: number, end: number): void {
    this.size = end - start;
    for (let i = 0; i < this.size; i++) this.starts[i] = (rows ? (rows[start + i] as number) : start + i) * this.bytes;
  }

  score(q: number, out: Float64Array): void {
    const { bytes, starts, size, queries } = this;
    const values = this.data.vectors.values as Uint8Array;
    const kernel = this.data.metric === 'HAMMING' ? hamming : jaccard;
    for (let i = 0; i < size; i++) out[i] = kernel(queries, q * bytes, values, starts[i] as number, bytes);
  }
}

/** IP over sparse rows. */
class SparseScorer implements BlockScorer {
  private readonly rows = new Int32Array(BLOCK_ROWS);
  private size = 0;

  constructor(
    private readonly data: SparseVectors,
    private readonly queries: SparseVectors,
  ) {}

  load(rows: Int32Array | undefined, start: number, end: number): void {
    this.size = end - start;
    for (let i = 0; i < this.size; i++) this.rows[i] = rows ? (rows[start + i] as number) : start + i;
  }

  score(q: number, out: Float64Array): void {
    const { offsets, ids, weights } = this.data;
    const query = this.queries;
    const qStart = query.offsets[q] as number;
    const qEnd = query.offsets[q + 1] as number;
    for (let i = 0; i < this.size; i++) {
      const r = this.rows[i] as number;
      out[i] = -sparseDot(query.ids, query.weights, qStart, qEnd, ids, weights, offsets[r] as number, offsets[r + 1] as number);
    }
  }

  admits(bad: number): boolean {
    return bad < 0;
  }
}

/** The scorer of `data`'s rows against `queries` (nq rows of the same kind). */
export function blockScorer(data: ExactData, queries: VectorSet, nq: number): BlockScorer {
  const { vectors } = data;
  if (vectors.element !== queries.element) throw new Error(`${queries.element} queries cannot search ${vectors.element} vectors`);
  if (vectors.element === 'sparse') return new SparseScorer(vectors, queries as SparseVectors);
  if (vectors.element === 'binary') return new BinaryScorer({ ...data, vectors }, (queries as DenseVectors).values as Uint8Array);
  return new FloatScorer({ ...data, vectors }, queries as DenseVectors, nq);
}
