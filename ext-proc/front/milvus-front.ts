import * as grpc from '@grpc/grpc-js';
import { MilvusService } from '../../milvus/proto.js';
import { milvusServiceImplementation, type ServiceHooks } from '../../milvus/service.js';
import { MAX_MESSAGE_BYTES } from '../../nodes/common/grpc-server.js';
import { callContext, deadlineOf, SEARCH_SCOPE_CHANGES, type Coordinator } from '../core/coordinator.js';

/** Methods answered by scatter-gather; every other one goes to the writable node unchanged. */
const SCATTERED = new Set(['Search', 'HybridSearch', 'Query']);
const DEFAULT_TIMEOUT_MS = 120_000;

const identity = (b: Buffer) => b;

/**
 * The coordinator's MilvusService definition: Search, HybridSearch and Query decoded as usual, every other
 * method kept as raw bytes so it can be relayed to the writer without decoding.
 */
export function frontServiceDefinition(): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<any, any>> = {};
  for (const [name, method] of Object.entries(MilvusService.service)) {
    def[name] = SCATTERED.has(name)
      ? method
      : { ...method, requestDeserialize: identity, responseSerialize: identity, requestSerialize: identity, responseDeserialize: identity };
  }
  return def as grpc.ServiceDefinition;
}

/**
 * The implementation: scatter-gather for Search, HybridSearch and Query, a byte-for-byte relay (with the
 * caller's deadline, metadata and cancellation) for the rest.
 */
export function frontImplementation(coordinator: Coordinator, writerAddress: string, hooks: ServiceHooks): { implementation: grpc.UntypedServiceImplementation; close(): void } {
  const writer = new grpc.Client(writerAddress, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  const implementation = milvusServiceImplementation({
    Search: (req, call) => coordinator.search(req, callContext(call, DEFAULT_TIMEOUT_MS)),
    HybridSearch: (req, call) => coordinator.hybridSearch(req, callContext(call, DEFAULT_TIMEOUT_MS)),
    Query: (req, call) => coordinator.query(req, callContext(call, DEFAULT_TIMEOUT_MS)),
  }, hooks);
  for (const [name, method] of Object.entries(MilvusService.service)) {
    if (SCATTERED.has(name)) continue;
    implementation[name] = (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const done = hooks.onRequest?.(name);
      const outgoing = writer.makeUnaryRequest(method.path, identity, identity, call.request, call.metadata, { deadline: call.getDeadline() },
        (err, res) => {
          done?.(err ? -(err.code ?? 2) : 0);
          if (err || !SEARCH_SCOPE_CHANGES.has(name)) return callback(err, res);
          // The writer's answer stands even if the wait fails.
          void coordinator.catchUp(deadlineOf(call, DEFAULT_TIMEOUT_MS)).catch(() => undefined).then(() => callback(null, res));
        });
      call.on('cancelled', () => outgoing.cancel());
    };
  }
  return { implementation, close: () => writer.close() };
}
