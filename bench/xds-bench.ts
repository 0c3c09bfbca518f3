/**
 * `npm run bench:xds`: how fast an etcd change reaches xDS clients (figures in docs/xds.md,
 * "Benchmark").
 *
 * 1. Snapshot build time for 1,000 endpoints: SnapshotBuilder.build on 1,000 reader
 *    registrations (50 groups of 20), timed directly after a warm-up.
 * 2. Propagation: a private etcd and the control plane in this process with the defaults of
 *    control-plane/defaults.ts (debounce 20 ms quiet / 100 ms max, included in the figures),
 *    the same 1,000 readers written to etcd, and 500 ADS streams in a worker thread, each
 *    subscribed to every cluster (CDS wildcard) and to the endpoints of group g0 (EDS). Then
 *    WRITES etcd writes, one at a time, alternately adding and removing a g0 reader: each
 *    changes the one ClusterLoadAssignment every stream subscribes to. Per write: from just
 *    before the etcd call to the moment every stream has received the response carrying it.
 *    Once with state-of-the-world streams, once with delta streams.
 *
 * No reader runs behind the registrations: their gRPC addresses are stand-ins answering
 * health checks NOT_SERVING (xds-health.ts, which says why not dead ports). The health
 * interval is set to an hour, so the checker's only probe of each address is the one when it
 * first appears, and one failure is below the unhealthy threshold: no endpoint changes health
 * (which would be a snapshot change of its own) during the run.
 */
import { Etcd3 } from 'etcd3';
import pino from 'pino';
import { CONTROL_PLANE_DEFAULTS } from '../control-plane/defaults.js';
import { startControlPlane, type RunningControlPlane } from '../control-plane/server.js';
import { TypeUrl } from '../control-plane/xds/snapshot.js';
import { startEtcd } from '../test/harness/etcd.js';
import { cleanupOnExit, runBench } from './bench-support.js';
import { loadNote, machineNote, table } from './node-measure.js';
import { StreamFleet } from './xds-fleet.js';
import {
  ADDRESSES,
  extraReader,
  GROUPS,
  MEASURED_CLUSTER,
  PREFIX,
  READERS_PER_GROUP,
  readerRegistrations,
  timeSnapshotBuilds,
  type KeyedRegistration,
} from './xds-fixture.js';
import { startHealthStandIns } from './xds-health.js';
import type { StreamKind } from './xds-raw-ads.js';
import { runQueueWaitMs } from './xds-cpu.js';
import { ServedSnapshots, snapshotRevision, wallClock } from './xds-served.js';
import { describeHistogram, mean, ms, percentile, readHistogram } from './xds-stats.js';

const STREAMS = 500;
const CHANNELS = 25;
const WRITES = 40;
/** Between writes: every ACK of the previous push is in, and the writes do not beat in step with a timer. */
const PAUSE_MS = 150;
const PAUSE_JITTER_MS = 50;
const BUILD_WARMUP = 5;
const BUILD_RUNS = 30;
const GOAL_MS = 200;
const HEALTH_INTERVAL_MS = 3_600_000;
/** Puts in flight at once while registering. */
const PUT_BATCH = 100;
const WAIT_MS = 30_000;

const exit = cleanupOnExit('etcd and the control plane');
const sleep = (msecs: number) => new Promise<void>((resolve) => setTimeout(resolve, msecs));

interface WriteFigures {
  /** All ms after the etcd call was made. */
  putAcked: number;
  built: number;
  pushed: number;
  first: number;
  all: number;
  perStream: number[];
  /** The control-plane thread's time runnable but not running, from the call to all streams having it. */
  cpuWait: number | undefined;
}

interface PhaseResult {
  kind: StreamKind;
  writes: WriteFigures[];
}

function printBuildTimes(registrations: KeyedRegistration[]): void {
  const b = timeSnapshotBuilds(registrations, BUILD_WARMUP, BUILD_RUNS);
  console.log(
    `\nSnapshot build, ${b.endpoints.toLocaleString('en-US')} endpoints (${GROUPS} reader groups of ${READERS_PER_GROUP}), ${b.resources} resources: ` +
      `SnapshotBuilder.build, generate + validate + encode, ${BUILD_RUNS} runs after ${BUILD_WARMUP} warm-up`,
  );
  console.log(
    `  p50 ${ms(percentile(b.times, 50))} ms, p99 ${ms(percentile(b.times, 99))} ms, mean ${ms(mean(b.times))} ms; first (cold) build ${ms(b.coldMs)} ms`,
  );
}

