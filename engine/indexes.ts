/**
 * The main-thread side of an index: validates requests, runs small exact scans in place
 * (cheaper than a worker hop) and sends everything else to the workers in slices.
 */
import { join } from 'node:path';
import { cancelFlagFor, unlessAborted } from './cancel.js';
import type { MetricType, VectorElement } from '../core/vector-types.js';
import type { IndexType, SearchShape, VectorIndex, VectorSearchRequest, VectorSearchResult } from './engine.js';
import { allowedRows, exactSearch, type ExactData } from './flat.js';
import type { FileCheck, HnswGraph } from './hnsw.js';
import { GRAPH_FILE, IVF_FILE, SPARSE_FILE, writeMeta, writeParts } from './index-files.js';
import { sparseListParts, type SparseLists } from './sparse-index.js';
import { IVF_DEFAULTS, ivfParts, probedRows, type IvfLists } from './ivf.js';
import { HNSW_DEFAULTS, INLINE_BEAM, INLINE_WORK, planSearch, queryWork, SLICE_WORK, TURN_WORK } from './plan.js';
import { unpack, type PackedResult, type WorkerRequest } from './protocol.js';
import { indexShape } from './index-shape.js';
import { averageRowWork, compactSet, compactView, rowCount, sameShape, sliceRows } from './vectors.js';
import type { WorkerPool } from './worker-pool.js';

function positiveInt(name: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return value as number;
}

function countAllowed(allowed: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < allowed.length; i++) if (allowed[i] !== 0) n++;
  return n;
}

/** `bytes` in shared memory: posted to every slice of a search without a copy each. */
function shared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const out = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
  out.set(bytes);
  return out;
}

/**
 * `result`, computed in this thread since `started` (process.cpuUsage()): its CPU time is added
 * to the request's. CPU, not wall time: on a busy machine a search preempted half-way would
 * otherwise count the other processes' time as engine work. The process's CPU over a synchronous
 * call is this thread's, give or take a concurrent GC helper thread.
 */
function timed(req: VectorSearchRequest, result: VectorSearchResult, started: NodeJS.CpuUsage | undefined): VectorSearchResult {
  if (req.time && started) {
    const used = process.cpuUsage(started);
    req.time.seconds += (used.user + used.system) / 1e6;
  }
  return result;
}

/** The CPU clock's reading when the request's time is wanted. */
const cpuStart = (req: VectorSearchRequest) => (req.time ? process.cpuUsage() : undefined);

/** A search request's numbers, validated; `allowed` only when it excludes rows. */
interface CheckedRequest extends Beam {
  nq: number;
  k: number;
  count: number;
  allowed: Uint8Array | undefined;
}

/** How wide a search looks: a graph's beam (ef), the lists an IVF index probes (nprobe). */
interface Beam {
  ef: number;
  nprobe: number;
}

abstract class PooledIndex implements VectorIndex {
  abstract readonly indexType: IndexType;
  readonly metric: MetricType;
  readonly element: VectorElement;
  readonly size: number;
  /** Elements scored per row (see averageRowWork): what the work estimates count. */
  protected readonly rowWork: number;
  protected closed = false;
  /** Searches sent to the workers and not settled: their later slices still need the index there. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    protected readonly pool: WorkerPool,
    protected readonly data: ExactData,
  ) {
    this.metric = data.metric;
    this.element = data.vectors.element;
    this.size = rowCount(data.vectors);
    this.rowWork = Math.max(1, averageRowWork(data.vectors));
  }

  /** Whether a search with this many allowed rows is an exact scan. */
  protected abstract scansExactly(allowedCount: number, k: number, beam: Beam): boolean;
  /** Estimated multiply-adds of one query with this many allowed rows. */
  protected abstract queryWork(allowedCount: number, k: number, beam: Beam): number;
  /** A graph mapped in this thread, for searches too small to be worth a worker hop. */
  protected inlineGraph(): HnswGraph | undefined {
    return undefined;
  }
  /** The worker to send a search to, and what names the index there; `exact`: the plan is an exact scan of the allowed rows. */
  protected abstract target(exact: boolean): { worker: number; id?: number; data?: ExactData; ivf?: IvfLists; sparse?: SparseLists };

