import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { electionPrefix } from '../../cluster/writer-leader.js';
import { expectExactTopK, seedVector } from '../harness/cluster.js';
import { createTestDatabase } from '../harness/databases.js';
import { startRestartableEtcd, type RestartableEtcd } from '../harness/etcd.js';
import { onFreePorts, startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { waitUntil } from '../harness/wait.js';

/**
 * Writer HA with real processes and a private etcd (docs/writer-ha.md): two writers sharing
 * the write-ahead log, the metadata (MariaDB) and the segment storage, a reader and a coordinator that
 * follow the leader. A continuous insert/delete load runs through the coordinator with the
 * official SDK while leaders are killed (SIGKILL) or paused (SIGSTOP) in turn; after each
 * takeover every acknowledged write is present exactly once, nothing else appears, and
 * searches match brute force. Then the fencing of a paused leader that comes back, and an
 * etcd outage without a leader change.
 */
const TTL_SECONDS = 2;
const PREFIX = '/writer-ha';
const COLLECTION = 'ha';
const DIM = 8;
const TAKEOVERS = 20;
const dir = mkdtempSync(join(tmpdir(), 'mishards-writer-ha-'));
const vector = (id: number) => seedVector(id, DIM);
const queries = Array.from({ length: 4 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.cos(i * 1.9 + j)));

let etcd: RestartableEtcd;
let kv: Etcd3;
/** The two writers, by slot; a killed one is started again in its slot. */
const writers: MishardsProcess[] = [];
let reader: MishardsProcess;
let coordinator: MishardsProcess;
let client: MilvusClient;

const etcdArgs = () => ['--etcd', etcd.endpoint, '--etcd-prefix', PREFIX, '--lease-ttl', String(TTL_SECONDS)];
/**
 * MariaDB holds the metadata, as for writers on several hosts: a leader paused inside a
 * metadata transaction has its connection ended by the next leader's claim, where with SQLite
 * its lock would hold the takeover until it resumed (docs/writer-ha.md).
 */
let metaSpec: string;
const shared = () => ['--meta', metaSpec, '--storage', join(dir, 'storage')];

function startWriter(slot: number): Promise<MishardsProcess> {
  return startMishards([
    'writer',
    ...onFreePorts(join(dir, `writer-${slot}`)),
    ...etcdArgs(),
    ...shared(),
    '--wal-dir',
    join(dir, 'wal'),
    '--seal-rows',
    '300',
    '--name',
    `writer-${slot}`,
  ]);
}

/**
 * The SDK without its own retries: an insert whose outcome is unknown (UNAVAILABLE during a
 * takeover) would otherwise be sent again, and might then be applied twice, as with Milvus.
 */
function sdk(address: string, timeout = 10_000): MilvusClient {
  return new MilvusClient({ address, timeout, logLevel: 'error', maxRetries: 0 });
}

interface Leader {
  address: string;
  epoch: number;
  candidates: number;
}

/** The election as etcd holds it: the oldest key's candidate and create revision, and how many campaign. */
async function election(): Promise<Leader | undefined> {
  const res = await kv.getAll().prefix(electionPrefix(PREFIX)).exec();
  const [first] = [...res.kvs].sort((a, b) => Number(BigInt(a.create_revision) - BigInt(b.create_revision)));
  if (!first) return undefined;
  return { address: JSON.parse(first.value.toString()).address, epoch: Number(first.create_revision), candidates: res.kvs.length };
}

/** A process's metrics; a paused one never answers, hence the bound. */
async function metricsText(p: MishardsProcess, boundMs = 1000): Promise<string> {
  return (await fetch(`http://${p.addresses.metrics}/metrics`, { signal: AbortSignal.timeout(boundMs) })).text();
}

/** A metric of a process (its first series). */
async function metric(p: MishardsProcess, name: string): Promise<number | undefined> {
  const text = await metricsText(p);
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

/** The slot of the leader, once one serves (a loaded machine may be slow to answer its metrics). */
async function leaderSlot(): Promise<number> {
  let slot: number | undefined;
  await waitUntil(
    'a writer leads',
    async () => {
      slot = await servingLeader();
      return slot !== undefined;
    },
    30_000,
  );
  return slot!;
}

/** How many sealed segments a writer's takeovers found held by it as a standby, and loaded from storage. */
async function takeoverSegments(p: MishardsProcess): Promise<{ standby: number; storage: number }> {
  const text = await metricsText(p, 10_000);
  const count = (source: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`mishards_writer_takeover_segments_total{source="${source}"`));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  };
  return { standby: count('standby'), storage: count('storage') };
}