/** Writes every registration (PUT_BATCH puts at a time); resolves once a served snapshot holds them all. */
async function register(etcd: Etcd3, served: ServedSnapshots, registrations: KeyedRegistration[]): Promise<void> {
  const started = wallClock();
  let revision = 0n;
  for (let i = 0; i < registrations.length; i += PUT_BATCH) {
    const puts = registrations
      .slice(i, i + PUT_BATCH)
      .map(({ key, registration }) => etcd.put(key).value(JSON.stringify(registration)).exec());
    for (const res of await Promise.all(puts)) if (BigInt(res.header.revision) > revision) revision = BigInt(res.header.revision);
  }
  const written = wallClock();
  const s = await served.find(0, (snap) => snapshotRevision(snap) >= revision, WAIT_MS, `at revision ${revision}`);
  const clusters = s.snapshot.types.get(TypeUrl.cluster)!.resources.size;
  // The reader groups plus the coordinator, its REST port and the writer, always present.
  if (clusters !== GROUPS + 3) throw new Error(`served snapshot has ${clusters} clusters, expected ${GROUPS + 3}`);
  console.log(
    `\nRegistered ${registrations.length.toLocaleString('en-US')} readers: written to etcd in ${ms(written - started)} ms, ` +
      `served ${ms(s.builtAt - written)} ms later (${served.served.length} snapshots on the way)`,
  );
}

/** One phase: STREAMS streams of one kind, WRITES measured writes. */
async function phase(
  kind: StreamKind,
  cp: RunningControlPlane,
  etcd: Etcd3,
  served: ServedSnapshots,
  extra: KeyedRegistration,
): Promise<PhaseResult> {
  const opened = wallClock();
  const fleet = new StreamFleet({ address: cp.grpc, kind, streams: STREAMS, channels: CHANNELS, cluster: MEASURED_CLUSTER });
  const stop = exit.defer(() => fleet.close());
  const first = await fleet.eds(1, WAIT_MS);
  const edsVersion = () => cp.cache.current()!.types.get(TypeUrl.endpoint)!.version;
  if (first.versions.length !== 1 || first.versions[0] !== edsVersion())
    throw new Error(`${kind} streams answered with ${first.versions.join(', ')}, served ${edsVersion()}`);
  console.log(
    `\n${kind}: worker thread started, ${STREAMS} streams opened over ${CHANNELS} connections and answered (CDS, EDS) ` +
      `within ${ms(Math.max(...first.times) - opened)} ms`,
  );

  // Idle cost: what the control plane's thread spends with no change to push (after the ACKs).
  await sleep(500);
  const idleFrom = performance.eventLoopUtilization();
  await sleep(1000);
  const idle = performance.eventLoopUtilization(performance.eventLoopUtilization(), idleFrom);

  const writes: WriteFigures[] = [];
  const mainFrom = performance.eventLoopUtilization();
  const workerFrom = fleet.eventLoopUtilization();
  for (let w = 0; w < WRITES; w++) {
    await sleep(PAUSE_MS + ((w * 17) % PAUSE_JITTER_MS));
    const before = served.served.length;
    const waitedBefore = runQueueWaitMs();
    const writeAt = wallClock();
    // Even writes add the reader, odd ones remove it: the phase ends as it began.
    if (w % 2 === 0) await etcd.put(extra.key).value(JSON.stringify(extra.registration)).exec();
    else await etcd.delete().key(extra.key).exec();
    const putAcked = wallClock() - writeAt;
    const s = await served.find(before, () => true, WAIT_MS, `after write ${w + 1}`);
    const arrival = await fleet.eds(w + 2, WAIT_MS);
    const expected = s.snapshot.types.get(TypeUrl.endpoint)!.version;
    if (arrival.versions.length !== 1 || arrival.versions[0] !== expected) {
      throw new Error(`write ${w + 1}: streams received EDS ${arrival.versions.join(', ')}, the snapshot after the write has ${expected}`);
    }
    const waitedAfter = runQueueWaitMs();
    const cpuWait = waitedBefore === undefined || waitedAfter === undefined ? undefined : waitedAfter - waitedBefore;
    const perStream = arrival.times.map((t) => t - writeAt);
    writes.push({
      putAcked,
      built: s.builtAt - writeAt,
      pushed: s.pushedAt - writeAt,
      first: Math.min(...perStream),
      all: Math.max(...perStream),
      perStream,
      cpuWait,
    });
  }
  const main = performance.eventLoopUtilization(performance.eventLoopUtilization(), mainFrom);
  const worker = fleet.eventLoopUtilization(workerFrom);
  await stop();

  const row = (label: string, values: number[]) => [
    label,
    ms(percentile(values, 50)),
    ms(percentile(values, 99)),
    ms(Math.max(...values)),
    ms(mean(values)),
  ];
  const pick = (key: Exclude<keyof WriteFigures, 'perStream' | 'cpuWait'>) => writes.map((f) => f[key]);
  const waits = writes.flatMap((f) => (f.cpuWait === undefined ? [] : [f.cpuWait]));
  console.log(
    `${WRITES} writes (alternately adding and removing a reader of ${MEASURED_CLUSTER}), ${PAUSE_MS}-${PAUSE_MS + PAUSE_JITTER_MS} ms apart; ms after the etcd call:`,
  );
  console.log(
    table(
      ['', 'p50', 'p99', 'max', 'mean'],
      [
        row('etcd put/delete acknowledged', pick('putAcked')),
        row('snapshot built (watch + debounce + build)', pick('built')),
        row('pushed: written to every stream (server)', pick('pushed')),
        row('first stream has it', pick('first')),
        row(`ALL ${STREAMS} streams have it`, pick('all')),
        row(
          `per stream (${STREAMS} x ${WRITES})`,
          writes.flatMap((f) => f.perStream),
        ),
        // Not a latency: how long, within each write's window, the control plane waited for a CPU.
        ...(waits.length ? [row('control-plane thread waiting for a CPU', waits)] : []),
      ],
    ),
  );
  console.log(
    `event loop busy: control-plane thread ${(main.utilization * 100).toFixed(0)}% during the writes, ` +
      `${(idle.utilization * 100).toFixed(1)}% idle; stream worker ${(worker.utilization * 100).toFixed(0)}% during the writes`,
  );
  return { kind, writes };
}

