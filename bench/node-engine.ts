/**
 * Engine-level search: the writer's sealed segment loaded into this process the way a
 * read-only node loads it (segment files read, HNSW graph memory-mapped after its checksum
 * is verified), then searched at three depths: the graph on the calling thread, the
 * engine's VectorIndex (one worker thread), and the segment layer above it.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataType, type CollectionSchema } from '../core/schema.js';
import type { VectorEngine, VectorIndex } from '../engine/engine.js';
import { HnswGraph } from '../engine/hnsw.js';
import { GRAPH_FILE } from '../engine/index-files.js';
import { createEngine, floatSet } from '../engine/index.js';
import { searchSegments } from '../search/segment-search.js';
import { SealedSegment } from '../segment/sealed.js';
import { indexDir } from '../storage/segment-files.js';
import { fieldSchema } from '../test/harness/schemas.js';
import type { Ids } from './node-measure.js';

const K = 10;

/** The bench collection's schema as the segment loader needs it (field names and types). */
function schemaOf(dim: number): CollectionSchema {
  return {
    name: 'bench',
    description: '',
    enableDynamicField: false,
    fields: [fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }), fieldSchema(101, 'vector', DataType.FloatVector, { dim })],
  };
}

const numeric = async (dir: string) => (await readdir(dir)).filter((n) => /^\d+$/.test(n));

/** The one sealed segment under `<storage>/<collection>/<partition>/<segment>`. */
async function findSegment(storage: string): Promise<{ rel: string; id: number }> {
  const found: string[] = [];
  for (const c of await numeric(storage)) {
    for (const p of await numeric(join(storage, c))) {
      for (const s of await numeric(join(storage, c, p))) found.push(`${c}/${p}/${s}`);
    }
  }
  if (found.length !== 1) throw new Error(`expected one sealed segment in ${storage}, found ${found.length}: ${found.join(', ')}`);
  return { rel: found[0]!, id: Number(found[0]!.split('/')[2]) };
}

export class EngineBench {
  private flat: VectorIndex | undefined;
  private readonly ivfs = new Map<string, VectorIndex>();
  private graph: HnswGraph | undefined;

  private constructor(
    private readonly engine: VectorEngine,
    private readonly segment: SealedSegment,
    private readonly storage: string,
    private readonly dim: number,
    /** HNSW degree the writer built with: usearch needs it to map the graph file. */
    private readonly M: number,
    /** Segment row offset -> the benchmark's row id (the primary key). */
    private readonly rowToId: Int32Array,
  ) {}

  /** Loads the writer's sealed segment with a one-thread engine. */
  static async open(storage: string, dim: number, M: number): Promise<EngineBench> {
    const engine = createEngine({ threads: 1 });
    try {
      const { rel, id } = await findSegment(storage);
      const segment = await SealedSegment.load(storage, rel, id, schemaOf(dim), engine);
      if (segment.index()?.indexType !== 'HNSW') throw new Error(`segment ${id} has no HNSW index`);
      const rowToId = new Int32Array(segment.length);
      for (let r = 0; r < segment.length; r++) rowToId[r] = Number(segment.pk(r));
      return new EngineBench(engine, segment, storage, dim, M, rowToId);
    } catch (e) {
      await engine.close();
      throw e;
    }
  }

  get rows(): number {
    return this.segment.length;
  }

  private ids(offsets: Int32Array): Ids {
    return Array.from(offsets, (o) => this.rowToId[o]!);
  }

  /** VectorIndex.search on the segment's HNSW index (the work runs on the engine's worker). */
  async index(query: Float32Array, ef: number): Promise<Ids> {
    const r = await this.segment.index()!.search({ queries: floatSet(query, this.dim), nq: 1, k: K, params: { ef } });
    return this.ids(r.offsets[0]!);
  }

  /** The same graph file mapped on this thread and searched directly: no worker hop. */
  direct(query: Float32Array, ef: number): Ids {
    this.graph ??= HnswGraph.open(
      join(indexDir(this.storage, this.segment.path), GRAPH_FILE),
      { vectors: this.segment.vectorSet(), metric: 'L2' },
      this.M,
    );
    return this.ids(this.graph.search(floatSet(query, this.dim), 1, K, ef, undefined, this.rows).offsets[0]!);
  }

  /** search/segment-search.ts over the segment: live-row mask, index, hits with keys. */
  async segmentLayer(query: Float32Array, ef: number): Promise<Ids> {
    const { perQuery } = await searchSegments(
      [this.segment],
      { queries: floatSet(query, this.dim), nq: 1, k: K, metric: 'L2', params: { ef }, filter: undefined },
      this.engine,
    );
    return perQuery[0]!.map((h) => Number(h.pk));
  }

  /** An IVF index of `type` built over the segment's vectors (once per type), with its build time. */
  async buildIvf(type: 'IVF_FLAT' | 'IVF_SQ8', nlist: number): Promise<number> {
    const started = performance.now();
    await this.ivfs.get(type)?.close();
    this.ivfs.set(type, await this.engine.build(this.segment.vectorSet(), 'L2', type, { nlist }));
    return performance.now() - started;
  }

  /** VectorIndex.search on an IVF index built by buildIvf, probing `nprobe` lists. */
  async ivf(type: 'IVF_FLAT' | 'IVF_SQ8', query: Float32Array, nprobe: number): Promise<Ids> {
    const index = this.ivfs.get(type);
    if (!index) throw new Error(`no ${type} index built`);
    const r = await index.search({ queries: floatSet(query, this.dim), nq: 1, k: K, params: { nprobe } });
    return this.ids(r.offsets[0]!);
  }

  /** Exact search through the engine's FLAT index over the same vectors. */
  async exact(query: Float32Array): Promise<Ids> {
    this.flat ??= await this.engine.build(this.segment.vectorSet(), 'L2', 'FLAT');
    const r = await this.flat.search({ queries: floatSet(query, this.dim), nq: 1, k: K });
    return this.ids(r.offsets[0]!);
  }

  async close(): Promise<void> {
    await this.flat?.close();
    for (const index of this.ivfs.values()) await index.close();
    await this.segment.release();
    await this.engine.close();
  }
}
