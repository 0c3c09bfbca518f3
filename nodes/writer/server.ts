import { mkdir } from 'node:fs/promises';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { VectorEngine } from '../../engine/engine.js';
import { createEngine } from '../../engine/index.js';
import { openMetaStore } from '../../meta/open-store.js';
import { writerServiceDefinition } from '../../milvus/writer-service.js';
import { startingAtFirstMessage } from '../../runtime/first-message.js';
import { milvusServiceImplementation } from '../../milvus/service.js';
import { MemoryProtection, RATE_KINDS, RateQuotas, type QuotaConfig, type RateQuotaConfig } from '../../milvus/quotas.js';
import type { QuotaSettingsWatcher } from '../../cluster/quota-settings.js';
import { QuotaMetrics } from '../../runtime/quota-metrics.js';
import { DataNodeService, MetadataFeedService } from '../../proto/data-node.js';
import type { MetaStore } from '../../meta/store.js';
import { admissionLimits, type Admission, type AdmissionLimits } from '../../runtime/admission.js';
import { meteredAdmission } from '../../runtime/load-metrics.js';
import { MetricsServer } from '../../runtime/metrics-server.js';
import { ResourceMeter } from '../../runtime/node-resources.js';
import { engineSearchSeconds } from '../../runtime/engine-metrics.js';
import { RpcMetrics } from '../../runtime/rpc-metrics.js';
import { searchPartitions } from '../../runtime/scope-metrics.js';
import { serveNode, type RunningNode } from '../../runtime/serve.js';
import { dataNodeImplementation } from '../data-node-api.js';
import { metadataFeedImplementation } from './metadata-feed.js';
import { writerMilvusHandlers } from './api/index.js';
import type { SegmentSize } from './compaction-plan.js';
import { writerSegmentSource } from './segment-source.js';
import { Writer, type WriterObserver, type WriterOptions } from './writer.js';
import { writerMetrics } from './writer-metrics.js';

/** What the writable node needs to start (the CLI maps its flags onto it). */
export interface WriterConfig {
  host: string;
  /** gRPC port; 0 picks a free one. */
  port: number;
  metricsPort: number;
  /** The write-ahead log lives under it. */
  dataDir: string;
  /** `sqlite:PATH` or `mysql://USER:PASS@HOST:PORT/DB`. */
  meta: string;
  /** Shared segment storage. */
  storage: string;
  sealRows: number;
  sealAgeMs: number;
  segmentSize: SegmentSize;
  compactionIntervalMs: number;
  compactionDeletedRatio: number;
  compactionRetentionMs: number;
  /** Engine worker threads; unset picks by core count. */
  threads?: number | undefined;
  /** The result-size limit of a search or query (see milvus/request-limits.ts). */
  maxResultBytes: number;
  /** Milvus's quotaAndLimits rates (milvus/quotas.ts). */
  rates: RateQuotaConfig;
  /** Writes are refused while the process's memory is above this fraction of the machine's. */
  memoryHighWaterLevel: number;
  /** Quota settings changed at run time (etcd), replacing `rates` and `memoryHighWaterLevel`. */
  quotaSettings?: QuotaSettingsWatcher;
  /** Admission limits other than the defaults (docs/limits.md). */
  admission?: Partial<AdmissionLimits>;
  /** The wall clock (unix ms) inserted rows are stamped with (collection TTL); Date.now by default. */
  clock?: () => number;
  /** The write-ahead log's directory; `<dataDir>/wal` by default (shared by HA writers). */
  walDir?: string | undefined;
}

/**
 * What a writer process holds for its whole life, whichever Writer it serves (an HA writer
 * serves a new one each term): the engine, the metrics, admission, quotas and memory guard.
 */
export interface WriterProcess {
  engine: VectorEngine;
  metrics: MetricsServer;
  /** The writer metrics (WAL sync time, ingested rows) every term's Writer reports to. */
  observer: WriterObserver;
  admission: Admission;
  close(): Promise<void>;
  /** The definitions of the node's services: Milvus, data node, metadata feed. */
  definitions(): grpc.ServiceDefinition[];
  /** Implementations of those, in that order, over `writer`, answering as the node at `address()`. */
  implementations(writer: Writer, address: () => string): grpc.UntypedServiceImplementation[];
  /** The services to serve, given implementations in that order. */
  served(implementations: grpc.UntypedServiceImplementation[]): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation][];
}

