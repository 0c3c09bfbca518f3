/**
 * HNSW graphs on usearch, as they live inside an engine worker.
 *
 * usearch fixes `expansion_search` when an index object is created, but its search beam
 * is max(expansion_search, wanted). Graphs are therefore created with expansion_search 1
 * and searched with wanted = max(k, ef): any per-request `ef` gets exactly the beam it
 * asks for, with no second index object (test/engine/hnsw.test.ts checks the equivalence
 * against a view opened with expansion_search = ef).
 *
 * A corrupt graph file can crash the process inside usearch (bad neighbour ids are
 * followed blindly), so a file is only mapped after its length and CRC-32 match what
 * `save` recorded.
 */
import { closeSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { crc32 } from 'node:zlib';
import type { Index, Matches, MetricKind, ScalarKind } from 'usearch';
import type { DenseElement } from '../core/vector-types.js';
import { stopIfCancelled, type CancelFlag } from './cancel.js';
import { blockScorer, floatRows } from './block-scorer.js';
import type { VectorSearchResult } from './engine.js';
import { allowedRows, exactSearch, rescore, type ExactData } from './flat.js';
import { exactIsCheaper, FETCH_GROWTH, planSearch } from './plan.js';
import { rowCount, sliceRows, type VectorSet } from './vectors.js';

// usearch 2.26's ESM build never finishes loading inside a worker thread (the import spins
// at 100% CPU and never settles); its CommonJS build, which finds the binary from
// __dirname, loads at once.
const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch');

const METRIC_KIND: Partial<Record<string, MetricKind>> = {
  L2: usearch.MetricKind.L2sq,
  IP: usearch.MetricKind.IP,
  COSINE: usearch.MetricKind.Cos,
  HAMMING: usearch.MetricKind.Hamming,
  // usearch's Tanimoto over bits is 1 - |a AND b| / |a OR b|: Milvus's JACCARD.
  JACCARD: usearch.MetricKind.Tanimoto,
};

/**
 * How a graph stores each kind of vector: usearch's own scalar kinds (half, bfloat16, int8,
 * bits), so a graph of 2-byte vectors takes half the memory of a float32 one, of bits a 32nd.
 * usearch's JavaScript binding takes float32 rows only and quantizes them itself, so each
 * kind is handed over as float32 values that quantize back exactly (graphVectors): float16 and
 * bfloat16 values as they are (each is a float32); int8 values divided by 127 (usearch stores
 * round(x * 127)); bits as 0 and 1 (usearch stores x > 0). usearch's i8 serves COSINE only: its
 * L2 and IP over i8 reached recall@10 0.86 where f16 (which holds every int8 value exactly)
 * reaches 1.0 (test/engine/hnsw-kinds.test.ts), so int8 L2 and IP graphs store f16.
 */
function quantization(element: DenseElement, metric: string): ScalarKind {
  switch (element) {
    case 'float32':
      return usearch.ScalarKind.F32;
    case 'float16':
      return usearch.ScalarKind.F16;
    case 'bfloat16':
      return usearch.ScalarKind.BF16;
    case 'int8':
      return metric === 'COSINE' ? usearch.ScalarKind.I8 : usearch.ScalarKind.F16;
    case 'binary':
      return usearch.ScalarKind.B1;
  }
}

/** A set's rows as usearch takes them (see `quantization`), with its dimensions (a binary vector's bits) and row count. */
function graphVectors(set: VectorSet): { values: Float32Array; dim: number; rows: number; element: DenseElement } {
  if (set.element === 'sparse') throw new Error('HNSW graphs hold dense vectors, not sparse ones');
  const rows = rowCount(set);
  let values: Float32Array;
  if (set.element === 'binary') {
    const bytes = set.values as Uint8Array;
    values = new Float32Array(bytes.length * 8);
    for (let i = 0; i < values.length; i++) values[i] = ((bytes[i >> 3] as number) >> (7 - (i & 7))) & 1;
  } else if (set.element === 'int8') {
    values = Float32Array.from(set.values as Int8Array, (v) => v / 127);
  } else {
    values = floatRows(set);
  }
  return { values, dim: set.dim, rows, element: set.element };
}

/** What `save` recorded about a graph file, checked before the file is mapped. */
export interface FileCheck {
  bytes: number;
  crc32: number;
}

const CRC_CHUNK = 8 << 20;

function fileCheck(path: string): FileCheck {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CRC_CHUNK);
    let crc = 0;
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CRC_CHUNK, null);
      if (n <= 0) break;
      crc = crc32(buf.subarray(0, n), crc);
      bytes += n;
    }
    return { bytes, crc32: crc };
  } finally {
    closeSync(fd);
  }
}

function newIndex(element: DenseElement, dim: number, metric: string, M: number, efConstruction: number): Index {
  const kind = METRIC_KIND[metric];
  if (!kind) throw new Error(`HNSW graphs do not score with ${metric}`);
  return new usearch.Index({
    dimensions: dim,
    metric: kind,
    quantization: quantization(element, metric),
    connectivity: M,
    expansion_add: efConstruction,
    expansion_search: 1,
    multi: false,
  });
}

export class HnswGraph {
  private constructor(
    private readonly index: Index,
    /** The segment's raw vectors: exact scans of small allowed sets and rescoring. */
    private readonly data: ExactData,
    private readonly rows: number,
    private readonly M: number,
  ) {}