  searchInline(req: VectorSearchRequest): VectorSearchResult | undefined {
    return this.inlineResult(req, this.checked(req));
  }

  estimateWork({ nq, k, params, filtered }: SearchShape): number {
    // A filter's share of the rows is unknown before it runs; whatever it is, the plan scans
    // the allowed rows exactly once that is cheaper than the graph, so a scan of every row
    // bounds it.
    const beam = { ef: params?.ef ?? HNSW_DEFAULTS.ef, nprobe: params?.nprobe ?? IVF_DEFAULTS.nprobe };
    return nq * (filtered ? this.size * this.rowWork : this.queryWork(this.size, k, beam));
  }

  async search(req: VectorSearchRequest): Promise<VectorSearchResult> {
    const checked = this.checked(req);
    const here = this.inlineResult(req, checked);
    if (here) return here;
    req.signal?.throwIfAborted();
    const searching = this.inSlices(req, checked);
    this.running.add(searching);
    try {
      return await searching;
    } finally {
      this.running.delete(searching);
    }
  }

  /**
   * The search as worker jobs of about SLICE_WORK each (whole queries), sent one after the
   * other, each run in turns of about TURN_WORK in the worker: a small search that reaches the
   * worker meanwhile waits about one turn, a search in turns behind it about one slice, and a
   * cancelled search sends no further slice (the one in flight is dropped or stopped through
   * the cancel flag). Answers are per query, so the slices' answers end to end are the search's.
   */
  private async inSlices(req: VectorSearchRequest, s: CheckedRequest): Promise<VectorSearchResult> {
    const { nq, k, ef, nprobe, count } = s;
    const work = this.queryWork(count, k, s);
    const exact = this.scansExactly(count, k, s);
    const perSlice = Math.max(1, Math.floor(SLICE_WORK / work));
    const queriesPerTurn = Math.max(1, Math.floor(TURN_WORK / work));
    const allowed = s.allowed && (perSlice < nq ? shared(s.allowed) : compactView(s.allowed));
    const cancel = req.signal && cancelFlagFor(req.signal);
    const result: VectorSearchResult = { offsets: [], scores: [] };
    try {
      for (let first = 0; first < nq; first += perSlice) {
        const n = Math.min(perSlice, nq - first);
        const { worker, id, data, ivf, sparse } = this.target(exact);
        const request: WorkerRequest = {
          op: 'search',
          id,
          data,
          ivf,
          nprobe,
          sparse,
          dropRatioSearch: req.params?.dropRatioSearch,
          queries: compactSet(sliceRows(req.queries, first, first + n)),
          nq: n,
          k,
          ef,
          allowed,
          allowedCount: count,
          cancel: cancel?.flag,
          queriesPerTurn,
        };
        const packed = await unlessAborted(this.pool.call<PackedResult>(worker, request, n * work), req.signal);
        if (req.time) req.time.seconds += packed.seconds;
        const part = unpack(packed);
        for (let q = 0; q < n; q++) {
          result.offsets.push(part.offsets[q]!);
          result.scores.push(part.scores[q]!);
        }
      }
    } finally {
      cancel?.dispose();
    }
    return result;
  }

  /** Settles once the searches sent to the workers have: closing waits for them. */
  protected async searchesSettled(): Promise<void> {
    await Promise.allSettled(this.running);
  }

