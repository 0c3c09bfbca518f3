import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';
import type { Logger } from 'pino';
import { WriterElection } from '../../cluster/writer-election.js';
import { advertisedAddress, defaultNodeName } from '../../cluster/registry/register.js';
import { describeError } from '../../cluster/registry/schema.js';
import { openMetaStore } from '../../meta/open-store.js';
import type { MetaStore } from '../../meta/store.js';
import { serveNode, type RunningNode } from '../../runtime/serve.js';
import { adminGuard } from '../../security/admin-guard.js';
import { UnavailableError } from '../../runtime/unavailable.js';
import { currentFence, sealOlderLogs } from '../../storage/wal-fence.js';
import { ApplyChain } from './apply-chain.js';
import { HaMetrics } from './ha-metrics.js';
import { openWriter, writerProcess, type WriterConfig } from './server.js';
import { StandbySegments } from './standby-segments.js';
import type { Writer } from './writer.js';

export interface HaOptions {
  etcd: Etcd3;
  prefix: string;
  ttlSeconds: number;
  /** The candidate's name in the election (its registration name, by default from its address). */
  name?: string | undefined;
  /** The host its address is advertised under when it listens on a wildcard (as its registration's). */
  advertiseHost?: string | undefined;
  /** Where the election's watch of etcd reports whether it is live (mishards_etcd_up). */
  etcdWatches?: (() => boolean)[];
}

/** How long a leader stepping down waits for its writer's background work before dropping it. */
const STEP_DOWN_BOUND_MS = 3000;

interface Term {
  epoch: number;
  writer: Writer;
  meta: MetaStore;
  services: grpc.UntypedServiceImplementation[];
}

/**
 * A writer in the writer election (docs/writer-ha.md). It serves health at once and campaigns;
 * as a standby it answers every other call UNAVAILABLE, naming the leader, with the
 * not-applied trailer. Elected, it takes over: seals the older leaders' logs (fence first),
 * claims the metadata with its epoch, opens a Writer (sealed segments from the metadata, the
 * log's tail replayed) and serves it while it holds its term. Deposed (lease or key lost) or
 * fenced by a newer leader, it drops that Writer and campaigns again as a standby.
 */
