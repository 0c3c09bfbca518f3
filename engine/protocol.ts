/**
 * Messages between the engine (main thread) and its workers. Vectors and norms travel as
 * views of SharedArrayBuffers, so posting them shares memory instead of copying it.
 */
import type { CancelFlag } from './cancel.js';
import type { VectorSearchResult } from './engine.js';
import type { ExactData } from './flat.js';
import type { FileCheck } from './hnsw.js';
import type { IvfLists, IvfQuantizer } from './ivf.js';
import type { SparseLists } from './sparse-index.js';
import type { DenseVectors, SparseVectors, VectorSet } from './vectors.js';

export type WorkerRequest =
  /** Row norms of `vectors` (for COSINE), written into `out`. */
  | { op: 'norms'; vectors: DenseVectors; out: Float64Array }
  /** Builds graph `id` over `data` and keeps it. */
  | { op: 'build'; id: number; data: ExactData; M: number; efConstruction: number; threads: number }
  /** Builds IVF lists over `data` (k-means); replies with them, in shared memory. */
  | { op: 'ivf-build'; data: ExactData; nlist: number; quantizer: IvfQuantizer }
  /** Builds the posting lists of sparse `vectors`; replies with them, in shared memory. */
  | { op: 'sparse-build'; vectors: SparseVectors; dropRatioBuild: number }
  /** Maps the saved graph `file` as graph `id`, verifying it first when `check` is given. */
  | { op: 'open'; id: number; data: ExactData; file: string; M: number; check?: FileCheck }
  /** Saves graph `id` to `file`. Replies with the FileCheck. */
  | { op: 'save'; id: number; file: string }
  /**
   * Searches graph `id`, or the lists `ivf` probing `nprobe` of them, or the posting lists
   * `sparse`, or scans `data` exactly when none is given. `allowed` is
   * undefined when every row may match. A set `cancel` flag (shared memory) stops the search:
   * one not yet started is dropped, one running stops at its next check. A search of more than
   * `queriesPerTurn` queries runs in turns of that many, giving way to the requests that
   * arrive meanwhile (see engine-worker.ts).
   */
  | {
      op: 'search';
      id?: number;
      data?: ExactData;
      ivf?: IvfLists;
      /** With `ivf`: the lists probed. */
      nprobe?: number;
      sparse?: SparseLists;
      /** With `sparse`: the share of the query's smallest values left out. */
      dropRatioSearch?: number;
      queries: VectorSet;
      nq: number;
      k: number;
      ef: number;
      allowed?: Uint8Array;
      allowedCount: number;
      cancel?: CancelFlag;
      queriesPerTurn: number;
    }
  /** Forgets graph `id` and frees its native memory. */
  | { op: 'drop'; id: number };

/** A search answer packed into three typed arrays (counts[q] hits for query q) and the seconds it took to compute. */
export interface PackedResult {
  counts: Int32Array;
  offsets: Int32Array;
  scores: Float32Array;
  seconds: number;
}

export type WorkerReply = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; message: string };

export type Envelope = { seq: number; req: WorkerRequest };

export function pack(result: VectorSearchResult, seconds: number): PackedResult {
  const counts = Int32Array.from(result.offsets, (hits) => hits.length);
  const total = counts.reduce((sum, n) => sum + n, 0);
  const offsets = concatInto(new Int32Array(total), result.offsets);
  const scores = concatInto(new Float32Array(total), result.scores);
  return { counts, offsets, scores, seconds };
}

export function unpack({ counts, offsets, scores }: PackedResult): VectorSearchResult {
  const result: VectorSearchResult = { offsets: [], scores: [] };
  let at = 0;
  for (const n of counts) {
    result.offsets.push(offsets.subarray(at, at + n));
    result.scores.push(scores.subarray(at, at + n));
    at += n;
  }
  return result;
}

/** `parts` end to end in `out`. */
function concatInto<T extends Int32Array | Float32Array>(out: T, parts: readonly T[]): T {
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