  /** The search computed here when it is small enough (an empty answer, a small scan, a small beam in a mapped graph). */
  private inlineResult(req: VectorSearchRequest, s: CheckedRequest): VectorSearchResult | undefined {
    if (s.count === 0) {
      return {
        offsets: Array.from({ length: s.nq }, () => new Int32Array(0)),
        scores: Array.from({ length: s.nq }, () => new Float32Array(0)),
      };
    }
    const { nq, k, ef, count, allowed } = s;
    if (this.scansExactly(count, k, s) && nq * count * this.rowWork <= INLINE_WORK) {
      const started = cpuStart(req);
      return timed(req, exactSearch(this.data, req.queries, nq, k, allowed ? allowedRows(allowed, count) : undefined), started);
    }
    const inline = this.inlineGraph();
    if (inline && !allowed && nq * Math.max(ef, k) <= INLINE_BEAM) {
      const started = cpuStart(req);
      return timed(req, inline.search(req.queries, nq, k, ef, undefined, count), started);
    }
    return undefined;
  }

  /** A request's shape checked against the index, with its allowed rows counted. */
  private checked(req: VectorSearchRequest): CheckedRequest {
    if (this.closed) throw new Error(`${this.indexType} index is closed`);
    const nq = positiveInt('nq', req.nq);
    const k = positiveInt('k', req.k);
    const ef = positiveInt('ef', req.params?.ef ?? HNSW_DEFAULTS.ef);
    const nprobe = positiveInt('nprobe', req.params?.nprobe ?? IVF_DEFAULTS.nprobe);
    if (!sameShape(req.queries, this.data.vectors)) throw new Error(`queries are not ${this.element} vectors of the index's dim`);
    if (rowCount(req.queries) !== nq) throw new Error(`queries hold ${rowCount(req.queries)} vectors, expected nq = ${nq}`);
    if (req.allowed && req.allowed.length !== this.size) {
      throw new Error(`allowed has ${req.allowed.length} entries, the index has ${this.size} rows`);
    }
    const count = req.allowed ? (req.allowedCount ?? countAllowed(req.allowed)) : this.size;
    // A bitset that lets every row through is no filter.
    return { nq, k, ef, nprobe, count, allowed: req.allowed && count < this.size ? req.allowed : undefined };
  }

  abstract save(dir: string): Promise<void>;

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Exact search over the raw vectors; stateless in the workers, so any worker serves it. */
export class FlatIndex extends PooledIndex {
  readonly indexType = 'FLAT' as const;

  protected scansExactly(): boolean {
    return true;
  }

  protected queryWork(allowedCount: number): number {
    return allowedCount * this.rowWork;
  }

  protected target() {
    return { worker: this.pool.leastBusy(this.pool.all()), data: this.data };
  }

  async save(dir: string): Promise<void> {
    await writeMeta(dir, { format: 1, indexType: 'FLAT', metric: this.metric, ...indexShape(this.data.vectors) });
  }
}

/**
 * A usearch graph held by one or more workers (`holders`): a built graph lives in the
 * worker that built it; a loaded graph is memory-mapped by every worker, so one segment
 * can be searched on all cores.
 */
export class HnswIndex extends PooledIndex {
  readonly indexType = 'HNSW' as const;

  constructor(
    pool: WorkerPool,
    data: ExactData,
    private readonly id: number,
    private readonly holders: number[],
    private readonly params: { M: number; efConstruction: number },
    /** Loaded graphs are also mapped here (the mapping shares the workers' pages). */
    private inline?: HnswGraph,
  ) {
    super(pool, data);
  }

  protected override inlineGraph(): HnswGraph | undefined {
    return this.inline;
  }

  protected scansExactly(allowedCount: number, k: number, { ef }: Beam): boolean {
    return planSearch(this.size, allowedCount, k, ef, this.params.M).exact;
  }

  protected queryWork(allowedCount: number, k: number, { ef }: Beam): number {
    const { M } = this.params;
    return queryWork(planSearch(this.size, allowedCount, k, ef, M), allowedCount, M, this.rowWork);
  }

  protected target() {
    return { worker: this.pool.leastBusy(this.holders), id: this.id };
  }