export async function startHaWriter(opts: WriterConfig, ha: HaOptions, log: Logger): Promise<RunningNode> {
  await mkdir(opts.dataDir, { recursive: true });
  const walDir = opts.walDir ?? join(opts.dataDir, 'wal');
  const proc = writerProcess(opts, log, () => term?.writer);
  const metrics = new HaMetrics(proc.metrics.registry);
  // Standing by, the writer holds the leader's sealed segments loaded (reads are not fenced).
  const followed = await openMetaStore(opts.meta);
  const standby = new StandbySegments({ meta: followed, storageDir: opts.storage, engine: proc.engine, log });
  metrics.followSegments(() => (term ? 0 : standby.size));
  let address = '';
  let term: Term | undefined;
  const transitions = new ApplyChain();
  // Campaigns once the server is bound: its candidate value is the address.
  let election: WriterElection | undefined;

  const refusal = () => {
    const leader = election?.leader();
    const other = leader && leader.address !== advertisedAddress(address, ha.advertiseHost) ? leader : undefined;
    const why = term
      ? 'its term has lapsed (etcd unreachable)'
      : other
        ? `the leader is ${other.address} (epoch ${other.epoch})`
        : 'no leader is elected';
    return new UnavailableError(`writer ${address} is not serving writes: ${why}`, true, other?.address);
  };
  // Calls reach the term's services only while the term holds; else they are refused, unapplied.
  const current = (i: number) => (term && election?.holdsTerm() ? term.services[i] : undefined);
  const definitions = proc.definitions();
  const node = await serveNode({
    metrics: proc.metrics,
    host: opts.host,
    port: opts.port,
    metricsPort: opts.metricsPort,
    services: proc.served(definitions.map((d, i) => switchable(d, () => current(i), refusal))),
    admission: proc.admission,
    tls: opts.tls,
    metricsHost: opts.metricsHost,
    metricsGuard: adminGuard(proc.access, opts.metricsHost),
    beforeStop: () => term?.writer.changes.emit('close'),
    // The writer is closed before the lease is revoked: the standby then takes over a quiet log.
    closers: [
      () => transitions.run(() => stepDown('stopping')),
      async () => election?.stop(),
      () => standby.stop().then(() => standby.releaseAll()),
      () => followed.close(),
      () => proc.close(),
    ],
  });
  standby.start();
  address = node.grpc;

  const takeOver = async (epoch: number) => {
    // Queued behind a step-down, the term may be gone already.
    if (!election?.holdsTerm() || election.epoch !== epoch) return;
    const started = performance.now();
    metrics.elected(epoch);
    log.info({ epoch }, 'elected writer leader; taking over');
    let meta: MetaStore | undefined;
    await standby.stop();
    const segments = { standby: 0, storage: 0 };
    try {
      const walEpoch = (await currentFence(walDir))?.epoch ?? 0;
      await sealOlderLogs(walDir, epoch);
      // Fenced by a newer leader's log seal or metadata claim, it steps down (once: the term goes).
      let out = false;
      const fencedOut = () => {
        if (out) return;
        out = true;
        void transitions.run(() => stepDown('fenced by a newer leader')).then(() => election?.abdicate('fenced'));
      };
      meta = await openMetaStore(opts.meta, { epoch, walEpoch, onFenced: fencedOut });
      const writer = await openWriter(opts, meta, proc, log, {
        fencingEpoch: epoch,
        onFenced: fencedOut,
        preloaded: async (rec, schema) => {
          const segment = await standby.take(rec, schema);
          segments[segment ? 'standby' : 'storage']++;
          return segment;
        },
      });
      await standby.releaseAll();
      term = { epoch, writer, meta, services: proc.implementations(writer, () => address) };
      const seconds = (performance.now() - started) / 1000;
      metrics.serving(seconds, segments);
      log.info({ epoch, takeoverMs: Math.round(seconds * 1000), segments }, 'serving writes as the writer leader');
    } catch (e) {
      await meta?.close().catch(() => undefined);
      log.error({ epoch, err: describeError(e) }, 'taking over as writer leader failed; standing by');
      await standby.releaseAll();
      standby.start();
      election?.abdicate('takeover failed');
    }
  };

  const stepDown = async (reason: string) => {
    const t = term;
    if (!t) return;
    term = undefined;
    metrics.deposed();
    log.warn({ epoch: t.epoch, reason }, 'writer leader stepping down to standby');
    t.writer.changes.emit('close');
    const closed = t.writer.close().catch((e: unknown) => log.warn({ err: describeError(e) }, 'closing the deposed writer failed'));
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, STEP_DOWN_BOUND_MS).unref())]);
    await t.writer.releaseSegments().catch(() => undefined);
    await t.meta.close().catch(() => undefined);
    standby.start();
  };

  const advertised = advertisedAddress(address, ha.advertiseHost);
  election = new WriterElection({
    etcd: ha.etcd,
    prefix: ha.prefix,
    ttlSeconds: ha.ttlSeconds,
    candidate: { name: ha.name ?? defaultNodeName('writer', undefined, advertised), address: advertised },
    log,
  });
  election.on('elected', (epoch: number) => void transitions.run(() => takeOver(epoch)));
  election.on('deposed', (reason: string) => void transitions.run(() => stepDown(reason)));
  await election.start();
  ha.etcdWatches?.push(() => election.connected);
  return node;
}

/**
 * An implementation of `definition` that hands each call to `current()`'s, or, when there is
 * none, refuses it with `refusal()` as a gRPC status.
 */
function switchable(
  definition: grpc.ServiceDefinition,
  current: () => grpc.UntypedServiceImplementation | undefined,
  refusal: () => UnavailableError,
): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    impl[name] = ((
      call: grpc.ServerUnaryCall<unknown, unknown> & grpc.ServerWritableStream<unknown, unknown>,
      callback?: grpc.sendUnaryData<unknown>,
    ) => {
      const target = current()?.[name] as ((...args: unknown[]) => void) | undefined;
      if (target) return target(call, callback);
      const status = refusal().toStatus();
      if (method.responseStream) call.emit('error', status);
      else callback?.(status, null);
    }) as grpc.UntypedHandleCall;
  }
  return impl;
}
