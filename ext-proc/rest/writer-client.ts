import * as grpc from '@grpc/grpc-js';
import { MilvusService } from '../../milvus/proto.js';
import { replyShape, statusOfReply } from '../../milvus/reply-shape.js';
import { Code, MilvusError, type LegacyErrorCode } from '../../milvus/status.js';
import { MAX_MESSAGE_BYTES } from '../../runtime/grpc-server.js';
import type { CallContext } from '../coordinator/fanout.js';

/**
 * The writable node's Milvus API as decoded calls: every REST endpoint other than search,
 * query and get is a translation onto one or more of these. A reply whose status is not
 * Success becomes the MilvusError it describes, so its code reaches the REST client as is.
 */
export class WriterClient {
  private readonly client: grpc.Client & Record<string, any>;

  constructor(address: string) {
    this.client = new MilvusService(address, grpc.credentials.createInsecure(), {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    }) as grpc.Client & Record<string, any>;
  }

  call(method: string, request: object, ctx: CallContext): Promise<any> {
    return new Promise((resolve, reject) => {
      const cancel = () => call.cancel();
      const call = this.client[method](request, ctx.metadata, { deadline: ctx.deadline }, (err: grpc.ServiceError | null, res: any) => {
        ctx.signal.removeEventListener('abort', cancel);
        if (err) return reject(err);
        const status = statusOfReply(replyShape(method), res)!;
        if (status.error_code !== 'Success') {
          return reject(new MilvusError(status.error_code as LegacyErrorCode, status.code || Code.ServiceInternal, status.reason));
        }
        resolve(res);
      });
      if (ctx.signal.aborted) cancel();
      else ctx.signal.addEventListener('abort', cancel, { once: true });
    });
  }

  close(): void {
    this.client.close();
  }
}
