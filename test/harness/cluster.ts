import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject } from 'vitest';
import YAML from 'yaml';
import { DataType, type MilvusClient } from '@zilliz/milvus2-sdk-node';
import { collectionIdOf, DataNodeClient } from './data-node-client.js';
import { nearTie, rank, score } from './reference.js';
import { connectSdk, startMishards, type MishardsProcess } from './mishards-process.js';
import { waitUntil } from './wait.js';

/**
 * A cluster assembled process by process (writer, readers, coordinator watching a discovery
 * file), for tests that change membership or kill nodes.
 */
export interface ReaderSpec {
  name: string;
  group: string;
  /** Reuse a port, to restart a reader where it was. */
  port?: number;
}

export class TestCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'mishards-cluster-'));
  readonly discoveryFile = join(this.dir, 'cluster.yaml');
  writer!: MishardsProcess;
  coordinator!: MishardsProcess;
  readonly readers = new Map<string, { spec: ReaderSpec; process: MishardsProcess }>();
  /** Readers listed in the discovery file. */
  private listed = new Set<string>();
  client!: MilvusClient;

  private get shared(): string[] {
    return ['--meta', `sqlite:${join(this.dir, 'meta.sqlite')}`, '--storage', join(this.dir, 'storage')];
  }

  /** How the writer was started, to restart it alike. */
  private writerArgs: string[] = [];

  /** `writerArgs`: more options of the writer (compaction's, say). */
  async start(readers: ReaderSpec[], sealRows: number, writerArgs: string[] = []): Promise<void> {
    this.writerArgs = [...this.shared, '--metrics-port', '0', '--seal-rows', String(sealRows), ...this.election, ...writerArgs];
    this.writer = await this.startWriter('0', 'writer');
    if (this.election.length) {
      await this.until('the writer leads', () => leads(this.writer));
      this.standby = await this.startWriter('0', 'writer-standby');
    }
    for (const r of readers) await this.startReader(r);
    this.writeDiscovery();
    this.coordinator = await this.startCoordinator(0);
    this.client = await connectSdk(this.coordinator.addresses.grpc!);
  }

  /** The coordinator serves REST too, on a port of its own (`coordinator.addresses.http`). */
  private startCoordinator(port: number): Promise<MishardsProcess> {
    return startMishards([
      'coordinator',
      '--port',
      String(port),
      '--metrics-port',
      '0',
      '--http-port',
      '0',
      // With a standby the coordinator follows the election's leader; the membership stays the file's.
      ...(this.election.length ? this.election : ['--writer', this.writer.addresses.grpc!]),
      '--discovery',
      this.discoveryFile,
    ]);
  }

  private startWriter(port: string, dataDir: string): Promise<MishardsProcess> {
    return startMishards(['writer', '--port', port, '--data-dir', join(this.dir, dataDir), ...this.writerArgs]);
  }

  /**
   * Stops the writer and starts it again on its port, over the same data: what it replays is
   * what it kept. The coordinator and readers reconnect by themselves. With a standby, the
   * standby takes over meanwhile, then is restarted itself so that the writer leads again.
   */
  async restartWriter(): Promise<void> {
    const port = this.writer.addresses.grpc!.split(':').pop()!;
    expect(await this.writer.stop()).toBe(0);
    this.writer = await this.startWriter(port, 'writer');
    if (!this.standby) return;
    await this.until('the standby leads', () => leads(this.standby!));
    expect(await this.standby.stop()).toBe(0);
    await this.until('the writer leads again', () => leads(this.writer));
    this.standby = await this.startWriter('0', 'writer-standby');
  }

  /**
   * With MISHARDS_TEST_STANDBY_WRITER=1 every cluster runs a standby writer beside its writer
   * (docs/writer-ha.md), campaigning in the harness's etcd under a prefix of its own: the
   * suites must pass unchanged with one present.
   */
  private readonly election =
    process.env.MISHARDS_TEST_STANDBY_WRITER === '1'
      ? [
          '--etcd',
          inject('etcd').endpoint,
          '--etcd-prefix',
          `/test-cluster-${randomBytes(4).toString('hex')}`,
          '--lease-ttl',
          '2',
          '--wal-dir',
          join(this.dir, 'wal'),
        ]
      : [];
  standby: MishardsProcess | undefined;

  /** Starts a new coordinator on the gRPC port of the last one (which must be gone): `client` reconnects to it. */
  async restartCoordinator(): Promise<void> {
    this.coordinator = await this.startCoordinator(Number(this.coordinator.addresses.grpc!.split(':')[1]));
  }

  async startReader(spec: ReaderSpec): Promise<MishardsProcess> {
    const p = await startMishards([
      'reader',
      ...this.shared,
      '--port',
      String(spec.port ?? 0),
      '--metrics-port',
      '0',
      '--group',
      spec.group,
      '--data-dir',
      join(this.dir, spec.name),
    ]);
    this.readers.set(spec.name, { spec, process: p });
    this.listed.add(spec.name);
    return p;
  }

  /** Lists exactly these readers in the discovery file (the coordinator reloads it). */
  setListed(names: string[]): void {
    this.listed = new Set(names);
    this.writeDiscovery();
  }

  private writeDiscovery(): void {
    const members = [
      { role: 'writer', name: 'writer', address: this.writer.addresses.grpc },
      ...[...this.readers.entries()]
        .filter(([n]) => this.listed.has(n))
        .map(([name, r]) => ({ role: 'reader', name, group: r.spec.group, address: r.process.addresses.grpc })),
    ];
    // Rename so the watcher never reads a half-written file.
    writeFileSync(`${this.discoveryFile}.tmp`, YAML.stringify({ members }));
    renameSync(`${this.discoveryFile}.tmp`, this.discoveryFile);
  }

  /** Segment ids each named reader holds for `collection` (of `database`). */
  async holdings(collection: string, database = 'default'): Promise<Map<string, number[]>> {
    const id = await collectionIdOf(this.client, collection, database);
    const out = new Map<string, number[]>();
    for (const [name, r] of this.readers) {
      if (r.process.child.exitCode !== null || r.process.child.signalCode !== null) continue;
      const c = new DataNodeClient(r.process.addresses.grpc!);
      try {
        const res = await c.call('ListSegments', {});
        out.set(
          name,
          res.segments.filter((s: any) => s.collection_id === id).map((s: any) => Number(s.segment_id)),
        );
      } finally {
        c.close();
      }
    }
    return out;
  }

  /** Polls `check` until it holds (placement works in the background). */
  until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    return waitUntil(what, check, timeoutMs);
  }

  /**
   * A FLAT L2 collection with `segments` sealed segments of `perSegment` rows, row `id`'s
   * vector given by `vector`, made through `client` (in its database); returns its vectors by id.
   */
  async seed(
    name: string,
    dim: number,
    segments: number,
    perSegment: number,
    vector = seedVector,
    client = this.client,
  ): Promise<Map<number, number[]>> {
    await client.createCollection({
      collection_name: name,
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim },
      ],
    });
    await client.createIndex({ collection_name: name, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.loadCollectionSync({ collection_name: name });
    const rows = new Map<number, number[]>();
    for (let s = 0; s < segments; s++) {
      const batch = Array.from({ length: perSegment }, (_, i) => {
        const id = s * perSegment + i;
        return { id, v: vector(id, dim) };
      });
      await client.insert({ collection_name: name, data: batch });
      for (const r of batch) rows.set(r.id, r.v);
    }
    await client.flushSync({ collection_names: [name] });
    return rows;
  }

  async stop(): Promise<void> {
    await this.client?.closeConnection();
    await this.coordinator?.stop();
    for (const r of this.readers.values()) await r.process.kill();
    await this.standby?.stop();
    await this.writer?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether a writer serves writes as the election's leader (its metric says so). */
async function leads(writer: MishardsProcess): Promise<boolean> {
  const res = await fetch(`http://${writer.addresses.metrics}/metrics`).catch(() => undefined);
  return /^mishards_writer_leader(\{[^}]*\})? 1$/m.test((await res?.text()) ?? '');
}

/** The vectors TestCluster.seed writes unless told otherwise. */
export const seedVector = (id: number, dim: number): number[] => Array.from({ length: dim }, (_, j) => Math.sin(id * 0.7 + j * 1.3));

/**
 * The exact L2 top k of `rows` for `q`, ids best first, aligned with an answer `got`: where
 * got's id at a position scores a near-tie of the exact row there (reference.ts `nearTie`),
 * got's id stands, since the nodes may rank near-tied rows either way.
 */
export function exactTopK(rows: Map<number, number[]>, q: number[], k: number, got: readonly number[] = []): number[] {
  const exact = rank(rows, q, 'L2').slice(0, k);
  const used = new Set<number>();
  return exact.map((w, j) => {
    const g = got[j];
    const v = g === undefined || used.has(g) ? undefined : rows.get(g);
    // Else the best exact row not placed yet (one an earlier near-tie displaced, or this one).
    const id = v !== undefined && nearTie(score.L2(q, v), w.s) ? g! : exact.find((e) => !used.has(e.id))!.id;
    used.add(id);
    return id;
  });
}

/** Asserts that `got` (ids, best first) is the exact L2 top k of `rows` for `q`, near-ties in either order. */
export function expectExactTopK(got: number[], rows: Map<number, number[]>, q: number[], k: number): void {
  expect(got).toEqual(exactTopK(rows, q, k, got));
}

/**
 * Searches without pause from `workers` concurrent loops, each answer checked against brute
 * force (top 10, L2) over one of `datasets` (it must equal the answer over exactly one of
 * them), until stopped: what a cluster must keep answering exactly while its layout changes
 * under it, or while the name searched moves from one collection to another.
 */
export class CheckedSearches {
  /** Searches answered so far. */
  searches = 0;
  /** Searches answered per dataset (by its index in `datasets`). */
  readonly answeredBy: number[];
  /** Each failed or inexact answer, described. */
  readonly failures: string[] = [];
  private stopped = false;
  private readonly loops: Promise<void>[];

  constructor(client: MilvusClient, collection: string, queries: number[][], datasets: Map<number, number[]>[], workers = 3) {
    this.answeredBy = datasets.map(() => 0);
    this.loops = Array.from({ length: workers }, async (_, w) => {
      for (let i = w; !this.stopped; i += workers) {
        const q = queries[i % queries.length]!;
        const res = await client.search({ collection_name: collection, data: [q], limit: 10 });
        if (res.status.error_code !== 'Success') this.failures.push(res.status.reason);
        else {
          const ids = res.results.map((r: { id: string | number }) => Number(r.id));
          const got = JSON.stringify(ids);
          const wanted = datasets.map((rows) => JSON.stringify(exactTopK(rows, q, 10, ids)));
          const matches = wanted.flatMap((want, d) => (want === got ? [d] : []));
          if (matches.length === 1) this.answeredBy[matches[0]!]!++;
          else
            this.failures.push(
              `query ${i % queries.length}: got ${got}, matching ${matches.length} of the datasets (${wanted.join(' | ')})`,
            );
        }
        this.searches++;
      }
    });
  }

  /** Stops the loops once their searches in flight are answered. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.loops);
  }
}
