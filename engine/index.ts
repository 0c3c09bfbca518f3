/**
 * The vector engine: FLAT, HNSW, IVF and sparse inverted indexes whose heavy work runs on a pool of worker
 * threads, so the event loop stays free for health checks and small calls.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { MetricType, VectorElement } from '../core/vector-types.js';
import { rowNorms } from './block-scorer.js';
import type { IndexBuildParams, IndexType, VectorEngine, VectorIndex } from './engine.js';
import type { ExactData } from './flat.js';
import { GRAPH_FILE, IVF_FILE, readChecked, readMeta, SPARSE_FILE } from './index-files.js';
import { HnswGraph } from './hnsw.js';
import { FlatIndex, HnswIndex, IvfIndex, SparseIndex } from './indexes.js';
import { sparseListsFromBytes, type SparseLists } from './sparse-index.js';
import { IVF_DEFAULTS, ivfFromBytes, type IvfLists, type IvfQuantizer } from './ivf.js';
import { HNSW_DEFAULTS, INLINE_WORK } from './plan.js';
import { indexShape } from './index-shape.js';
import { malformedSet, rowCount, sharedSet, type DenseVectors, type SparseVectors, type VectorSet } from './vectors.js';
import { BUILD_WORK, WorkerPool } from './worker-pool.js';

export type * from './engine.js';
export { HNSW_DEFAULTS } from './plan.js';
export { floatSet, sharedDense, type DenseVectors, type SparseVectors } from './vectors.js';

export interface EngineOptions {
  /** Worker threads, and native threads per index build. Defaults to the number of cores. */
  threads?: number;
}

/** The metrics each kind of vector is scored with. */
const METRICS: Record<VectorElement, readonly MetricType[]> = {
  float32: ['L2', 'IP', 'COSINE'],
  float16: ['L2', 'IP', 'COSINE'],
  bfloat16: ['L2', 'IP', 'COSINE'],
  int8: ['L2', 'IP', 'COSINE'],
  binary: ['HAMMING', 'JACCARD'],
  sparse: ['IP'],
};

function checkShape(vectors: VectorSet, metric: MetricType, indexType: IndexType): void {
  const malformed = malformedSet(vectors);
  if (malformed) throw new Error(malformed);
  const metrics = METRICS[vectors.element];
  if (!metrics.includes(metric))
    throw new Error(`${vectors.element} vectors are not scored with ${metric}; expected one of ${metrics.join(', ')}`);
  if (!INDEX_TYPES.includes(indexType)) throw new Error(`unknown index type ${indexType}; expected ${INDEX_TYPES.join(', ')}`);
  if (indexType.startsWith('IVF') && vectors.element === 'sparse') throw new Error('IVF indexes hold dense vectors');
  if (indexType === 'IVF_SQ8' && vectors.element === 'binary') throw new Error('IVF_SQ8 indexes hold float vectors, not binary ones');
  if ((indexType === 'SPARSE_INVERTED') !== (vectors.element === 'sparse') && indexType !== 'FLAT')
    throw new Error(`${indexType} indexes do not hold ${vectors.element} vectors`);
}

const INDEX_TYPES: readonly IndexType[] = ['FLAT', 'HNSW', 'IVF_FLAT', 'IVF_SQ8', 'SPARSE_INVERTED'];

const ivfQuantizer = (indexType: IndexType): IvfQuantizer => (indexType === 'IVF_SQ8' ? 'SQ8' : 'FLAT');

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

  async build(vectors: VectorSet, metric: MetricType, indexType: IndexType, params: IndexBuildParams = {}): Promise<VectorIndex> {
    checkShape(vectors, metric, indexType);
    if (indexType === 'FLAT') return new FlatIndex(this.pool, await this.prepare(vectors, metric));
    if (indexType === 'IVF_FLAT' || indexType === 'IVF_SQ8') {
      const nlist = params.nlist ?? IVF_DEFAULTS.nlist;
      if (!Number.isInteger(nlist) || nlist < 1 || nlist > 65536)
        throw new Error(`IVF nlist must be an integer in [1, 65536], got ${nlist}`);
      const data = await this.prepare(vectors, metric);
      const worker = this.pool.leastBusy(this.pool.all());
      const request = { op: 'ivf-build', data, nlist, quantizer: ivfQuantizer(indexType) } as const;
      const ivf = await this.pool.call<IvfLists>(worker, request, BUILD_WORK);
      return new IvfIndex(this.pool, data, ivf);
    }
    if (indexType === 'SPARSE_INVERTED') {
      const dropRatioBuild = params.dropRatioBuild ?? 0;
      if (!(dropRatioBuild >= 0 && dropRatioBuild < 1)) throw new Error(`drop ratio must be in [0, 1), got ${dropRatioBuild}`);
      const data = await this.prepare(vectors, metric);
      const request = { op: 'sparse-build', vectors: data.vectors as SparseVectors, dropRatioBuild } as const;
      const lists = await this.pool.call<SparseLists>(this.pool.leastBusy(this.pool.all()), request, BUILD_WORK);
      return new SparseIndex(this.pool, data, lists);
    }
    // Milvus' bounds for M; efConstruction is bounded only to refuse absurd values.
    const M = buildParam('M', params.M, 2048);
    const efConstruction = buildParam('efConstruction', params.efConstruction, 1 << 16);
    const threads = params.threads ?? this.pool.size;
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`build threads must be a positive integer, got ${threads}`);
    const data = await this.prepare(vectors, metric);
    const id = this.nextId++;
    const worker = this.pool.leastBusy(this.pool.all());
    await this.pool.call(worker, { op: 'build', id, data, M, efConstruction, threads }, BUILD_WORK);
    return new HnswIndex(this.pool, data, id, [worker], { M, efConstruction });
  }

  async load(dir: string, vectors: VectorSet, metric: MetricType, indexType: IndexType): Promise<VectorIndex> {
    checkShape(vectors, metric, indexType);
    const meta = await readMeta(dir, { indexType, metric, ...indexShape(vectors) });
    const data = await this.prepare(vectors, metric);
    if (meta.ivf) {
      const bytes = await readChecked(join(dir, IVF_FILE), meta.ivf);
      const shape = { quantizer: ivfQuantizer(indexType), nlist: meta.ivf.nlist, dim: meta.ivf.dim, rows: meta.rows, vectorDim: meta.dim };
      return new IvfIndex(this.pool, data, ivfFromBytes(bytes, shape));
    }
    if (meta.sparse) {
      const bytes = await readChecked(join(dir, SPARSE_FILE), meta.sparse);
      return new SparseIndex(this.pool, data, sparseListsFromBytes(bytes, { ...meta.sparse, rows: meta.rows }));
    }
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
  private async prepare(vectors: VectorSet, metric: MetricType): Promise<ExactData> {
    const shared = sharedSet(vectors);
    const data: ExactData = { vectors: shared, metric };
    if (metric === 'COSINE') {
      const dense = shared as DenseVectors;
      const rows = rowCount(dense);
      const norms = new Float64Array(new SharedArrayBuffer(Math.max(1, rows) * Float64Array.BYTES_PER_ELEMENT)).subarray(0, rows);
      if (dense.values.length <= INLINE_WORK) rowNorms(dense, norms);
      else await this.pool.call(this.pool.leastBusy(this.pool.all()), { op: 'norms', vectors: dense, out: norms }, dense.values.length);
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
