import * as grpc from '@grpc/grpc-js';
import { MetaFencedError } from '../meta/errors.js';
import { UnavailableError } from '../runtime/unavailable.js';
import type { MilvusHandlers } from './methods.js';
import { MilvusService } from './proto.js';
import { checkRequestFields } from './field-guard.js';
import { checkCollectionNames } from './names.js';
import { AccessError } from '../security/access.js';
import { fillDatabase } from './request-database.js';
import { carriesStatus, failureReply, replyShape, statusOfReply, withStatus } from './reply-shape.js';
import { errorStatus, MilvusError, successStatus, unsupportedMethod } from './status.js';

/**
 * A handler as the dispatch below calls it: the method's name, known only at run time, picks
 * its request type, which grpc-js decoded by that method's definition.
 */
type DispatchedHandler = (request: object, call: grpc.ServerUnaryCall<object, object>) => Promise<Record<string, unknown>>;

export interface ServiceHooks {
  /** Called for failures that are not MilvusErrors (bugs, I/O): they deserve a log line. */
  onError?: (method: string, err: unknown) => void;
  /** Called when a request starts; the returned function gets the result code. */
  onRequest?: (method: string) => (code: number) => void;
  /**
   * Authenticates and authorizes a call before anything else (security/access.ts): it
   * rejects with an AccessError, which the client gets as a gRPC status, as from Milvus.
   */
  access?: (method: string, call: grpc.ServerUnaryCall<object, object>) => Promise<void>;
}

/**
 * The answer to a streaming method: Mishards implements none, and their messages may have no
 * status field, so they end with gRPC UNIMPLEMENTED naming the method.
 */
export function unimplementedStream(name: string): grpc.UntypedHandleCall {
  return (call: grpc.ServerWritableStream<object, object> | grpc.ServerDuplexStream<object, object>) => {
    call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: unsupportedMethod(name).message });
  };
}

/**
 * Builds a grpc-js implementation of every MilvusService method. Implemented methods get their
 * status filled in (success, or the MilvusError they threw); every other method answers with a
 * status naming it as unsupported, in the response's own status field(s) and with the fields
 * the SDK reads regardless (see milvus/reply-shape.ts): the SDK crashes on replies without
 * them and silently swallows UNIMPLEMENTED. Only responses that cannot carry a status fail
 * with a gRPC error.
 */
export function milvusServiceImplementation(handlers: MilvusHandlers, hooks: ServiceHooks = {}): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  // Only serialized, never changed: every successful reply can point at the same one.
  const success = successStatus();
  const byName = handlers as Record<string, DispatchedHandler | undefined>;
  for (const name of Object.keys(MilvusService.service)) {
    const shape = replyShape(name);
    if (shape.streaming) {
      impl[name] = unimplementedStream(name);
      continue;
    }
    const handler = byName[name];
    const implemented = handler !== undefined;
    impl[name] = (call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      const done = hooks.onRequest?.(name);
      const admitted = hooks.access ? hooks.access(name, call) : Promise.resolve();
      const run = admitted.then(() => (implemented ? guarded(name, handler, call) : Promise.reject(unsupportedMethod(name))));
      run.then(
        (res) => {
          const reply = withStatus(shape, res, success);
          done?.(statusOfReply(shape, reply)?.code ?? 0);
          callback(null, reply);
        },
        (err) => {
          // A deposed writer's metadata write: refused, but the handler may have committed an
          // earlier step before the newer leader claimed the store, so the outcome is unknown.
          if (err instanceof MetaFencedError) err = new UnavailableError(`writer fenced: ${err.message}`, false);
          // Not a failure of the request but of this node's role: a gRPC status the caller retries.
          if (err instanceof UnavailableError) {
            done?.(-grpc.status.UNAVAILABLE);
            return callback(err.toStatus());
          }
          if (err instanceof AccessError) {
            done?.(-err.grpcCode);
            return callback({ code: err.grpcCode, details: err.message });
          }
          if (!(err instanceof MilvusError)) hooks.onError?.(name, err);
          const status = errorStatus(err);
          done?.(status.code);
          if (carriesStatus(shape)) callback(null, failureReply(shape, status));
          else callback({ code: implemented ? grpc.status.INTERNAL : grpc.status.UNIMPLEMENTED, details: status.reason });
        },
      );
    };
  }
  return impl;
}

/**
 * Runs a handler once the request sets nothing Mishards refuses (milvus/field-rules.ts) and
 * the collections it names have names Milvus accepts (milvus/names.ts), with its database
 * settled (milvus/request-database.ts).
 */
function guarded(name: string, handler: DispatchedHandler, call: grpc.ServerUnaryCall<object, object>): Promise<Record<string, unknown>> {
  try {
    checkRequestFields(name, call.request);
    checkCollectionNames(name, call.request);
  } catch (e) {
    return Promise.reject(e);
  }
  fillDatabase(name, call.request, call.metadata);
  return handler(call.request, call);
}
