import * as grpc from '@grpc/grpc-js';
import { MAX_MESSAGE_BYTES } from '../../runtime/grpc-server.js';
import { DataNodeService } from '../../proto/data-node.js';

export type DataNodeClient = grpc.Client & Record<string, any>;

/** All that fan-out and placement need of the data nodes: one unary call to an address. */
export type NodeCaller = Pick<NodeClients, 'call'>;

/** One data-node client per address, created on first use and kept for reuse. */
export class NodeClients {
  private readonly clients = new Map<string, DataNodeClient>();

  get(address: string): DataNodeClient {
    let c = this.clients.get(address);
    if (!c) {
      c = new DataNodeService(address, grpc.credentials.createInsecure(), {
        'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
        'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
        // Reconnect quickly after a node restarts.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      }) as DataNodeClient;
      this.clients.set(address, c);
    }
    return c;
  }

  /** A unary call that honours the deadline and can be cancelled through `signal`. */
  call<T = any>(address: string, method: string, request: object, deadline: Date | number, signal?: AbortSignal, metadata?: grpc.Metadata): Promise<T> {
    const client = this.get(address);
    return new Promise<T>((resolve, reject) => {
      const call = client[method](request, metadata ?? new grpc.Metadata(), { deadline }, (err: grpc.ServiceError | null, res: T) => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res);
      });
      const onAbort = () => call.cancel();
      if (signal?.aborted) call.cancel();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
