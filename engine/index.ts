/**
 * The vector engine: FLAT and HNSW indexes whose heavy work runs on a pool of worker
 * threads, so the event loop stays free for health checks and small calls.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { IndexBuildParams, IndexType, MetricType, VectorEngine, VectorIndex } from './engine.js';
import { rowNorms, type ExactData } from './flat.js';
import { GRAPH_FILE, readMeta } from './index-files.js';
import { HnswGraph } from './hnsw.js';
import { FlatIndex, HnswIndex } from './indexes.js';
import { HNSW_DEFAULTS, INLINE_WORK } from './plan.js';
import { BUILD_WORK, WorkerPool } from './worker-pool.js';

export type * from './engine.js';
export { HNSW_DEFAULTS } from './plan.js';

export interface EngineOptions {
  /** Worker threads, and native threads per index build. Defaults to the number of cores. */
  threads?: number;
}

const METRICS: readonly MetricType[] = ['L2', 'IP', 'COSINE'];
const INDEX_TYPES: readonly IndexType[] = ['FLAT', 'HNSW'];

/**
 * A Float32Array backed by shared memory, for segment vectors: the engine then shares them
 * with its workers as they are, instead of copying them once into shared memory.
 */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}

function checkShape(vectors: Float32Array, dim: number, metric: MetricType, indexType: IndexType): void {
  if (!(vectors instanceof Float32Array)) throw new Error('vectors must be a Float32Array');
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`dim must be a positive integer, got ${dim}`);
  if (vectors.length % dim !== 0) throw new Error(`vectors hold ${vectors.length} floats, not a multiple of dim ${dim}`);
  if (!METRICS.includes(metric)) throw new Error(`unknown metric ${metric}; expected one of ${METRICS.join(', ')}`);
  if (!INDEX_TYPES.includes(indexType)) throw new Error(`unknown index type ${indexType}; expected one of ${INDEX_TYPES.join(', ')}`);
}

function buildParam(name: 'M' | 'efConstruction', value: number | undefined, max: number): number {
  const v = value ?? HNSW_DEFAULTS[name];
  if (!Number.isInteger(v) || v < 2 || v > max) throw new Error(`HNSW ${name} must be an integer in [2, ${max}], got ${v}`);
  return v;
}

class PooledEngine implements VectorEngine {
  private readonly pool: WorkerPool;
  private nextId = 1;

  constructor(threads: number) {
    this.pool = new WorkerPool(threads);
  }

  async build(
    vectors: Float32Array,
    dim: number,
    metric: MetricType,
    indexType: IndexType,
    params: IndexBuildParams = {},
  ): Promise<VectorIndex> {
    checkShape(vectors, dim, metric, indexType);
    if (indexType === 'FLAT') return new FlatIndex(this.pool, await this.prepare(vectors, dim, metric));
    // Milvus' bounds for M; efConstruction is bounded only to refuse absurd values.
    const M = buildParam('M', params.M, 2048);
    const efConstruction = buildParam('efConstruction', params.efConstruction, 1 << 16);
    const threads = params.threads ?? this.pool.size;
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`build threads must be a positive integer, got ${threads}`);
    const data = await this.prepare(vectors, dim, metric);
    const id = this.nextId++;
    const worker = this.pool.leastBusy(this.pool.all());
    await this.pool.call(worker, { op: 'build', id, data, M, efConstruction, threads }, BUILD_WORK);
    return new HnswIndex(this.pool, data, id, [worker], { M, efConstruction });
  }

  async load(dir: string, vectors: Float32Array, dim: number, metric: MetricType, indexType: IndexType): Promise<VectorIndex> {
    checkShape(vectors, dim, metric, indexType);
    const meta = await readMeta(dir, { indexType, metric, dim, rows: vectors.length / dim });
    const data = await this.prepare(vectors, dim, metric);
    if (!meta.graph) return new FlatIndex(this.pool, data);
    const { M, efConstruction, bytes, crc32 } = meta.graph;
    const file = join(dir, GRAPH_FILE);
    const id = this.nextId++;
    const [first, ...others] = this.pool.all();
    if (first === undefined) throw new Error('the engine has no workers');
    // One worker verifies the file; the others map it only once it is known to be sound.
    // Reading the whole file for its checksum takes as long as a build, for choosing a worker.
    await this.pool.call(first, { op: 'open', id, data, file, M, check: { bytes, crc32 } }, BUILD_WORK);
    const opened = await Promise.allSettled(others.map((w) => this.pool.call(w, { op: 'open', id, data, file, M })));
    let inline: HnswGraph | undefined;
    let failure: unknown = (opened.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined)?.reason;
    try {
      // Also mapped in this thread, for searches too small to be worth a worker hop.
      if (failure === undefined) inline = HnswGraph.open(file, data, M);
    } catch (e) {
      failure = e;
    }
    const index = new HnswIndex(this.pool, data, id, this.pool.all(), { M, efConstruction }, inline);
    if (failure !== undefined) {
      await index.close();
      throw failure;
    }
    return index;
  }

  workInFlight(): number {
    return this.pool.inFlight();
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  /** Vectors in shared memory, plus row norms for COSINE, computed off the main thread when large. */
  private async prepare(vectors: Float32Array, dim: number, metric: MetricType): Promise<ExactData> {
    let shared = vectors;
    if (!(vectors.buffer instanceof SharedArrayBuffer)) {
      shared = sharedFloat32(vectors.length);
      shared.set(vectors);
    }
    const data: ExactData = { vectors: shared, dim, metric };
    if (metric === 'COSINE') {
      const rows = shared.length / dim;
      const norms = new Float64Array(new SharedArrayBuffer(rows * Float64Array.BYTES_PER_ELEMENT));
      if (shared.length <= INLINE_WORK) rowNorms(shared, dim, norms);
      else await this.pool.call(this.pool.leastBusy(this.pool.all()), { op: 'norms', vectors: shared, dim, out: norms }, shared.length);
      data.norms = norms;
    }
    return data;
  }
}

export function createEngine(options: EngineOptions = {}): VectorEngine {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`threads must be a positive integer, got ${threads}`);
  return new PooledEngine(threads);
}
