import * as grpc from '@grpc/grpc-js';
import type { MilvusClientReply, MilvusClientRequest, MilvusMethod } from '../../milvus/methods.js';
import { MilvusService } from '../../milvus/proto.js';
import { replyShape, statusOfReply } from '../../milvus/reply-shape.js';
import { Code, MilvusError } from '../../milvus/status.js';
import { MAX_MESSAGE_BYTES } from '../../runtime/grpc-server.js';
import { DATABASE_HEADER } from '../../milvus/request-database.js';
import { unaryCall, type UnaryMethodDefinition } from '../../runtime/unary-call.js';
import type { RestCall } from './rest-call.js';

/**
 * The writable node's Milvus API as decoded calls: every REST endpoint other than search,
 * query and get is a translation onto one or more of these, in the REST request's database
 * (sent as the `dbname` metadata an SDK client sends). A reply whose status is not Success
 * becomes the MilvusError it describes, so its code reaches the REST client as is.
 */
export class WriterClient {
  private readonly client: grpc.Client;

  /** `credentials`: how to reach the writer (TLS when configured). */
  constructor(address: string, credentials = grpc.credentials.createInsecure()) {
    this.client = new MilvusService(address, credentials, {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    });
  }

  async call<M extends MilvusMethod>(method: M, request: MilvusClientRequest<M>, ctx: RestCall): Promise<MilvusClientReply<M>> {
    // Indexed by a type parameter, the definition's types are not narrowed to this method's.
    const definition = MilvusService.service[method] as UnaryMethodDefinition<MilvusClientRequest<M>, MilvusClientReply<M>>;
    // The client's credentials (ctx.metadata, with authentication on) and its database.
    const metadata = ctx.metadata?.clone() ?? new grpc.Metadata();
    metadata.set(DATABASE_HEADER, ctx.database);
    const res = await unaryCall(this.client, definition, request, { ...ctx, metadata });
    const status = statusOfReply(replyShape(method), res)!;
    if (status.error_code !== 'Success') {
      throw new MilvusError(status.code || Code.ServiceInternal, status.reason, status.retriable);
    }
    return res;
  }

  close(): void {
    this.client.close();
  }
}
