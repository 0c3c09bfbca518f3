/**
 * An engine worker: runs the synchronous work (graph builds, graph searches, large exact
 * scans, checksums) off the main thread. Two queues, by cost: a request that takes at most
 * one turn (TURN_WORK, about a millisecond: a small search, and any request other than a
 * search) runs as soon as it arrives; a longer search joins the queue of searches run in
 * turns, in arrival order, one turn of whole queries at a time, and the worker's event loop
 * turns between them, so the short requests that arrived meanwhile run first. A small search
 * thus waits about one turn behind any number of heavy ones, not a whole slice. A search whose
 * cancel flag is set by the time it comes up, or by its next turn, is dropped.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { stopIfCancelled } from './cancel.js';
import { rowNorms } from './block-scorer.js';
import { exactSearch, allowedRows } from './flat.js';
import { HnswGraph } from './hnsw.js';
import { buildIvf, IVF_DEFAULTS, ivfSearch } from './ivf.js';
import { buildSparseLists, sparseSearch } from './sparse-index.js';
import type { VectorSearchResult } from './engine.js';
import { sliceRows } from './vectors.js';
import { pack, type Envelope, type WorkerReply, type WorkerRequest } from './protocol.js';

// usearch frees a graph (heap memory or file mapping) only when its JS wrapper is
// collected, and V8 does not see that memory, so a dropped graph could stay resident
// indefinitely. Dropping therefore runs a collection explicitly.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const graphs = new Map<number, HnswGraph>();

function graph(id: number): HnswGraph {
  const g = graphs.get(id);
  if (!g) throw new Error(`engine worker: no index ${id}`);
  return g;
}

function handle(req: WorkerRequest): unknown {
  switch (req.op) {
    case 'norms':
      rowNorms(req.vectors, req.out);
      return undefined;
    case 'build':
      graphs.set(req.id, HnswGraph.build(req.data, req.M, req.efConstruction, req.threads));
      return undefined;
    case 'ivf-build':
      return buildIvf(req.data, req.nlist, req.quantizer);
    case 'sparse-build':
      return buildSparseLists(req.vectors, req.dropRatioBuild);
    case 'open':
      graphs.set(req.id, HnswGraph.open(req.file, req.data, req.M, req.check));
      return undefined;
    case 'save':
      return graph(req.id).save(req.file);
    case 'search': {
      const started = performance.now();
      // Copied, not transferred: for k-sized arrays a copy is cheaper than a transfer.
      return pack(searchQueries(req, 0, req.nq), (performance.now() - started) / 1000);
    }
    case 'drop':
      if (graphs.delete(req.id)) collectGarbage();
      return undefined;
  }
}

type SearchRequest = Extract<WorkerRequest, { op: 'search' }>;

/** Queries [first, first + n) of a search; `listed`: its allowed rows' offsets, if listed already. */
function searchQueries(req: SearchRequest, first: number, n: number, listed?: Int32Array): VectorSearchResult {
  const { nq, k, ef, allowed, allowedCount, cancel } = req;
  stopIfCancelled(cancel);
  const queries = first === 0 && n === nq ? req.queries : sliceRows(req.queries, first, first + n);
  if (req.id !== undefined) return graph(req.id).search(queries, n, k, ef, allowed, allowedCount, cancel, listed);
  if (req.ivf) return ivfSearch(req.data!, req.ivf, queries, n, k, req.nprobe ?? IVF_DEFAULTS.nprobe, allowed, cancel);
  if (req.sparse) return sparseSearch(req.data!, req.sparse, queries, n, k, req.dropRatioSearch ?? 0, allowed, cancel);
  return exactSearch(req.data!, queries, n, k, listed ?? (allowed ? allowedRows(allowed, allowedCount) : undefined), cancel);
}

/** A search run in turns: its answer so far and the compute time it took. */
interface TurnedSearch {
  seq: number;
  req: SearchRequest;
  /** The allowed rows' offsets, listed at its first turn for all of them. */
  listed: Int32Array | undefined;
  result: VectorSearchResult;
  seconds: number;
}

/** Searches run in turns, in arrival order: the first advances by one turn at a time. */
const turned: TurnedSearch[] = [];

const reply = (r: WorkerReply) => parentPort!.postMessage(r);
const failure = (seq: number, err: unknown): WorkerReply => ({ seq, ok: false, message: (err as Error).message });

/** One turn of the first search in turns; the next is scheduled after whatever arrived meanwhile. */
function nextTurn(): void {
  const s = turned[0];
  if (!s) return;
  const { req, result } = s;
  const first = result.offsets.length;
  const n = Math.min(req.queriesPerTurn, req.nq - first);
  try {
    const started = performance.now();
    if (req.allowed) s.listed ??= allowedRows(req.allowed, req.allowedCount);
    const part = searchQueries(req, first, n, s.listed);
    s.seconds += (performance.now() - started) / 1000;
    for (let q = 0; q < n; q++) {
      result.offsets.push(part.offsets[q]!);
      result.scores.push(part.scores[q]!);
    }
    if (result.offsets.length === req.nq) {
      turned.shift();
      reply({ seq: s.seq, ok: true, value: pack(result, s.seconds) });
    }
  } catch (err) {
    turned.shift();
    reply(failure(s.seq, err));
  }
  // Messages that arrived during the turn are handled before the immediate runs.
  if (turned.length > 0) setImmediate(nextTurn);
}

parentPort!.on('message', ({ seq, req }: Envelope) => {
  if (req.op === 'search' && req.queriesPerTurn < req.nq) {
    turned.push({ seq, req, listed: undefined, result: { offsets: [], scores: [] }, seconds: 0 });
    if (turned.length === 1) setImmediate(nextTurn);
    return;
  }
  try {
    reply({ seq, ok: true, value: handle(req) });
  } catch (err) {
    reply(failure(seq, err));
  }
});