  /** Builds over every row of `data`, key = row offset, on `threads` native threads. */
  static build(data: ExactData, M: number, efConstruction: number, threads: number): HnswGraph {
    const { values, dim, rows, element } = graphVectors(data.vectors);
    const index = newIndex(element, dim, data.metric, M, efConstruction);
    if (rows > 0) {
      const keys = new BigUint64Array(rows);
      for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
      index.add(keys, values, threads);
    }
    return new HnswGraph(index, data, rows, M);
  }

  /**
   * Memory-maps a saved graph. With `check`, the file is verified first; replicas opened
   * after a verified open skip it. Errors name the file.
   */
  static open(file: string, data: ExactData, M: number, check?: FileCheck): HnswGraph {
    const { dim, rows, element } = graphVectors(data.vectors);
    try {
      if (check) {
        const { size } = statSync(file);
        if (size !== check.bytes) throw new Error(`file is ${size} bytes, expected ${check.bytes} (truncated or replaced)`);
        if (fileCheck(file).crc32 !== check.crc32) throw new Error('checksum mismatch (corrupt file)');
      }
      const index = newIndex(element, dim, data.metric, M, 0);
      index.view(file);
      if (index.size() !== rows) throw new Error(`graph holds ${index.size()} rows, segment has ${rows}`);
      return new HnswGraph(index, data, rows, M);
    } catch (err) {
      throw new Error(`cannot open HNSW index ${file}: ${(err as Error).message}`);
    }
  }

  /**
   * Writes the graph to `file` and returns what a later `open` checks. Written aside and
   * renamed into place: a graph mapped from an earlier `file` keeps its own inode.
   */
  save(file: string): FileCheck {
    this.index.save(`${file}.tmp`);
    renameSync(`${file}.tmp`, file);
    return fileCheck(file);
  }

  /**
   * Top k per query among the allowed rows (all rows when `allowed` is undefined), with
   * `allowedCount` their number. Planned per call: an exact scan when that is cheaper, else
   * the graph with a beam widened by 1/selectivity, widened again for a query that still
   * finds fewer than k allowed hits, and an exact scan once that costs less than widening.
   * With `cancel`, the flag is read before the batch and before each query's own work (its
   * widening and rescoring), so a cancelled search stops within one query; the caller keeps
   * the batch, one native call, small (see indexes.ts). `allowedList`: the allowed rows'
   * offsets, when the caller has listed them already (a search run in turns lists them once).
   */
  search(
    queries: VectorSet,
    nq: number,
    k: number,
    ef: number,
    allowed: Uint8Array | undefined,
    allowedCount: number,
    cancel?: CancelFlag,
    allowedList?: Int32Array,
  ): VectorSearchResult {
    const { rows, data, M } = this;
    const want = Math.min(k, allowedCount);
    const plan = planSearch(rows, allowedCount, k, ef, M);
    // The allowed offsets, listed at most once per request and only if a scan needs them.
    let listed = allowedList;
    const exactRows = () => {
      if (allowed) listed ??= allowedRows(allowed, allowedCount);
      return listed;
    };
    if (plan.exact) return exactSearch(data, queries, nq, k, exactRows(), cancel);

    const { values: floats, dim } = graphVectors(queries);
    const scorer = blockScorer(data, queries, nq);
    stopIfCancelled(cancel);
    const first = this.index.search(floats, plan.beam, 1);
    const batch = first instanceof usearch.BatchMatches ? first : undefined;
    const result: VectorSearchResult = { offsets: [], scores: [] };
    for (let q = 0; q < nq; q++) {
      stopIfCancelled(cancel);
      let matches = batch ? batch.get(q) : (first as Matches);
      let beam = plan.beam;
      let hits = pick(matches.keys, allowed, want);
      while (hits.length < want) {
        beam = Math.min(rows, beam * FETCH_GROWTH);
        if (exactIsCheaper(allowedCount, beam, rows, M)) break;
        matches = this.index.search(floats.subarray(q * dim, (q + 1) * dim), beam, 1);
        hits = pick(matches.keys, allowed, want);
      }
      const hit =
        hits.length < want
          ? onlyQuery(exactSearch(data, sliceRows(queries, q, q + 1), 1, k, exactRows(), cancel))
          : rescore(scorer, data.metric, q, hits);
      result.offsets.push(hit.offsets);
      result.scores.push(hit.scores);
    }
    return result;
  }
}

/** The hits of a one-query search. */
function onlyQuery(result: VectorSearchResult): { offsets: Int32Array; scores: Float32Array } {
  const [offsets] = result.offsets;
  const [scores] = result.scores;
  if (!offsets || !scores) throw new Error('a one-query search answered no query');
  return { offsets, scores };
}

/** The first `want` allowed keys, in the graph's order. */
function pick(keys: BigUint64Array, allowed: Uint8Array | undefined, want: number): Int32Array {
  const out = new Int32Array(want);
  let n = 0;
  for (let i = 0; i < keys.length && n < want; i++) {
    const offset = Number(keys[i]);
    if (allowed?.[offset] !== 0) out[n++] = offset;
  }
  return n === want ? out : out.subarray(0, n);
}
