import type * as grpc from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';

/**
 * Per-method types read off the interfaces proto-loader-gen-types generates for a service
 * (`FooHandlers`, `FooDefinition`), so that no list of methods or messages is kept by hand.
 */

/** The names a generated interface declares (grpc-js's base interfaces add a string index). */
export type DeclaredNames<T> = keyof { [K in keyof T as string extends K ? never : K]: unknown } & string;

type UnaryHandlerTypes<F> =
  F extends grpc.handleUnaryCall<infer Request, infer Response> ? { request: Request; response: Response } : never;

/** The unary methods of a `FooHandlers` interface (streams left out). */
export type UnaryMethods<Handlers> = {
  [M in DeclaredNames<Handlers>]: [UnaryHandlerTypes<Handlers[M]>] extends [never] ? never : M;
}[DeclaredNames<Handlers>];

/** What a server's handler of method M receives: the decoded request (`Foo__Output`). */
export type ServerRequest<Handlers, M extends keyof Handlers> = UnaryHandlerTypes<Handlers[M]>['request'];
/** What a server's handler of method M answers: the response as it may be sent (`Foo`). */
export type ServerResponse<Handlers, M extends keyof Handlers> = UnaryHandlerTypes<Handlers[M]>['response'];

type DefinitionTypes<D> =
  D extends MethodDefinition<infer RequestIn, infer _ResponseIn, infer _RequestOut, infer ResponseOut>
    ? { request: RequestIn; response: ResponseOut }
    : never;

/** What a client sends to method M of a `FooDefinition`: the request as it may be sent (`Foo`). */
export type ClientRequest<Definition, M extends keyof Definition> = DefinitionTypes<Definition[M]>['request'];
/** What a client gets back from method M: the decoded response (`Foo__Output`). */
export type ClientResponse<Definition, M extends keyof Definition> = DefinitionTypes<Definition[M]>['response'];
