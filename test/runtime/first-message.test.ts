import * as grpc from '@grpc/grpc-js';
import { getRetryInterceptor } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MilvusService } from '../../milvus/proto.js';
import { startingAtFirstMessage } from '../../runtime/first-message.js';
import { bindGrpc, createGrpcServer } from '../../runtime/grpc-server.js';

/**
 * Unary Milvus methods served from their first message, as Milvus's Go server serves them:
 * the Milvus Node SDK's retry interceptor resends a failed call without half-closing it.
 */

/** Calls of GetVersion the server has seen; the first one fails as a server going away would. */
let versionCalls = 0;
const server = createGrpcServer();
let address = '';

beforeAll(async () => {
  const [definition, implementation] = startingAtFirstMessage(MilvusService.service, {
    GetVersion: (_call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      versionCalls++;
      if (versionCalls === 1) callback({ code: grpc.status.UNAVAILABLE, details: 'going away' });
      else callback(null, { status: { code: 0 }, version: 'v2.5.0' });
    },
  });
  server.addService(definition, implementation);
  address = await bindGrpc(server, '127.0.0.1', 0);
});
afterAll(() => server.forceShutdown());

describe('a unary method started at its first message', () => {
  it("answers the call the SDK's retry interceptor resends without half-closing it", async () => {
    const client = new MilvusService(address, grpc.credentials.createInsecure(), {
      interceptors: [getRetryInterceptor({ maxRetries: 3, retryDelay: 1, clientId: 'test' })],
    });
    try {
      // A unary handler that waited for the half-close would leave the retry to its deadline.
      const reply = await new Promise((resolve, reject) =>
        // The SDK's interceptor reads the deadline as a Date.
        client.GetVersion({}, { deadline: new Date(Date.now() + 3000) }, (err, res) => (err ? reject(err) : resolve(res))),
      );
      expect(reply).toMatchObject({ version: 'v2.5.0' });
      expect(versionCalls).toBe(2);
    } finally {
      client.close();
    }
  });

  it('refuses a call closed without a message, as grpc-js refuses it', async () => {
    const client = new grpc.Client(address, grpc.credentials.createInsecure());
    try {
      const method = MilvusService.service.GetVersion!;
      const err = await new Promise<grpc.ServiceError | null>((resolve) => {
        const call = client.makeClientStreamRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          new grpc.Metadata(),
          { deadline: Date.now() + 3000 },
          (e) => resolve(e),
        );
        call.end();
      });
      expect(err?.code).toBe(grpc.status.UNIMPLEMENTED);
      expect(err?.details).toBe(`Received no request message for unary method ${method.path}`);
    } finally {
      client.close();
    }
  });
});
