import * as grpc from '@grpc/grpc-js';

/** What a unary call needs of a method's definition (a generated client's method, unbound). */
export type UnaryMethodDefinition<Request, Response> = Pick<
  grpc.MethodDefinition<Request, Response>,
  'path' | 'requestSerialize' | 'responseDeserialize'
>;

export interface UnaryCallOptions {
  deadline: Date | number;
  metadata?: grpc.Metadata;
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
}

/** grpc-js copies a call's metadata as it starts, so calls without headers can share one. */
const NO_METADATA = new grpc.Metadata();

/** One unary call through `client`, typed by the method's definition. */
export function unaryCall<Request, Response>(
  client: grpc.Client,
  method: UnaryMethodDefinition<Request, Response>,
  request: Request,
  o: UnaryCallOptions,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const { signal } = o;
    const onAbort = signal && (() => call.cancel());
    const call = client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      o.metadata ?? NO_METADATA,
      { deadline: o.deadline },
      (err, res) => {
        if (onAbort) signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res!);
      },
    );
    if (!onAbort) return;
    if (signal.aborted) call.cancel();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