/** The slot of the writer serving as leader: elected in etcd and serving writes. */
async function servingLeader(): Promise<number | undefined> {
  const e = await election();
  const slot = writers.findIndex((w) => w.addresses.grpc === e?.address);
  if (slot < 0) return undefined;
  return (await metric(writers[slot]!, 'mishards_writer_leader').catch(() => 0)) === 1 ? slot : undefined;
}

/**
 * Inserts (new ids, 5 rows a call) and deletes (of acknowledged ids) from two loops through the
 * coordinator, recording what was acknowledged and what failed with an unknown outcome.
 */
class Load {
  readonly acked = new Set<number>();
  readonly unknownInserts = new Set<number>();
  readonly deleted = new Set<number>();
  readonly unknownDeletes = new Set<number>();
  /** When each acknowledged write was sent and acknowledged (Date.now()). */
  readonly acks: { sent: number; acked: number }[] = [];
  nextId = 1;
  private steps = 0;
  private readonly deleting = new Set<number>();
  private stopping = false;
  private loops: Promise<void>[] = [];

  start(): void {
    this.stopping = false;
    this.loops = [0, 1].map(async () => {
      while (!this.stopping) await this.step();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** Resolves with when the first write sent after `since` (Date.now()) was acknowledged. */
  async ackedAfter(since: number): Promise<number> {
    const first = () => this.acks.find((a) => a.sent >= since);
    await waitUntil('a write sent then is acknowledged', async () => first() !== undefined, 60_000);
    return first()!.acked;
  }

  private live(): number[] {
    return [...this.acked].filter((id) => !this.deleted.has(id) && !this.unknownDeletes.has(id) && !this.deleting.has(id));
  }

  private async step(): Promise<void> {
    const live = this.live();
    if (this.steps++ % 3 === 2 && live.length >= 10) {
      const ids = live.slice(0, 3);
      for (const id of ids) this.deleting.add(id);
      const sent = Date.now();
      const ok = await client
        .delete({ collection_name: COLLECTION, ids })
        .then((r) => r.status.error_code === 'Success')
        .catch(() => false);
      for (const id of ids) {
        this.deleting.delete(id);
        (ok ? this.deleted : this.unknownDeletes).add(id);
      }
      if (ok) this.acks.push({ sent, acked: Date.now() });
      return;
    }
    const ids = Array.from({ length: 5 }, () => this.nextId++);
    const sent = Date.now();
    const ok = await client
      .insert({ collection_name: COLLECTION, data: ids.map((id) => ({ id, v: vector(id) })) })
      .then((r) => r.status.error_code === 'Success')
      .catch(() => false);
    for (const id of ids) (ok ? this.acked : this.unknownInserts).add(id);
    if (ok) this.acks.push({ sent, acked: Date.now() });
  }
}

/** Every id present, with how many rows carry it (Strong consistency, through the coordinator). */
async function presentRows(upTo: number): Promise<Map<number, number>> {
  const present = new Map<number, number>();
  for (let lo = 0; lo < upTo; lo += 10_000) {
    const res = await client.query({
      collection_name: COLLECTION,
      filter: `id >= ${lo} and id < ${lo + 10_000}`,
      output_fields: ['id'],
      limit: 16_384,
      consistency_level: 'Strong' as never,
    });
    expect(res.status.error_code, res.status.reason).toBe('Success');
    for (const r of res.data) present.set(Number(r.id), (present.get(Number(r.id)) ?? 0) + 1);
  }
  return present;
}

/**
 * Acknowledged inserts present exactly once (unless a delete of them was sent), acknowledged
 * deletes absent, nothing present that was never sent, no id twice; searches exact over the rows present.
 */
async function expectExact(load: Load): Promise<void> {
  const present = await presentRows(load.nextId);
  expect([...present].filter(([, n]) => n > 1)).toEqual([]);
  const kept = [...load.acked].filter((id) => !load.deleted.has(id) && !load.unknownDeletes.has(id));
  expect(kept.filter((id) => !present.has(id))).toEqual([]);
  expect([...load.deleted].filter((id) => present.has(id))).toEqual([]);
  expect([...present.keys()].filter((id) => !load.acked.has(id) && !load.unknownInserts.has(id))).toEqual([]);
  const rows = new Map([...present.keys()].map((id) => [id, vector(id)]));
  for (const q of queries) {
    const res = await client.search({ collection_name: COLLECTION, data: [q], limit: 10, consistency_level: 'Strong' as never });
    expect(res.status.error_code, res.status.reason).toBe('Success');
    expectExactTopK(
      res.results.map((r) => Number(r.id)),
      rows,
      q,
      10,
    );
  }
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

beforeAll(async () => {
  metaSpec = await createTestDatabase(inject('mariadb'), 'writer_ha');
  etcd = await startRestartableEtcd();
  kv = new Etcd3({ hosts: etcd.endpoint });
  writers.push(await startWriter(0));
  await waitUntil('writer 0 leads', async () => (await servingLeader()) === 0);
  writers.push(await startWriter(1));
  await waitUntil('writer 1 stands by', async () => (await election())?.candidates === 2);
  reader = await startMishards(['reader', ...onFreePorts(join(dir, 'reader')), ...etcdArgs(), ...shared(), '--group', 'g1']);
  coordinator = await startMishards(['coordinator', ...onFreePorts(), ...etcdArgs()]);
  client = sdk(coordinator.addresses.grpc!);
  await client.createCollection({
    collection_name: COLLECTION,
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: DIM },
    ],
  });
  await client.createIndex({ collection_name: COLLECTION, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
  await client.loadCollectionSync({ collection_name: COLLECTION });
}, 120_000);

afterAll(async () => {
  await client?.closeConnection();
  for (const p of [coordinator, reader, ...writers]) {
    p?.child.kill('SIGCONT');
    await p?.kill();
  }
  kv?.close();
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it(`keeps every acknowledged write exactly once and searches exact through ${TAKEOVERS} takeovers (SIGKILL and SIGSTOP in turn)`, async () => {
  const load = new Load();
  load.start();
  const unavailableMs: number[] = [];
  const opened = { standby: 0, storage: 0 };
  const rounds: string[] = [];
  try {
    await load.ackedAfter(Date.now());
    for (let round = 0; round < TAKEOVERS; round++) {
      const old = await leaderSlot();
      const before = (await election())!;
      const signal = round % 2 === 0 ? 'SIGKILL' : 'SIGSTOP';
      const standby = writers[1 - old]!;
      const openedBefore = await takeoverSegments(standby);
      const killedAt = Date.now();
      writers[old]!.child.kill(signal);
      // The standby takes over, and writes are acknowledged again.
      await waitUntil('the standby leads', async () => (await servingLeader()) === 1 - old, 30_000);
      const ledMs = Date.now() - killedAt;
      unavailableMs.push((await load.ackedAfter(killedAt)) - killedAt);
      rounds.push(`${signal} ${ledMs}/${unavailableMs.at(-1)}`);
      const openedAfter = await takeoverSegments(standby);
      opened.standby += openedAfter.standby - openedBefore.standby;
      opened.storage += openedAfter.storage - openedBefore.storage;
      expect((await election())!.epoch).toBeGreaterThan(before.epoch);
      // The old leader comes back as a standby: restarted, or resumed (fenced, it steps down).
      if (signal === 'SIGKILL') {
        await writers[old]!.kill();
        writers[old] = await startWriter(old);
      } else {
        writers[old]!.child.kill('SIGCONT');
      }
      await waitUntil('the old leader stands by', async () => (await election())?.candidates === 2, 30_000);
      await load.stop();
      await expectExact(load);
      load.start();
    }
  } finally {
    await load.stop();
  }
  expect(load.acked.size).toBeGreaterThan(TAKEOVERS * 5);
  // Standbys are hot: takeovers found most sealed segments loaded already (those sealed in
  // the last follow interval before a takeover are loaded then).
  expect(opened.standby).toBeGreaterThan(opened.storage);
  process.stdout.write(
    `writer takeovers: ${TAKEOVERS}; write unavailability p50 ${percentile(unavailableMs, 0.5)} ms, ` +
      `max ${Math.max(...unavailableMs)} ms (lease TTL ${TTL_SECONDS * 1000} ms); ` +
      `${load.acked.size} rows acknowledged, ${load.unknownInserts.size} with an unknown outcome; ` +
      `sealed segments opened by takeovers: ${opened.standby} held by the standby, ${opened.storage} loaded then\n` +
      `per takeover, ms from the signal until the standby served / a write was acknowledged: ${rounds.join(', ')}\n`,
  );
}, 600_000);

/** Which of `ids` are present (Strong consistency, through the coordinator). */
async function presentOf(ids: number[]): Promise<number[]> {
  const res = await client.query({
    collection_name: COLLECTION,
    filter: `id in [${ids.join(',')}]`,
    output_fields: ['id'],
    consistency_level: 'Strong' as never,
  });
  expect(res.status.error_code).toBe('Success');
  return res.data.map((r) => Number(r.id)).sort((a, b) => a - b);
}

const rowsOf = (ids: number[]) => ids.map((id) => ({ id, v: vector(id) }));
const outcome = (p: Promise<{ status: { error_code: string | number } }>) =>
  p.then(
    (r) => String(r.status.error_code),
    (e: { code?: number }) => `gRPC ${e.code}`,
  );

it('fences a paused leader: none of its late writes is acknowledged or visible, and it rejoins as a standby', async () => {
  const old = await leaderSlot();
  const direct = sdk(writers[old]!.addresses.grpc!, 60_000);
  try {
    const early = [10_000_001, 10_000_002];
    expect(await outcome(direct.insert({ collection_name: COLLECTION, data: rowsOf(early) }))).toBe('Success');
    writers[old]!.child.kill('SIGSTOP');
    // Sent to the paused leader: in flight until it resumes.
    const lateIds = [10_000_011, 10_000_012];
    const late = outcome(direct.insert({ collection_name: COLLECTION, data: rowsOf(lateIds) }));
    await waitUntil('the standby leads', async () => (await servingLeader()) === 1 - old, 30_000);
    const newer = [10_000_021, 10_000_022];
    expect(await outcome(client.insert({ collection_name: COLLECTION, data: rowsOf(newer) }))).toBe('Success');
    writers[old]!.child.kill('SIGCONT');
    expect(await late).not.toBe('Success');
    const afterIds = [10_000_031, 10_000_032];
    expect(await outcome(direct.insert({ collection_name: COLLECTION, data: rowsOf(afterIds) }))).not.toBe('Success');
    await waitUntil(
      'the old leader stands by',
      async () => (await election())?.candidates === 2 && (await metric(writers[old]!, 'mishards_writer_leader')) === 0,
      30_000,
    );
    expect(await presentOf([...early, ...lateIds, ...newer, ...afterIds])).toEqual([...early, ...newer]);
  } finally {
    await direct.closeConnection();
  }
}, 120_000);

it('keeps its term through an etcd outage only while the lease allows, refuses writes until etcd is back, and leads on with the same epoch', async () => {
  const lead = await leaderSlot();
  const before = (await election())!;
  const direct = sdk(writers[lead]!.addresses.grpc!, 5_000);
  let nextId = 20_000_000;
  const attempts: { id: number; ok: boolean; sentMs: number }[] = [];
  const insertOne = async () => {
    const id = nextId++;
    const sentMs = performance.now();
    const ok = (await outcome(direct.insert({ collection_name: COLLECTION, data: rowsOf([id]) }))) === 'Success';
    attempts.push({ id, ok, sentMs });
    return ok;
  };
  try {
    expect(await insertOne()).toBe(true);
    const downMs = performance.now();
    await etcd.down();
    await waitUntil('the leader stops acknowledging', async () => !(await insertOne()), 20_000);
    // Its last keep-alive was sent before etcd went down: nothing sent a lease TTL later is acknowledged.
    const acked = attempts.filter((a) => a.ok && a.sentMs >= downMs);
    expect(acked.every((a) => a.sentMs < downMs + TTL_SECONDS * 1000)).toBe(true);
    // Down for 30 s: every write is refused meanwhile.
    await waitUntil('etcd has been down 30 s', async () => (await insertOne()) === false && performance.now() - downMs >= 30_000, 60_000);
    expect(attempts.filter((a) => a.ok && a.sentMs >= downMs + TTL_SECONDS * 1000)).toEqual([]);
    await etcd.up();
    await waitUntil('the leader acknowledges writes again', () => insertOne(), 30_000);
    const after = (await election())!;
    expect({ address: after.address, epoch: after.epoch }).toEqual({ address: before.address, epoch: before.epoch });
    expect(await servingLeader()).toBe(lead);
    const ids = attempts.map((a) => a.id);
    expect(await presentOf(ids)).toEqual(attempts.filter((a) => a.ok).map((a) => a.id));
  } finally {
    await direct.closeConnection();
  }
}, 180_000);
