import * as grpc from '@grpc/grpc-js';

/**
 * A service whose unary methods start at their request message instead of at the client's
 * half-close. grpc-js starts a unary handler only once the client has half-closed the call;
 * Milvus's Go server starts it as soon as the message has arrived, and the Milvus Node SDK
 * depends on that: its retry interceptor resends a failed call's message and never half-closes
 * the new call, which a grpc-js unary handler would leave waiting for its deadline (every
 * first call after a restart of the server that the SDK retries, for one). Served as
 * client-streaming methods, they answer such calls as Milvus does; a client that half-closes
 * sees no difference. Streaming methods are left as they are.
 */
export function startingAtFirstMessage(
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
): [grpc.ServiceDefinition, grpc.UntypedServiceImplementation] {
  const served: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  const handlers: grpc.UntypedServiceImplementation = { ...implementation };
  for (const [name, method] of Object.entries(definition)) {
    const unary = implementation[name];
    if (method.requestStream || method.responseStream || !unary) {
      served[name] = method;
      continue;
    }
    served[name] = { ...method, requestStream: true };
    handlers[name] = onFirstMessage(method.path, unary as grpc.handleUnaryCall<unknown, unknown>);
  }
  return [served, handlers];
}

/** A client-streaming handler running `unary` on the call's first message. */
function onFirstMessage(path: string, unary: grpc.handleUnaryCall<unknown, unknown>): grpc.handleClientStreamingCall<unknown, unknown> {
  return (call, callback) => {
    let started = false;
    call.on('data', (request: unknown) => {
      // A unary call has one message; any further one is ignored, the answer being under way.
      if (started) return;
      started = true;
      try {
        unary(Object.assign(call, { request }) as unknown as grpc.ServerUnaryCall<unknown, unknown>, callback);
      } catch {
        callback({ code: grpc.status.UNKNOWN, details: 'Unknown error' });
      }
    });
    call.on('end', () => {
      if (!started) callback({ code: grpc.status.UNIMPLEMENTED, details: `Received no request message for unary method ${path}` });
    });
  };
}
