/**
 * Worker thread of bench:xds: grpc.health.v1 answering NOT_SERVING on `count` loopback ports,
 * the addresses the benchmark's readers register. See xds-health.ts for why.
 *
 * To the main thread: {type: 'ports', ports} once bound; after a {type: 'close'} request the
 * server stops and the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as grpc from '@grpc/grpc-js';
import { HealthService } from '../proto/health.js';

const port = parentPort!;
const { count } = workerData as { count: number };

const server = new grpc.Server();
server.addService(HealthService.service, {
  Check: (_call: unknown, callback: grpc.sendUnaryData<{ status: string }>) => callback(null, { status: 'NOT_SERVING' }),
  Watch: (call: grpc.ServerWritableStream<unknown, { status: string }>) => {
    call.write({ status: 'NOT_SERVING' });
    call.end();
  },
});

const bind = () =>
  new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );

port.on('message', (message: { type: 'close' }) => {
  if (message.type !== 'close') return;
  server.forceShutdown();
  port.close();
});

const ports: number[] = [];
for (let i = 0; i < count; i++) ports.push(await bind());
port.postMessage({ type: 'ports', ports });