async function printControlPlaneMetrics(cp: RunningControlPlane): Promise<void> {
  const text = await (await fetch(`http://${cp.metrics}/metrics`)).text();
  console.log("\nThe control plane's own histograms over the whole run (bucket bounds, not exact percentiles):");
  console.log(`  mishards_xds_snapshot_build_seconds: ${describeHistogram(readHistogram(text, 'mishards_xds_snapshot_build_seconds'))}`);
  for (const kind of ['sotw', 'delta']) {
    const h = readHistogram(text, 'mishards_xds_push_delay_seconds', { kind, type: 'endpoint' });
    console.log(`  mishards_xds_push_delay_seconds{kind="${kind}",type="endpoint"}: ${describeHistogram(h)}`);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  console.log('Mishards xDS benchmark (npm run bench:xds)');
  console.log(`machine  ${machineNote()}`);
  console.log(`start    ${loadNote()}`);
  const standIns = await startHealthStandIns(ADDRESSES);
  exit.defer(() => standIns.stop());
  const registrations = readerRegistrations(standIns.ports);
  printBuildTimes(registrations);

  const etcdServer = await startEtcd();
  exit.defer(() => etcdServer.stop());
  const etcd = new Etcd3({ hosts: etcdServer.endpoint });
  exit.defer(() => etcd.close());
  const log = pino({ name: 'bench-xds', level: 'warn' }, pino.destination({ fd: 2, sync: true }));
  const d = CONTROL_PLANE_DEFAULTS;
  const cp = await startControlPlane({
    ...d,
    etcd,
    prefix: PREFIX,
    host: '127.0.0.1',
    port: 0,
    metricsPort: 0,
    health: { ...d.health, intervalMs: HEALTH_INTERVAL_MS },
    log,
  });
  exit.defer(() => cp.stop());
  const served = new ServedSnapshots(cp.cache);
  console.log(
    `\ncontrol plane: debounce ${d.debounceMs} ms quiet / ${d.maxDebounceMs} ms max; health interval ${HEALTH_INTERVAL_MS / 60_000} min ` +
      '(readers are health stand-ins answering NOT_SERVING: no health change during the run); private etcd on this host',
  );
  await register(etcd, served, registrations);

  const results: PhaseResult[] = [];
  for (const kind of ['sotw', 'delta'] as const) results.push(await phase(kind, cp, etcd, served, extraReader(standIns.ports)));
  await printControlPlaneMetrics(cp);

  console.log(
    `\nSummary: etcd write -> all ${STREAMS} ADS streams have the update, ${WRITES} writes each (p99 of ${WRITES} writes is their maximum)`,
  );
  for (const r of results) {
    const all = r.writes.map((w) => w.all);
    const p99 = percentile(all, 99);
    const worst = r.writes.reduce((a, b) => (b.all > a.all ? b : a));
    const waited = worst.cpuWait === undefined ? '' : ` (the control-plane thread waited ${ms(worst.cpuWait)} ms of it for a CPU)`;
    console.log(
      `  ${r.kind.padEnd(5)}  p50 ${ms(percentile(all, 50))} ms, p99 ${ms(p99)} ms: goal p99 < ${GOAL_MS} ms ${p99 < GOAL_MS ? 'met' : 'NOT met'}; ` +
        `${all.filter((a) => a >= GOAL_MS).length} of ${WRITES} writes at or over it; worst ${ms(worst.all)} ms${waited}`,
    );
  }
  console.log(`\nfinished in ${((performance.now() - started) / 1000).toFixed(1)} s; ${loadNote()}`);
}

await runBench('bench:xds', exit, main);
