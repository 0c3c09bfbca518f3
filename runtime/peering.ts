import type * as grpc from '@grpc/grpc-js';
import { clusterTokenInterceptor } from './cluster-token.js';
import { channelCredentials, type Tls } from './tls.js';

/**
 * How a process calls the internal API of the others: over TLS when configured, with the
 * cluster token when there is one (runtime/cluster-token.ts).
 */
export interface Peering {
  credentials: grpc.ChannelCredentials;
  /** Options of the clients of the internal API (the token's interceptor). */
  options: grpc.ClientOptions;
}

export function peering(tls: Tls | undefined, clusterToken: string | undefined): Peering {
  return {
    credentials: channelCredentials(tls),
    options: clusterToken ? { interceptors: [clusterTokenInterceptor(clusterToken)] } : {},
  };
}

/** Plaintext, no token: a cluster without either. */
export const PLAIN_PEERING: Peering = peering(undefined, undefined);
