import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createEngine } from '../../engine/index.js';
import { openMetaStore } from '../../meta/open-store.js';
import { MilvusService } from '../../milvus/proto.js';
import { milvusServiceImplementation } from '../../milvus/service.js';
import type { ServerOptions } from '../../cli/options.js';
import { bindGrpc, createGrpcServer, shutdownGrpc } from '../common/grpc-server.js';
import { MetricsServer } from '../common/metrics-server.js';
import { DataNodeService } from '../../proto/data-node.js';
import { dataNodeImplementation } from '../data-node-api.js';
import { writerMilvusHandlers } from './milvus-api.js';
import { Writer } from './writer.js';
import { writerSegmentSource } from './segment-source.js';

export interface RunningNode {
  grpc: string;
  metrics: string;
  stop(): Promise<void>;
}

/** Starts the writable node: metadata store, engine, log replay, then the gRPC and metrics servers. */
export async function startWriter(opts: ServerOptions, log: Logger): Promise<RunningNode> {
  await mkdir(opts.dataDir, { recursive: true });
  const meta = await openMetaStore(opts.meta);
  const engine = createEngine(opts.threads ? { threads: opts.threads } : {});
  const writer = new Writer({ dataDir: opts.dataDir, storageDir: opts.storage, meta, engine, log, sealRows: opts.sealRows, sealAgeMs: opts.sealAgeMs });
  await writer.open();
  const server = createGrpcServer();
  server.addService(MilvusService.service, milvusServiceImplementation(writerMilvusHandlers(writer), (method, err) => log.error({ err, method }, 'request failed')));
  server.addService(DataNodeService.service, dataNodeImplementation(writerSegmentSource(writer), engine, log));
  const grpcAddr = await bindGrpc(server, opts.host, opts.port);
  const metrics = new MetricsServer('writer');
  const metricsAddr = await metrics.listen(opts.host, opts.metricsPort, () => true);
  return {
    grpc: grpcAddr,
    metrics: metricsAddr,
    async stop() {
      await shutdownGrpc(server);
      await metrics.close();
      await writer.close();
      await engine.close();
      await meta.close();
    },
  };
}
