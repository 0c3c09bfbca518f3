import * as grpc from '@grpc/grpc-js';

/** Message size limits well above gRPC's 4 MiB default: batches of vectors are large. */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

export function createGrpcServer(): grpc.Server {
  return new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
}

export async function bindGrpc(server: grpc.Server, host: string, port: number): Promise<string> {
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
  });
  return `${host}:${bound}`;
}

/** Graceful shutdown, forced after `graceMs` so a stuck client cannot hold the process. */
export async function shutdownGrpc(server: grpc.Server, graceMs = 2000): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
