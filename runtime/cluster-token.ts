import { timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

/**
 * The cluster's internal API (data nodes' per-segment search, load and release, placement
 * reports; the writer's metadata feed, which carries password hashes) answers only calls
 * that carry the cluster's shared secret, when one is configured (MISHARDS_CLUSTER_TOKEN;
 * `mishards up` makes one for its children). With authentication on it is required: users'
 * credentials open the Milvus API, the token the internal one, so that no client can search a
 * reader or change what it holds around the coordinator. With mutual TLS it comes on top of
 * the certificates, which a client of the front door may hold too.
 */
export const CLUSTER_TOKEN_HEADER = 'mishards-cluster-token';

export const NOT_A_MEMBER = 'an internal API of the Mishards cluster: calls need the cluster token';

/** A client interceptor that adds the token to every call. */
export function clusterTokenInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(CLUSTER_TOKEN_HEADER, token);
        next(metadata, listener);
      },
    });
}

/**
 * A service implementation whose every method first checks the token: a call without it (or
 * with another) ends with UNAUTHENTICATED, unary or streaming alike.
 */
export function membersOnly(implementation: grpc.UntypedServiceImplementation, token: string): grpc.UntypedServiceImplementation {
  const expected = Buffer.from(token);
  const member = (metadata: grpc.Metadata) => {
    const [given] = metadata.get(CLUSTER_TOKEN_HEADER);
    const bytes = Buffer.from(String(given ?? ''));
    return bytes.length === expected.length && timingSafeEqual(bytes, expected);
  };
  const refused = { code: grpc.status.UNAUTHENTICATED, details: NOT_A_MEMBER };
  return Object.fromEntries(
    Object.entries(implementation).map(([name, handler]) => [
      name,
      ((call: grpc.ServerUnaryCall<unknown, unknown>, callback?: grpc.sendUnaryData<unknown>) => {
        if (member(call.metadata)) return (handler as (...args: unknown[]) => unknown)(call, callback);
        if (typeof callback === 'function') return callback(refused);
        call.emit('error', refused);
      }) as grpc.UntypedHandleCall,
    ]),
  );
}
