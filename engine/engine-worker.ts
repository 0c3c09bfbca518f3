/**
 * An engine worker: runs the synchronous work (graph builds, graph searches, large exact
 * scans, checksums) off the main thread. One request at a time, in arrival order; a search
 * whose cancel flag is set by the time it comes up is dropped without computing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { stopIfCancelled } from './cancel.js';
import { exactSearch, allowedRows, rowNorms } from './flat.js';
import { HnswGraph } from './hnsw.js';
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
      rowNorms(req.vectors, req.dim, req.out);
      return undefined;
    case 'build':
      graphs.set(req.id, HnswGraph.build(req.data, req.M, req.efConstruction, req.threads));
      return undefined;
    case 'open':
      graphs.set(req.id, HnswGraph.open(req.file, req.data, req.M, req.check));
      return undefined;
    case 'save':
      return graph(req.id).save(req.file);
    case 'search': {
      const { queries, nq, k, ef, allowed, allowedCount, cancel } = req;
      stopIfCancelled(cancel);
      const started = performance.now();
      const result =
        req.id !== undefined
          ? graph(req.id).search(queries, nq, k, ef, allowed, allowedCount, cancel)
          : exactSearch(req.data!, queries, nq, k, allowed ? allowedRows(allowed, allowedCount) : undefined, cancel);
      // Copied, not transferred: for k-sized arrays a copy is cheaper than a transfer.
      return pack(result, (performance.now() - started) / 1000);
    }
    case 'drop':
      if (graphs.delete(req.id)) collectGarbage();
      return undefined;
  }
}

parentPort!.on('message', ({ seq, req }: Envelope) => {
  let reply: WorkerReply;
  try {
    reply = { seq, ok: true, value: handle(req) };
  } catch (err) {
    reply = { seq, ok: false, message: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
