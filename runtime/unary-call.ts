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

/** One unary call through `client`, typed by the method's definition. */
export function unaryCall<Request, Response>(
  client: grpc.Client,
  method: UnaryMethodDefinition<Request, Response>,
  request: Request,
  o: UnaryCallOptions,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => call.cancel();
    const call = client.makeUnaryRequest(
      method.path,
      method.requestSerialize,
      method.responseDeserialize,
      request,
      o.metadata ?? new grpc.Metadata(),
      { deadline: o.deadline },
      (err, res) => {
        o.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(res!);
      },
    );
    if (o.signal?.aborted) call.cancel();
    else o.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
