import type { Logger } from 'pino';
import type { ServerOptions } from '../../cli/options.js';
import { createEngine } from '../../engine/index.js';
import { openMetaStore } from '../../meta/open-store.js';
import { DataNodeService } from '../../proto/data-node.js';
import { bindGrpc, createGrpcServer, shutdownGrpc } from '../common/grpc-server.js';
import { MetricsServer } from '../common/metrics-server.js';
import { dataNodeImplementation } from '../data-node-api.js';
import type { RunningNode } from '../writer/server.js';
import { ReaderSegments } from './reader-source.js';

/** Starts a read-only node of group `opts.group`: the internal data-node API over loaded segments. */
export async function startReader(opts: ServerOptions, log: Logger): Promise<RunningNode> {
  const meta = await openMetaStore(opts.meta);
  const engine = createEngine(opts.threads ? { threads: opts.threads } : {});
  const segments = new ReaderSegments(meta, opts.storage, engine, log);
  const server = createGrpcServer();
  server.addService(DataNodeService.service, dataNodeImplementation(segments, engine, log));
  const grpcAddr = await bindGrpc(server, opts.host, opts.port);
  const metrics = new MetricsServer(`reader-${opts.group}`);
  const metricsAddr = await metrics.listen(opts.host, opts.metricsPort, () => true);
  return {
    grpc: grpcAddr,
    metrics: metricsAddr,
    async stop() {
      await shutdownGrpc(server);
      await metrics.close();
      await segments.close();
      await engine.close();
      await meta.close();
    },
  };
}
