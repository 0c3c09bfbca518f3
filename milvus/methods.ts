import type * as grpc from '@grpc/grpc-js';
import type { MilvusServiceDefinition, MilvusServiceHandlers } from '../proto/generated/milvus/proto/milvus/MilvusService.js';
import type { ClientRequest, ClientResponse, ServerRequest, ServerResponse, UnaryMethods } from '../proto/service-types.js';

/**
 * The Milvus API method by method, read off the types generated from the protocol
 * (proto/generated/): what a handler receives and answers, what a client sends and gets.
 */

/** Every unary MilvusService method (Mishards implements no stream). */
export type MilvusMethod = UnaryMethods<MilvusServiceHandlers>;

/** A request as a server receives it (decoded: defaults filled, int64 as strings, enums as names). */
export type MilvusRequest<M extends MilvusMethod> = ServerRequest<MilvusServiceHandlers, M>;

/** A response as a server may send it, status included. */
type MilvusFullResponse<M extends MilvusMethod> = ServerResponse<MilvusServiceHandlers, M>;

/**
 * What a handler answers: the response without its status, which milvusServiceImplementation
 * puts in (for methods answering a bare Status, an empty object).
 */
export type MilvusResponse<M extends MilvusMethod> = Omit<MilvusFullResponse<M>, 'status'>;

export type MilvusHandler<M extends MilvusMethod> = (
  request: MilvusRequest<M>,
  call: grpc.ServerUnaryCall<MilvusRequest<M>, MilvusFullResponse<M>>,
) => Promise<MilvusResponse<M>>;

/** Handlers by method name; a method without one answers "unsupported". */
export type MilvusHandlers = { [M in MilvusMethod]?: MilvusHandler<M> };

/** A request as a client builds it. */
export type MilvusClientRequest<M extends MilvusMethod> = ClientRequest<MilvusServiceDefinition, M>;

/** A response as a client receives it (decoded). */
export type MilvusClientReply<M extends MilvusMethod> = ClientResponse<MilvusServiceDefinition, M>;
