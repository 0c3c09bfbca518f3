/**
 * LanceDB embedded (`@lancedb/lancedb`) as a peer: the same vectors in a local table with
 * an IVF_HNSW_SQ index (one partition, so one HNSW graph like the Mishards segment, with the
 * same M and efConstruction), searched in this process one query at a time.
 */
import { createRequire } from 'node:module';
import * as lancedb from '@lancedb/lancedb';
import type { Table as ArrowTable } from 'apache-arrow';
import type { Ids } from './node-measure.js';

// apache-arrow is @lancedb/lancedb's peer dependency (installed with it, pinned in the
// lockfile); building the table from typed arrays avoids a JS object per row. LanceDB
// requires arrow's CommonJS build and checks `instanceof` against it, so the table must
// come from that same build, not from the ESM one an `import` would load.
const arrow = createRequire(import.meta.url)('apache-arrow') as typeof import('apache-arrow');
const { Field, FixedSizeList, Float32, Int32, makeData, RecordBatch, Schema, Struct, Table } = arrow;

// Index statistics (read once below to check coverage) warn on stderr unless this says
// whether they include the IVF centroids; they are not needed.
process.env.LANCE_INCLUDE_VECTOR_CENTROIDS ??= 'false';

const K = 10;
const CHUNK_ROWS = 65_536;

/** Columns `id` (row number) and `vector`, viewing `vectors` without copying per row. */
function arrowTable(vectors: Float32Array, dim: number): ArrowTable {
  const rows = vectors.length / dim;
  const listType = new FixedSizeList(dim, new Field('item', new Float32(), true));
  const fields = [new Field('id', new Int32(), false), new Field('vector', listType, false)];
  const schema = new Schema(fields);
  const batches: InstanceType<typeof RecordBatch>[] = [];
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, rows - start);
    const ids = makeData({ type: new Int32(), length: n, data: Int32Array.from({ length: n }, (_, i) => start + i) });
    const values = makeData({ type: new Float32(), length: n * dim, data: vectors.subarray(start * dim, (start + n) * dim) });
    const vectorCol = makeData({ type: listType, length: n, child: values });
    batches.push(new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, children: [ids, vectorCol] })));
  }
  return new Table(schema, batches);
}

export interface LanceParams {
  ef: number;
  /**
   * Re-rank refineFactor x 10 candidates on the full-precision vectors; undefined ranks by
   * the 8-bit (SQ) distances only.
   */
  refineFactor?: number;
}

export class LanceBench {
  private constructor(
    private readonly db: lancedb.Connection,
    private readonly table: lancedb.Table,
  ) {}

  /**
   * Writes the table under `dir` and builds its index; returns the bench and the
   * milliseconds spent writing and indexing.
   */
  static async create(
    dir: string,
    vectors: Float32Array,
    dim: number,
    hnsw: { M: number; efConstruction: number },
  ): Promise<{ bench: LanceBench; writeMs: number; indexMs: number }> {
    const db = await lancedb.connect(dir);
    let t = performance.now();
    const table = await db.createTable('bench', arrowTable(vectors, dim));
    const writeMs = performance.now() - t;
    t = performance.now();
    await table.createIndex('vector', {
      config: lancedb.Index.hnswSq({ distanceType: 'l2', numPartitions: 1, m: hnsw.M, efConstruction: hnsw.efConstruction }),
    });
    const indexMs = performance.now() - t;
    // fastSearch (below) skips unindexed rows, so every row must be in the index.
    const [index] = await table.listIndices();
    const stats = index && (await table.indexStats(index.name));
    if (stats?.numUnindexedRows !== 0) throw new Error(`LanceDB index does not cover the table: ${JSON.stringify(stats)}`);
    return { bench: new LanceBench(db, table), writeMs, indexMs };
  }

  /**
   * Top 10 of one query. `fastSearch` skips the scan for unindexed rows (there are none)
   * and only the id and distance are fetched: the cheapest query LanceDB offers here.
   */
  async search(query: Float32Array, p: LanceParams): Promise<Ids> {
    let q = this.table.vectorSearch(query).distanceType('l2').limit(K).ef(p.ef).select(['id', '_distance']).fastSearch();
    if (p.refineFactor) q = q.refineFactor(p.refineFactor);
    const result = await q.toArrow();
    return result.getChild('id')!.toArray() as Int32Array;
  }

  close(): void {
    this.table.close();
    this.db.close();
  }
}
