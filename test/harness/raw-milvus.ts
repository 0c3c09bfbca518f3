import * as grpc from '@grpc/grpc-js';
import { MilvusService, CollectionSchemaMessage } from '../../milvus/proto.js';
import type { CollectionSchema } from '../../proto/generated/milvus/proto/schema/CollectionSchema.js';

/**
 * A bare gRPC client of MilvusService, for requests the SDK would refuse to send (the
 * server must reject them itself) and for exact wire-level assertions.
 */
export class RawMilvus {
  private readonly client: grpc.Client & Record<string, any>;

  constructor(address: string) {
    this.client = new MilvusService(address, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
    }) as any;
  }

  call(method: string, request: object): Promise<any> {
    return new Promise((resolve, reject) => {
      this.client[method](request, (err: Error | null, res: any) => (err ? reject(err) : resolve(res)));
    });
  }

  close(): void {
    this.client.close();
  }
}

/** Serializes a CollectionSchema for CreateCollection. */
export function schemaBytes(schema: CollectionSchema): Buffer {
  return CollectionSchemaMessage.encode(schema);
}
