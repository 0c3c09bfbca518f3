import type * as grpc from '@grpc/grpc-js';
import { MilvusService } from './proto.js';
import { errorStatus, MilvusError, Code, successStatus } from './status.js';

/** A Milvus RPC handler: returns the response without `status` (added here) or a Status. */
export type MilvusHandler = (request: any, call: grpc.ServerUnaryCall<any, any>) => Promise<Record<string, unknown>>;

const returnsBareStatus = (method: grpc.MethodDefinition<any, any>): boolean =>
  (method as any).responseType?.type?.name === 'Status';

/**
 * Builds a grpc-js implementation of every MilvusService method. Implemented methods get
 * `status` filled in (success, or the MilvusError they threw); every other method answers
 * with a status naming it as unsupported, because the SDK crashes on replies without one and
 * silently swallows UNIMPLEMENTED.
 */
export interface ServiceHooks {
  /** Called for failures that are not MilvusErrors (bugs, I/O): they deserve a log line. */
  onError?: (method: string, err: unknown) => void;
  /** Called when a request starts; the returned function gets the result code. */
  onRequest?: (method: string) => (code: number) => void;
}

export function milvusServiceImplementation(handlers: Record<string, MilvusHandler>, hooks: ServiceHooks = {}): grpc.UntypedServiceImplementation {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(MilvusService.service)) {
    const bare = returnsBareStatus(method);
    const handler = handlers[name];
    impl[name] = (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
      const done = hooks.onRequest?.(name);
      const run = handler
        ? handler(call.request, call)
        : Promise.reject(new MilvusError('UnexpectedError', Code.ServiceInternal, `${name} is not supported by Mishards`));
      run.then(
        (res) => {
          done?.(0);
          callback(null, bare ? (res.error_code ? res : successStatus()) : { ...res, status: successStatus() });
        },
        (err) => {
          if (!(err instanceof MilvusError)) hooks.onError?.(name, err);
          const status = errorStatus(err);
          done?.(status.code);
          callback(null, bare ? status : { status });
        },
      );
    };
  }
  return impl;
}
