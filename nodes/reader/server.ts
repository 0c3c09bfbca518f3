import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { createEngine } from '../../engine/index.js';
import { openMetaStore } from '../../meta/open-store.js';
import { DataNodeService } from '../../proto/data-node.js';
import { admissionLimits, type AdmissionLimits } from '../../runtime/admission.js';
import { meteredAdmission } from '../../runtime/load-metrics.js';
import { MetricsServer } from '../../runtime/metrics-server.js';
import { ResourceMeter } from '../../runtime/node-resources.js';
import { engineSearchSeconds } from '../../runtime/engine-metrics.js';
import { RpcMetrics } from '../../runtime/rpc-metrics.js';
import { serveNode, type RunningNode } from '../../runtime/serve.js';
import { dataNodeImplementation } from '../data-node-api.js';
import { writerAddress, type Discovery } from '../../cluster/discovery.js';
import { MetadataCache } from '../../cluster/metadata-cache.js';
import { Preloader } from './preloader.js';
import { ReaderSegments } from './reader-source.js';
import { membersOnly } from '../../runtime/cluster-token.js';
import { peering } from '../../runtime/peering.js';
import type { Tls } from '../../runtime/tls.js';

/** What a read-only node needs to start (the CLI maps its flags onto it). */
export interface ReaderConfig {
  host: string;
  /** gRPC port; 0 picks a free one. */
  port: number;
  metricsPort: number;
  /** Its reader group: nodes of one group are replicas. */
  group: string;
  /** `sqlite:PATH` or `mysql://USER:PASS@HOST:PORT/DB`. */
  meta: string;
  /** Shared segment storage. */
  storage: string;
  /** The writer to follow for preloading; else the one the membership lists. */
  writer?: string | undefined;
  /** Engine worker threads; unset picks by core count. */
  threads?: number | undefined;
  /** Admission limits other than the defaults (docs/limits.md). */
  admission?: Partial<AdmissionLimits>;
  /** TLS of its listeners and of its calls to the writer (runtime/tls.ts). */
  tls?: Tls | undefined;
  /**
   * The cluster's shared secret: its internal API answers only calls carrying it, and its
   * calls to the writer carry it (runtime/cluster-token.ts).
   */
  clusterToken?: string | undefined;
  /** Where the metrics port listens: loopback by default (a reader has no users to check). */
  metricsHost?: string | undefined;
}

/**
 * Starts a read-only node of group `opts.group`: the internal data-node API over loaded
 * segments. Given the membership, it also preloads its group's share from the writer's feed
 * (the writer from --writer, else the one the membership lists, once it is listed).
 */
export async function startReader(opts: ReaderConfig, log: Logger, discovery?: Discovery): Promise<RunningNode> {
  const meta = await openMetaStore(opts.meta);
  const engine = createEngine(opts.threads ? { threads: opts.threads } : {});
  const segments = new ReaderSegments(meta, opts.storage, engine, log);
  let cache: MetadataCache | undefined;
  let stopped = false;
  if (discovery) {
    // Serving does not wait for the writer: segments can be loaded on request meanwhile.
    void (opts.writer ? Promise.resolve(opts.writer) : writerAddress(discovery)).then((writer) => {
      if (stopped) return;
      cache = new MetadataCache(writer, log, peering(opts.tls, opts.clusterToken));
      new Preloader(opts.group, cache, discovery, segments, log);
      cache.start();
    });
  }
  const internal = (impl: grpc.UntypedServiceImplementation) => (opts.clusterToken ? membersOnly(impl, opts.clusterToken) : impl);
  const metrics = new MetricsServer(`reader-${opts.group}`);
  const rpc = new RpcMetrics(metrics.registry);
  const admission = meteredAdmission(metrics.registry, engine, admissionLimits(opts.threads, opts.admission));
  return serveNode({
    metrics,
    host: opts.host,
    port: opts.port,
    metricsPort: opts.metricsPort,
    services: [
      [
        DataNodeService.service,
        internal(
          dataNodeImplementation(segments, engine, new ResourceMeter(opts.storage), log, admission, {
            rpc,
            engineSearchSeconds: engineSearchSeconds(metrics.registry),
          }),
        ),
      ],
    ],
    admission,
    tls: opts.tls,
    metricsHost: opts.metricsHost,
    closers: [
      async () => {
        stopped = true;
        cache?.close();
      },
      async () => discovery?.close(),
      () => segments.close(),
      () => engine.close(),
      () => meta.close(),
    ],
  });
}