  async save(dir: string): Promise<void> {
    if (this.closed) throw new Error('HNSW index is closed');
    const [holder] = this.holders;
    if (holder === undefined) throw new Error('no worker holds this HNSW graph');
    const check = await this.pool.call<FileCheck>(holder, { op: 'save', id: this.id, file: join(dir, GRAPH_FILE) });
    await writeMeta(dir, {
      format: 1,
      indexType: 'HNSW',
      metric: this.metric,
      ...indexShape(this.data.vectors),
      graph: { ...this.params, ...check },
    });
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inline = undefined;
    // Searches in progress complete: their remaining slices need the graph in the workers.
    await this.searchesSettled();
    await Promise.all(this.holders.map((w) => this.pool.call(w, { op: 'drop', id: this.id }).catch(() => undefined)));
  }
}

/**
 * IVF lists (ivf.ts) beside the raw vectors; stateless in the workers like FLAT (the lists are in
 * shared memory and travel with each search), so any worker serves it.
 */
export class IvfIndex extends PooledIndex {
  readonly indexType: 'IVF_FLAT' | 'IVF_SQ8';

  constructor(
    pool: WorkerPool,
    data: ExactData,
    private readonly ivf: IvfLists,
  ) {
    super(pool, data);
    this.indexType = ivf.quantizer === 'SQ8' ? 'IVF_SQ8' : 'IVF_FLAT';
  }

  /** A filter that lets fewer rows through than the probed lists hold is cheaper to scan exactly. */
  protected scansExactly(allowedCount: number, _k: number, { nprobe }: Beam): boolean {
    return allowedCount < this.size && allowedCount <= probedRows(this.ivf, this.size, nprobe);
  }

  protected queryWork(allowedCount: number, k: number, beam: Beam): number {
    if (this.scansExactly(allowedCount, k, beam)) return allowedCount * this.rowWork;
    return probedRows(this.ivf, this.size, beam.nprobe) * this.rowWork + this.ivf.nlist * this.ivf.dim;
  }

  protected target(exact: boolean) {
    return { worker: this.pool.leastBusy(this.pool.all()), data: this.data, ivf: exact ? undefined : this.ivf };
  }

  async save(dir: string): Promise<void> {
    const check = await writeParts(join(dir, IVF_FILE), ivfParts(this.ivf));
    await writeMeta(dir, {
      format: 1,
      indexType: this.indexType,
      metric: this.metric,
      ...indexShape(this.data.vectors),
      ivf: { nlist: this.ivf.nlist, dim: this.ivf.dim, ...check },
    });
  }
}

/**
 * Posting lists of sparse rows searched with WAND (sparse-index.ts); stateless in the workers like
 * FLAT (the lists are in shared memory and travel with each search).
 */
export class SparseIndex extends PooledIndex {
  readonly indexType = 'SPARSE_INVERTED' as const;

  constructor(
    pool: WorkerPool,
    data: ExactData,
    private readonly lists: SparseLists,
  ) {
    super(pool, data);
  }

  /** A filter that lets through fewer rows than a query's lists hold on average is cheaper to scan. */
  protected scansExactly(allowedCount: number): boolean {
    return allowedCount < this.size && allowedCount * this.rowWork <= this.listWork();
  }

  protected queryWork(allowedCount: number): number {
    return this.scansExactly(allowedCount) ? allowedCount * this.rowWork : this.listWork();
  }

  /** Entries of the lists a query of an average row's terms walks, at most (WAND skips most). */
  private listWork(): number {
    const { dims, rows } = this.lists;
    return Math.max(1, (this.rowWork * rows.length) / Math.max(1, dims.length));
  }

  protected target(exact: boolean) {
    return { worker: this.pool.leastBusy(this.pool.all()), data: this.data, sparse: exact ? undefined : this.lists };
  }

  async save(dir: string): Promise<void> {
    const check = await writeParts(join(dir, SPARSE_FILE), sparseListParts(this.lists));
    const { dims, rows, dropRatioBuild } = this.lists;
    await writeMeta(dir, {
      format: 1,
      indexType: 'SPARSE_INVERTED',
      metric: this.metric,
      ...indexShape(this.data.vectors),
      sparse: { dims: dims.length, entries: rows.length, dropRatioBuild, ...check },
    });
  }
}
