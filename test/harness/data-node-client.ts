import * as grpc from '@grpc/grpc-js';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { DataNodeService } from '../../proto/data-node.js';

/** The id data nodes know a collection by (they name collections by id, names repeat across databases). */
export async function collectionIdOf(client: MilvusClient, name: string, database = 'default'): Promise<string> {
  const res = await client.describeCollection({ collection_name: name, db_name: database });
  if (res.status.error_code !== 'Success') throw new Error(`describe ${database}.${name}: ${res.status.reason}`);
  return res.collectionID;
}

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