export function writerProcess(opts: WriterConfig, log: Logger): WriterProcess {
  const engine = createEngine(opts.threads ? { threads: opts.threads } : {});
  const metrics = new MetricsServer('writer');
  const rpc = new RpcMetrics(metrics.registry);
  const engineSearch = engineSearchSeconds(metrics.registry);
  const partitionsSearched = searchPartitions(metrics.registry);
  // One admission for the node's Milvus searches and its internal ones: they share the engine.
  const admission = meteredAdmission(metrics.registry, engine, admissionLimits(opts.threads, opts.admission));
  const meter = new ResourceMeter(opts.dataDir);
  const quotaMetrics = new QuotaMetrics(metrics.registry, opts.rates, RATE_KINDS, opts.memoryHighWaterLevel);
  const quotas = new RateQuotas(opts.rates, { onRefused: quotaMetrics.refused });
  const memory = new MemoryProtection(opts.memoryHighWaterLevel, undefined, quotaMetrics.refused);
  opts.quotaSettings?.on('change', (c: QuotaConfig) => {
    quotas.reconfigure(c.rates);
    memory.highWaterLevel = c.memoryHighWaterLevel;
    quotaMetrics.configure(c.rates, c.memoryHighWaterLevel);
    log.info({ quotas: c }, 'quota settings changed');
  });
  const hooks = {
    onError: (method: string, err: unknown) => log.error({ err, method }, 'request failed'),
    onRequest: (method: string) => rpc.start('MilvusService', method),
  };
  return {
    engine,
    metrics,
    observer: writerMetrics(metrics.registry),
    admission,
    close: async () => {
      await opts.quotaSettings?.close();
      await engine.close();
    },
    definitions: () => [writerServiceDefinition(), DataNodeService.service, MetadataFeedService.service],
    served: ([milvus, dataNode, feed]) => [
      startingAtFirstMessage(writerServiceDefinition(), milvus!),
      [DataNodeService.service, dataNode!],
      [MetadataFeedService.service, feed!],
    ],
    implementations: (writer, address) => [
      milvusServiceImplementation(
        writerMilvusHandlers(writer, {
          address,
          meter,
          engineSearchSeconds: engineSearch,
          searchPartitions: partitionsSearched,
          limits: { maxResultBytes: opts.maxResultBytes },
          quotas,
          memory,
          admission,
        }),
        hooks,
      ),
      dataNodeImplementation(
        writerSegmentSource(writer),
        engine,
        meter,
        log,
        admission,
        { rpc, engineSearchSeconds: engineSearch },
        (placements, released) => writer.reportPlacement(placements, released),
      ),
      metadataFeedImplementation(writer),
    ],
  };
}

/** Opens a Writer over `meta` in `proc`: collections and segments loaded, the log replayed. */
export async function openWriter(
  opts: WriterConfig,
  meta: MetaStore,
  proc: Pick<WriterProcess, 'engine' | 'observer'>,
  log: Logger,
  takeover?: Pick<WriterOptions, 'fencingEpoch' | 'onFenced' | 'preloaded'>,
): Promise<Writer> {
  const writer = new Writer({
    dataDir: opts.dataDir,
    ...(opts.walDir ? { walDir: opts.walDir } : {}),
    storageDir: opts.storage,
    meta,
    engine: proc.engine,
    observer: proc.observer,
    log,
    sealRows: opts.sealRows,
    sealAgeMs: opts.sealAgeMs,
    compaction: {
      target: opts.segmentSize,
      intervalMs: opts.compactionIntervalMs,
      deletedRatio: opts.compactionDeletedRatio,
      retentionMs: opts.compactionRetentionMs,
    },
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...takeover,
  });
  await writer.open();
  return writer;
}

/** Starts the writable node: metadata store, engine, log replay, then the gRPC and metrics servers. */
export async function startWriter(opts: WriterConfig, log: Logger): Promise<RunningNode> {
  await mkdir(opts.dataDir, { recursive: true });
  const meta = await openMetaStore(opts.meta);
  const proc = writerProcess(opts, log);
  const writer = await openWriter(opts, meta, proc, log);
  // The address is known once the server is bound; GetMetrics asks for it later.
  let address = '';
  const node = await serveNode({
    metrics: proc.metrics,
    host: opts.host,
    port: opts.port,
    metricsPort: opts.metricsPort,
    services: proc.served(proc.implementations(writer, () => address)),
    admission: proc.admission,
    beforeStop: () => writer.changes.emit('close'),
    closers: [() => writer.close(), () => proc.close(), () => meta.close()],
  });
  address = node.grpc;
  return node;
}
