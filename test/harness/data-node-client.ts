import * as grpc from '@grpc/grpc-js';
import { DataNodeService } from '../../proto/data-node.js';

/** A client of the internal data-node API (readers, and the writer's growing data). */
export class DataNodeClient {
  private readonly client: grpc.Client & Record<string, any>;

  /** `metadata`: headers of every call (the cluster token, credentials). */
  constructor(
    address: string,
    private readonly metadata = new grpc.Metadata(),
  ) {
    this.client = new DataNodeService(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': -1 }) as any;
  }

  call(method: string, request: object): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](request, this.metadata, (err: Error | null, res: any) => (err ? reject(err) : resolve(res)));
    });
  }

  close(): void {
    this.client.close();
  }
}
