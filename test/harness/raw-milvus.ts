import * as grpc from '@grpc/grpc-js';
import { MilvusService, CollectionSchemaMessage } from '../../milvus/proto.js';
import type { CollectionSchema } from '../../proto/generated/milvus/proto/schema/CollectionSchema.js';

/**
 * A bare gRPC client of MilvusService, for requests the SDK would refuse to send (the
 * server must reject them itself) and for exact wire-level assertions.
 */
export class RawMilvus {
  private readonly client: grpc.Client & Record<string, any>;

  /** `metadata`: headers of every call (e.g. credentials); `credentials`: the channel's (TLS). */
  constructor(
    address: string,
    private readonly metadata = new grpc.Metadata(),
    credentials = grpc.credentials.createInsecure(),
  ) {
    this.client = new MilvusService(address, credentials, {
      'grpc.max_send_message_length': -1,
      'grpc.max_receive_message_length': -1,
    }) as any;
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

/** The `authorization` header of a Milvus client signed in as `user` (base64 of user:password). */
export function credentials(user: string, password: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', Buffer.from(`${user}:${password}`).toString('base64'));
  return metadata;
}

/** Serializes a CollectionSchema for CreateCollection. */
export function schemaBytes(schema: CollectionSchema): Buffer {
  return CollectionSchemaMessage.encode(schema);
}
