/**
 * The vector search engine behind every segment. Segments address their rows by local
 * offset (0..rows-1); an index returns offsets and Milvus-convention scores:
 * L2 is the squared Euclidean distance, HAMMING and JACCARD are distances of binary vectors
 * (smaller is better); IP and COSINE are similarities (larger is better).
 */
import type { MetricType, VectorElement } from '../core/vector-types.js';
import type { VectorSet } from './vectors.js';

export type { MetricType } from '../core/vector-types.js';
export type { VectorSet } from './vectors.js';

/**
 * FLAT: an exact scan, of any kind of vectors; HNSW: a usearch graph, of dense vectors (stored
 * as usearch's f32, f16, bf16, i8 or b1);
 * IVF_FLAT, IVF_SQ8: inverted lists of dense vectors (ivf.ts), SQ8 of float ones;
 * SPARSE_INVERTED: posting lists of sparse vectors searched with WAND (sparse-index.ts).
 */
export type IndexType = 'FLAT' | 'HNSW' | 'IVF_FLAT' | 'IVF_SQ8' | 'SPARSE_INVERTED';

export interface IndexBuildParams {
  /** HNSW graph degree (Milvus `M`). */
  M?: number;
  /** HNSW construction beam width (Milvus `efConstruction`). */
  efConstruction?: number;
  /** IVF lists (Milvus `nlist`). */
  nlist?: number;
  /** SPARSE_INVERTED: the share of the smallest values left out of the lists (Milvus `drop_ratio_build`). */
  dropRatioBuild?: number;
  /**
   * Native threads of an HNSW build; default the engine's worker count. Background work that
   * must leave cores to searches (compaction) builds on fewer.
   */
  threads?: number;
}

export interface SearchParams {
  /** HNSW search beam width (Milvus `ef`); ignored by the other indexes. */
  ef?: number;
  /** IVF lists probed (Milvus `nprobe`); ignored by the other indexes. */
  nprobe?: number;
  /** SPARSE_INVERTED: the share of the query's smallest values left out (Milvus `drop_ratio_search`). */
  dropRatioSearch?: number;
}

export interface VectorSearchRequest {
  /** nq query vectors, of the index's kind. */
  queries: VectorSet;
  nq: number;
  /** Hits wanted per query (Milvus topk + offset). */
  k: number;
  params?: SearchParams;
  /**
   * Rows allowed to match (filter result with deleted rows removed): allowed[i] !== 0.
   * Undefined means every row. The engine returns the true best rows among the allowed
   * ones at any selectivity (exact scan when few pass, index with over-fetch otherwise).
   */
  allowed?: Uint8Array;
  /** Number of non-zero entries of `allowed`, when the caller knows it. */
  allowedCount?: number;
  /** When given, the seconds spent computing this search are added to it (see SearchTime). */
  time?: SearchTime;
  /**
   * Cancels the search: once it aborts, the search rejects with the signal's reason, its
   * slices not yet started are dropped and the one running stops at its next check (within
   * one block of rows or one query). Searches small enough for the calling thread run to the end.
   */
  signal?: AbortSignal;
}

/** The shape of a search, for estimating its cost before running it. */
export interface SearchShape {
  nq: number;
  k: number;
  params?: SearchParams;
  /** A filter will pass an unknown share of the rows: the estimate is the most such a search costs. */
  filtered?: boolean;
}

/**
 * Engine time of a search request, added to by each index searched: computing in this thread
 * counts the CPU time it took, computing in a worker the time the worker reports (its compute's
 * wall time; its queue and the thread hop not included).
 */
export interface SearchTime {
  seconds: number;
}

/** Per query, up to k hits, best first. Missing hits are not padded. */
export interface VectorSearchResult {
  /** offsets[q] are the local row offsets of query q's hits. */
  offsets: Int32Array[];
  /** scores[q][j] is the Milvus-convention score of offsets[q][j]. */
  scores: Float32Array[];
}

export interface VectorIndex {
  readonly indexType: IndexType;
  readonly metric: MetricType;
  readonly element: VectorElement;
  readonly size: number;
  search(req: VectorSearchRequest): Promise<VectorSearchResult>;
  /**
   * The same search computed on the calling thread, when it is small enough to be cheaper
   * there than a worker hop (see `search`); undefined when it is not, and then nothing was
   * done. Lets a caller search many segments in one synchronous loop.
   */
  searchInline(req: VectorSearchRequest): VectorSearchResult | undefined;
  /** Estimated multiply-adds of a search of this shape: what admission and slicing weigh. */
  estimateWork(shape: SearchShape): number;
  /** Writes the index into `dir` (files named by the implementation). */
  save(dir: string): Promise<void>;
  /** Frees native memory and worker-side state. */
  close(): Promise<void>;
}

export interface VectorEngine {
  /** Builds an index over `vectors` (row i has offset i). */
  build(vectors: VectorSet, metric: MetricType, indexType: IndexType, params?: IndexBuildParams): Promise<VectorIndex>;
  /**
   * Opens an index saved by `save` (memory-mapped where the library allows). `vectors` are
   * the segment's raw vectors, needed for exact scans of small allowed sets and for FLAT.
   */
  load(dir: string, vectors: VectorSet, metric: MetricType, indexType: IndexType): Promise<VectorIndex>;
  /** Jobs sent to the worker threads and not answered yet (searches slices, builds, ...). */
  workInFlight(): number;
  /** Stops the worker threads. */
  close(): Promise<void>;
}
