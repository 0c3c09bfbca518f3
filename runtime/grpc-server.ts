import * as grpc from '@grpc/grpc-js';

/** Message size limits well above gRPC's 4 MiB default: batches of vectors are large. */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;

/**
 * HTTP/2 keep-alive between Mishards processes, set on both ends: each side pings the other
 * every 2 s and drops the connection when an answer takes over 3 s, so a peer that vanished
 * without closing its connections (host down, network cut) is noticed within ~5 s. A server
 * that notices cancels the calls of the connection, which stops their work; a client fails its
 * calls over to another replica. 3 s also bounds how long a peer's event loop may be blocked
 * before it is taken for dead; Mishards never holds it that long (docs/limits.md).
 */
export const KEEPALIVE_OPTIONS = {
  'grpc.keepalive_time_ms': 2000,
  'grpc.keepalive_timeout_ms': 3000,
  'grpc.keepalive_permit_without_calls': 1,
} as const;

/**
 * A gRPC server with the message limits and keep-alive above. grpc-js servers enforce no ping
 * policy, so clients' own keep-alive pings (the Milvus Node SDK sends one every 10 s, also
 * without calls) need no permission here.
 */
export function createGrpcServer(): grpc.Server {
  return new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.keepalive_time_ms': KEEPALIVE_OPTIONS['grpc.keepalive_time_ms'],
    'grpc.keepalive_timeout_ms': KEEPALIVE_OPTIONS['grpc.keepalive_timeout_ms'],
  });
}

/** Binds `server` to host:port (0 picks a free port) with `credentials` (TLS or plaintext); resolves to HOST:PORT. */
export async function bindGrpc(
  server: grpc.Server,
  host: string,
  port: number,
  credentials = grpc.ServerCredentials.createInsecure(),
): Promise<string> {
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, credentials, (err, p) => (err ? reject(err) : resolve(p)));
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
