/**
 * A `mishards up --readers 3` cluster as the cluster benchmark drives it: started by the CLI,
 * loaded and searched through the official Milvus SDK pointed at the coordinator, with the
 * readers' holdings read over the internal data-node API, and the processes' pids (CPU
 * accounting) and data nodes' metrics addresses (engine time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { Etcd3 } from 'etcd3';
import { nodesPrefix, NodeRegistrationSchema } from '../cluster/registry/schema.js';
import { ConsistencyLevelEnum, DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { childPids, roleOf } from '../test/harness/child-processes.js';
import { collectionIdOf, DataNodeClient } from '../test/harness/data-node-client.js';
import { encodeQueryVectors } from '../milvus/placeholder.js';
import { DataNodeService } from '../proto/data-node.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from '../test/harness/mishards-process.js';
import type { Ids } from './node-measure.js';
import { ok } from './bench-support.js';
import { listeningPorts } from './listening-ports.js';

const COLLECTION = 'bench';
const CALL_TIMEOUT_MS = 600_000;
/** Placement and index builds run in the background; past this the cluster is stuck. */
const WAIT_LIMIT_MS = 600_000;

async function until<T>(what: string, check: () => Promise<T | undefined>, pollMs: number): Promise<T> {
  const end = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
    if (Date.now() > end) throw new Error(`timed out after ${WAIT_LIMIT_MS / 1000} s waiting until ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Enough segments that the hash ring gives each of the three reader groups several. */
const SEGMENTS = 12;

/**
 * SEGMENTS - 1 full segments sealed by size, and a smaller last one that Flush seals: were the
 * last insert to reach the threshold, its seal would checkpoint the log concurrently with
 * Flush's, which fails Flush today (two checkpoints share one temporary file, storage/wal.ts).
 */
export function sealRowsFor(rows: number): number {
  return Math.floor(rows / SEGMENTS) + 1;
}

export interface ReaderHolding {
  name: string;
  group: string;
  segments: { id: number; rows: number; indexType: string }[];
}

/** A writer or reader of the cluster as a process. */
export interface DataNodeProcess {
  role: 'writer' | 'reader';
  name: string;
  pid: number;
  metricsAddress: string;
}

export interface HnswParams {
  M: number;
  efConstruction: number;
}

/** The writer and readers registered in etcd, as `up` lists them in its discovery file. */
async function registeredMembers(at: { endpoint: string; prefix: string }): Promise<BenchCluster['members']> {
  const etcd = new Etcd3({ hosts: at.endpoint });
  try {
    const values = Object.values(await etcd.getAll().prefix(nodesPrefix(at.prefix)).strings());
    return values
      .map((v) => NodeRegistrationSchema.parse(JSON.parse(v)))
      .filter((r) => r.role !== 'coordinator')
      .map((r) => ({ role: r.role, name: r.name, ...(r.group ? { group: r.group } : {}), address: r.addresses.grpc }));
  } finally {
    etcd.close();
  }
}

export class BenchCluster {
  private readonly clients: MilvusClient[] = [];
  private writerClient: MilvusClient | undefined;

  private constructor(
    readonly proc: MishardsProcess,
    /** Writer and readers as `up` listed them for the coordinator. */
    readonly members: { role: string; name: string; group?: string; address: string }[],
    /** Every process of the cluster: `up` itself and its children, by role. */
    readonly pids: { role: string; pid: number }[],
  ) {}

  /**
   * `mishards up --readers 3` with the coordinator on free ports, sealing every `sealRows` rows;
   * with `rest`, the coordinator also serves the REST API (`httpAddress`); with `etcd`, every
   * process registers there (and the members are read from there, `up` writing no file).
   */
  static async start(
    dir: string,
    sealRows: number,
    opts: { rest?: boolean; readers?: number; etcd?: { endpoint: string; prefix: string } } = {},
  ): Promise<BenchCluster> {
    const proc = await startMishards([
      'up',
      '--readers',
      String(opts.readers ?? 3),
      ...onFreePorts(dir),
      '--seal-rows',
      String(sealRows),
      ...(opts.rest ? ['--http-port', '0'] : []),
      ...(opts.etcd ? ['--etcd', opts.etcd.endpoint, '--etcd-prefix', opts.etcd.prefix] : []),
    ]);
    try {
      const members = opts.etcd ? await registeredMembers(opts.etcd) : YAML.parse(readFileSync(join(dir, 'cluster.yaml'), 'utf8')).members;
      const children = await childPids(proc.child.pid!);
      const pids = [
        { role: 'up', pid: proc.child.pid! },
        ...(await Promise.all(children.map(async (pid) => ({ role: await roleOf(pid), pid })))),
      ];
      return new BenchCluster(proc, members, pids);
    } catch (e) {
      await proc.kill();
      throw e;
    }
  }

  get coordinatorAddress(): string {
    return this.proc.addresses.grpc!;
  }

  /** The coordinator's REST address, when started with `rest`. */
  get httpAddress(): string {
    const http = this.proc.addresses.http;
    if (!http) throw new Error('the cluster was started without REST');
    return http;
  }

  get metricsAddress(): string {
    return this.proc.addresses.metrics!;
  }

  get writerAddress(): string {
    return this.members.find((m) => m.role === 'writer')!.address;
  }

  pidsOf(role: string): number[] {
    return this.pids.filter((p) => p.role === role).map((p) => p.pid);
  }

  /**
   * The writer and the readers with their pids and metrics addresses. `up` reports only the
   * coordinator's addresses: each member is the child listening on its gRPC port, and its
   * metrics port is the other port that child listens on.
   */
  async dataNodes(): Promise<DataNodeProcess[]> {
    const children = await Promise.all(
      this.pids
        .filter((p) => p.role === 'writer' || p.role === 'reader')
        .map(async (p) => ({ pid: p.pid, ports: await listeningPorts(p.pid) })),
    );
    return this.members.map((m) => {
      const host = m.address.slice(0, m.address.lastIndexOf(':'));
      const grpcPort = Number(m.address.slice(host.length + 1));
      const child = children.find((c) => c.ports.includes(grpcPort));
      if (!child) throw new Error(`no process of the cluster listens on ${m.name}'s address ${m.address}`);
      const others = child.ports.filter((port) => port !== grpcPort);
      if (others.length !== 1)
        throw new Error(`${m.name} (pid ${child.pid}) listens on ${others.length} ports besides gRPC, expected 1 (metrics)`);
      return { role: m.role as DataNodeProcess['role'], name: m.name, pid: child.pid, metricsAddress: `${host}:${others[0]}` };
    });
  }

  /**
   * Bytes on the wire of a sub-request for `query` to one reader (its segments, top 10, every
   * output field: what the coordinator sends for an SDK search with default output fields) and
   * of the reader's partial answer.
   */
  async partialBytes(query: Float32Array): Promise<{ request: number; answer: number }> {
    const holding = (await this.holdings()).find((h) => h.segments.length > 0);
    if (!holding) throw new Error('no reader holds a segment');
    const request = {
      collection_id: await collectionIdOf(await this.client(), COLLECTION),
      segment_ids: holding.segments.map((s) => String(s.id)),
      placeholder_group: encodeQueryVectors([query]),
      topk: '10',
      metric_type: 'L2',
      params_json: '{}',
      output_fields: ['*'],
    };
    const c = new DataNodeClient(this.members.find((m) => m.name === holding.name)!.address);
    try {
      const answer = await c.call('SearchSegments', request);
      if (answer.status.code !== 0) throw new Error(`SearchSegments on ${holding.name} failed: ${answer.status.reason}`);
      const method = DataNodeService.service.SearchSegments;
      return { request: method.requestSerialize(request).length, answer: method.responseSerialize(answer).length };
    } finally {
      c.close();
    }
  }

  /** The i-th SDK client of the coordinator (each has its own gRPC channel), created on first use. */
  async client(i = 0): Promise<MilvusClient> {
    while (this.clients.length <= i) {
      this.clients.push(await connectSdk(this.coordinatorAddress, CALL_TIMEOUT_MS));
    }
    return this.clients[i]!;
  }

  /** The cluster's writer searched directly (it holds every segment it sealed), bypassing the coordinator. */
  async writer(): Promise<MilvusClient> {
    this.writerClient ??= await connectSdk(this.writerAddress, CALL_TIMEOUT_MS);
    return this.writerClient;
  }

  /** Collection, L2 HNSW index and load, through the coordinator (relayed to the writer), before any insert. */
  async createCollection(dim: number, hnsw: HnswParams): Promise<void> {
    const c = await this.client();
    ok(
      'CreateCollection',
      await c.createCollection({
        collection_name: COLLECTION,
        fields: [
          { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
          { name: 'vector', data_type: DataType.FloatVector, dim },
        ],
      }),
    );
    ok(
      'CreateIndex',
      await c.createIndex({
        collection_name: COLLECTION,
        field_name: 'vector',
        index_type: 'HNSW',
        metric_type: 'L2',
        params: { ...hnsw },
      }),
    );
    ok('LoadCollection', await c.loadCollection({ collection_name: COLLECTION }));
  }

  /**
   * One Insert of exactly `sealRows` rows per segment, one at a time, so that each fills the
   * growing segment to the seal threshold and seals it (a larger or concurrent insert would
   * overshoot and make uneven segments). Row i gets primary key i. Returns milliseconds.
   */
  async insertSegments(vectors: Float32Array, dim: number, sealRows: number): Promise<number> {
    const rows = vectors.length / dim;
    const c = await this.client();
    const t = performance.now();
    for (let start = 0; start < rows; start += sealRows) {
      const end = Math.min(rows, start + sealRows);
      const data = [];
      for (let i = start; i < end; i++) data.push({ id: i, vector: Array.from(vectors.subarray(i * dim, (i + 1) * dim)) });
      const reply = ok('Insert', await c.insert({ collection_name: COLLECTION, data }));
      if (Number(reply.insert_cnt) !== end - start) throw new Error(`Insert acknowledged ${reply.insert_cnt} of ${end - start} rows`);
    }
    return performance.now() - t;
  }

  /** Flush (seals the remainder), then DescribeIndex until every row is indexed. Returns milliseconds to each. */
  async flushAndWaitIndexed(rows: number): Promise<{ flushMs: number; indexedMs: number }> {
    const c = await this.client();
    const t = performance.now();
    ok('Flush', await c.flush({ collection_names: [COLLECTION] }));
    const flushMs = performance.now() - t;
    await until(
      'every row is indexed',
      async () => {
        const d = ok('DescribeIndex', await c.describeIndex({ collection_name: COLLECTION })).index_descriptions[0]!;
        return Number(d.indexed_rows) === rows && Number(d.total_rows) === rows ? true : undefined;
      },
      100,
    );
    return { flushMs, indexedMs: performance.now() - t };
  }

  /** What each reader has loaded of the collection. */
  async holdings(): Promise<ReaderHolding[]> {
    const id = await collectionIdOf(await this.client(), COLLECTION);
    return Promise.all(
      this.members
        .filter((m) => m.role === 'reader')
        .map(async (m) => {
          const c = new DataNodeClient(m.address);
          try {
            const res = await c.call('ListSegments', {});
            const segments = res.segments
              .filter((s: { collection_id: string }) => s.collection_id === id)
              .map((s: { segment_id: string; rows: string; index_type: string }) => ({
                id: Number(s.segment_id),
                rows: Number(s.rows),
                indexType: s.index_type,
              }));
            return { name: m.name, group: m.group ?? '', segments };
          } finally {
            c.close();
          }
        }),
    );
  }

  /** Waits until the readers together hold sealed segments covering all `rows` rows. */
  async waitPlaced(rows: number): Promise<{ holdings: ReaderHolding[]; ms: number }> {
    const t = performance.now();
    const holdings = await until(
      'the readers hold every sealed segment',
      async () => {
        const h = await this.holdings();
        const distinct = new Map(h.flatMap((r) => r.segments.map((s) => [s.id, s.rows] as const)));
        return [...distinct.values()].reduce((a, b) => a + b, 0) === rows ? h : undefined;
      },
      50,
    );
    return { holdings, ms: performance.now() - t };
  }

  /**
   * ManualCompaction through the coordinator (relayed to the writer), then GetCompactionState
   * until Completed, then the readers polled until they hold exactly the segments in service
   * (the new ones loaded, each with its HNSW index, the old ones released). Returns the number
   * of segments in service and milliseconds to each step.
   */
  async compactAndWaitPlaced(): Promise<{ segments: number; compactMs: number; placedMs: number }> {
    const c = await this.client();
    const t = performance.now();
    const started = ok('ManualCompaction', await c.compact({ collection_name: COLLECTION }));
    if (started.compactionPlanCount === 0) throw new Error('ManualCompaction planned nothing: the segments are at the target size already');
    await until(
      'the compaction completed',
      async () => {
        const state = ok('GetCompactionState', await c.getCompactionState({ compactionID: started.compactionID }));
        if (String(state.state) !== 'Completed') return undefined;
        if (Number(state.failedPlanNo) > 0) throw new Error(`${state.failedPlanNo} compaction plans failed`);
        return true;
      },
      100,
    );
    const compactMs = performance.now() - t;
    const inService = new Set(
      ok('GetPersistentSegmentInfo', await c.getPersistentSegmentInfo({ collectionName: COLLECTION })).infos.map((s) =>
        Number(s.segmentID),
      ),
    );
    await until(
      'the readers hold exactly the segments in service',
      async () => {
        const held = (await this.holdings()).flatMap((h) => h.segments);
        const ids = new Set(held.map((s) => s.id));
        const exact = ids.size === inService.size && [...ids].every((id) => inService.has(id));
        return exact && held.every((s) => s.indexType === 'HNSW') ? true : undefined;
      },
      100,
    );
    return { segments: inService.size, compactMs, placedMs: performance.now() - t - compactMs };
  }

  /**
   * Top 10 of one query through the coordinator, at the server's default search params.
   * `eventually` overrides the collection's level (the SDK's default, Bounded) with Eventually,
   * which lets the coordinator leave the writer out.
   */
  async search(client: number, query: Float32Array, eventually = false): Promise<Ids> {
    const c = await this.client(client);
    const reply = ok(
      'Search',
      await c.search({
        collection_name: COLLECTION,
        data: Array.from(query),
        limit: 10,
        ...(eventually ? { consistency_level: ConsistencyLevelEnum.Eventually } : {}),
      }),
    );
    return reply.results.map((r: { id: string | number }) => Number(r.id));
  }

  /** Top 10 of one query from the cluster's writer, not through the coordinator. */
  async searchWriter(query: Float32Array): Promise<Ids> {
    const c = await this.writer();
    const reply = ok('Search', await c.search({ collection_name: COLLECTION, data: Array.from(query), limit: 10 }));
    return reply.results.map((r: { id: string | number }) => Number(r.id));
  }

  /**
   * Closes the SDK clients and stops the cluster (SIGTERM to `up`, which stops its children);
   * if it hangs, SIGKILL to `up` and to each of its children by pid.
   */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.clients, ...(this.writerClient ? [this.writerClient] : [])].map((c) => c.closeConnection()));
    const exited = this.proc.stop();
    const timer = setTimeout(() => {
      void this.proc.kill();
      for (const { role, pid } of this.pids) {
        if (role === 'up') continue;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }, 30_000);
    await exited;
    clearTimeout(timer);
  }
}
