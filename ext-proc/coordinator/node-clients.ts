import type * as grpc from '@grpc/grpc-js';
import { KEEPALIVE_OPTIONS, MAX_MESSAGE_BYTES } from '../../runtime/grpc-server.js';
import { PLAIN_PEERING, type Peering } from '../../runtime/peering.js';
import { unaryCall, type UnaryMethodDefinition } from '../../runtime/unary-call.js';
import { DataNodeService, type DataNodeClientReply, type DataNodeClientRequest, type DataNodeMethod } from '../../proto/data-node.js';

/** All that fan-out and placement need of the data nodes: one unary call to an address. */
export type NodeCaller = Pick<NodeClients, 'call'>;

/** One data-node client per address, created on first use and kept for reuse. */
export class NodeClients {
  private readonly clients = new Map<string, grpc.Client>();

  /** `peers`: how to reach the nodes' internal API (TLS, the cluster token). */
  constructor(private readonly peers: Peering = PLAIN_PEERING) {}

  get(address: string): grpc.Client {
    let c = this.clients.get(address);
    if (!c) {
      c = new DataNodeService(address, this.peers.credentials, {
        ...this.peers.options,
        'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
        'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
        // Reconnect quickly after a node restarts.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
        // A node that vanished without closing the connection fails its calls within seconds.
        ...KEEPALIVE_OPTIONS,
      });
      this.clients.set(address, c);
    }
    return c;
  }

  /** A unary call that honours the deadline and can be cancelled through `signal`. */
  call<M extends DataNodeMethod>(
    address: string,
    method: M,
    request: DataNodeClientRequest<M>,
    deadline: Date | number,
    signal?: AbortSignal,
    metadata?: grpc.Metadata,
  ): Promise<DataNodeClientReply<M>> {
    // Indexed by a type parameter, the definition's types are not narrowed to this method's.
    const definition = DataNodeService.service[method] as UnaryMethodDefinition<DataNodeClientRequest<M>, DataNodeClientReply<M>>;
    return unaryCall(this.get(address), definition, request, { deadline, signal, metadata });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
