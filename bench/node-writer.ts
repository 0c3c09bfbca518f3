/**
 * The writable node as a client sees it: `mishards writer` started by the CLI and driven
 * through the official Milvus SDK (insert, flush, index progress, search).
 */
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../test/harness/mishards-process.js';
import { ownCpuUs, serverCpuUs, type Ids } from './node-measure.js';
import { ok } from './bench-support.js';

const COLLECTION = 'bench';
const CALL_TIMEOUT_MS = 600_000;

export interface WriterSetup {
  dir: string;
  rows: number;
  dim: number;
  /** Seal threshold: the bench uses the row count, so the data ends in one sealed segment. */
  sealRows: number;
  hnsw: { M: number; efConstruction: number };
}

export class BenchWriter {
  private readonly clients: MilvusClient[] = [];

  private constructor(
    readonly proc: MishardsProcess,
    private readonly setup: WriterSetup,
  ) {}

  static async start(setup: WriterSetup): Promise<BenchWriter> {
    const proc = await startMishards(['writer', ...onFreePorts(setup.dir), '--seal-rows', String(setup.sealRows)]);
    return new BenchWriter(proc, setup);
  }

  get pid(): number {
    return this.proc.child.pid!;
  }

  /** The i-th SDK client (each has its own gRPC channel), created on first use. */
  async client(i = 0): Promise<MilvusClient> {
    while (this.clients.length <= i) {
      this.clients.push(await connectSdk(this.proc.addresses.grpc!, CALL_TIMEOUT_MS));
    }
    return this.clients[i]!;
  }

  /** Creates the collection with an L2 HNSW index and loads it, before any insert. */
  async createCollection(): Promise<void> {
    const c = await this.client();
    ok(
      'CreateCollection',
      await c.createCollection({
        collection_name: COLLECTION,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'vector', data_type: DataType.FloatVector, dim: this.setup.dim },
        ],
      }),
    );
    await this.createIndex('HNSW', { M: this.setup.hnsw.M, efConstruction: this.setup.hnsw.efConstruction });
    ok('LoadCollection', await c.loadCollection({ collection_name: COLLECTION }));
  }

  private async createIndex(indexType: 'HNSW' | 'FLAT', params: Record<string, number>): Promise<void> {
    const c = await this.client();
    ok(
      'CreateIndex',
      await c.createIndex({ collection_name: COLLECTION, field_name: 'vector', index_type: indexType, metric_type: 'L2', params }),
    );
  }

  /**
   * Inserts every row in batches of `batch` rows, with `inFlight` batches outstanding at
   * any time. Row i gets primary key i. Building the SDK's row objects is part of the
   * timed work: a client has to do it too. Returns the elapsed milliseconds and the CPU
   * time spent by this process (the SDK) and by the writer.
   */
  async insertAll(
    vectors: Float32Array,
    batch: number,
    inFlight: number,
  ): Promise<{ ms: number; clientCpuUs: number; writerCpuUs: number }> {
    const { rows, dim } = this.setup;
    const c = await this.client();
    let next = 0;
    const loop = async () => {
      while (next < rows) {
        const start = next;
        const end = Math.min(rows, start + batch);
        next = end;
        const data = [];
        for (let i = start; i < end; i++) data.push({ id: i, vector: Array.from(vectors.subarray(i * dim, (i + 1) * dim)) });
        const reply = ok('Insert', await c.insert({ collection_name: COLLECTION, data }));
        if (Number(reply.insert_cnt) !== end - start) throw new Error(`Insert acknowledged ${reply.insert_cnt} of ${end - start} rows`);
      }
    };
    const client0 = ownCpuUs();
    const writer0 = serverCpuUs([this.pid]);
    const t = performance.now();
    await Promise.all(Array.from({ length: inFlight }, loop));
    return { ms: performance.now() - t, clientCpuUs: ownCpuUs() - client0, writerCpuUs: serverCpuUs([this.pid]) - writer0 };
  }

  /**
   * Flush, then poll DescribeIndex until every row is in an indexed sealed segment.
   * Returns the milliseconds to the Flush answer and to full indexing.
   */
  async flushAndWaitIndexed(pollMs = 100): Promise<{ flushMs: number; indexedMs: number }> {
    const c = await this.client();
    const t = performance.now();
    ok('Flush', await c.flush({ collection_names: [COLLECTION] }));
    const flushMs = performance.now() - t;
    await this.waitIndexed(pollMs);
    return { flushMs, indexedMs: performance.now() - t };
  }

  private async waitIndexed(pollMs: number): Promise<void> {
    const c = await this.client();
    for (;;) {
      const d = ok('DescribeIndex', await c.describeIndex({ collection_name: COLLECTION })).index_descriptions[0]!;
      if (Number(d.indexed_rows) === this.setup.rows && Number(d.total_rows) === this.setup.rows) return;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /** Replaces the HNSW index with FLAT (release, drop, create, wait, load), as a Milvus user would. */
  async switchToFlat(): Promise<void> {
    const c = await this.client();
    ok('ReleaseCollection', await c.releaseCollection({ collection_name: COLLECTION }));
    ok('DropIndex', await c.dropIndex({ collection_name: COLLECTION, field_name: 'vector' }));
    await this.createIndex('FLAT', {});
    await this.waitIndexed(50);
    ok('LoadCollection', await c.loadCollection({ collection_name: COLLECTION }));
  }

  /** Top 10 of one query through the SDK; `ef` undefined means the server's default. */
  async search(client: number, query: Float32Array, ef: number | undefined): Promise<Ids> {
    const c = await this.client(client);
    const reply = ok(
      'Search',
      await c.search({
        collection_name: COLLECTION,
        data: Array.from(query),
        limit: 10,
        ...(ef === undefined ? {} : { params: { ef } }),
      }),
    );
    return reply.results.map((r: { id: string | number }) => Number(r.id));
  }

  /** Closes the SDK clients and stops the writer (SIGTERM; SIGKILL if it hangs). */
  async stop(): Promise<void> {
    await Promise.allSettled(this.clients.map((c) => c.closeConnection()));
    const exited = this.proc.stop();
    const timer = setTimeout(() => void this.proc.kill(), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
