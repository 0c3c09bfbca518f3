import type { Logger } from 'pino';
import type { ServerOptions } from '../../cli/options.js';
import { createEngine } from '../../engine/index.js';
import { openMetaStore } from '../../meta/open-store.js';
import { DataNodeService } from '../../proto/data-node.js';
import { MetricsServer } from '../common/metrics-server.js';
import { RpcMetrics } from '../common/rpc-metrics.js';
import { serveNode, type RunningNode } from '../common/serve.js';
import { dataNodeImplementation } from '../data-node-api.js';
import { FileDiscovery } from '../../ext-proc/cluster/discovery.js';
import { MetadataCache } from '../../ext-proc/cluster/metadata-cache.js';
import { Preloader } from './preloader.js';
import { ReaderSegments } from './reader-source.js';

/** Starts a read-only node of group `opts.group`: the internal data-node API over loaded segments. */
export async function startReader(opts: ServerOptions, log: Logger): Promise<RunningNode> {
  const meta = await openMetaStore(opts.meta);
  const engine = createEngine(opts.threads ? { threads: opts.threads } : {});
  const segments = new ReaderSegments(meta, opts.storage, engine, log);
  // With the writer's address and the membership, the reader preloads its group's share.
  const cache = opts.writer && opts.discovery ? new MetadataCache(opts.writer, log) : undefined;
  const discovery = cache ? await FileDiscovery.open(opts.discovery!, log) : undefined;
  if (cache && discovery) {
    new Preloader(opts.group, cache, discovery, segments, log);
    cache.start();
  }
  const metrics = new MetricsServer(`reader-${opts.group}`);
  const rpc = new RpcMetrics(metrics.registry);
  return serveNode({
    metrics,
    host: opts.host,
    port: opts.port,
    metricsPort: opts.metricsPort,
    services: [[DataNodeService.service, dataNodeImplementation(segments, engine, log, rpc)]],
    closers: [async () => cache?.close(), async () => discovery?.close(), () => segments.close(), () => engine.close(), () => meta.close()],
  });
}
