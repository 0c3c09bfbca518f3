import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/data_node.js';
import type { DataNodeDefinition, DataNodeHandlers } from './generated/mishards/data/DataNode.js';
import type { NodeStatus__Output } from './generated/mishards/data/NodeStatus.js';
import { LOADER_OPTIONS } from './loader-options.js';
import type { ClientRequest, ClientResponse, ServerRequest, ServerResponse, UnaryMethods } from './service-types.js';

/** The internal services of data nodes (proto/mishards/data_node.proto) for grpc-js. */
const definition = protoLoader.loadSync(fileURLToPath(new URL('./mishards/data_node.proto', import.meta.url)), LOADER_OPTIONS);

const pkg = (grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType).mishards.data;

export const DataNodeService = pkg.DataNode;
/** The writable node's metadata change feed. */
export const MetadataFeedService = pkg.MetadataFeed;

export type DataNodeMethod = UnaryMethods<DataNodeHandlers>;
/** A request as the data node receives it (decoded). */
export type DataNodeRequest<M extends DataNodeMethod> = ServerRequest<DataNodeHandlers, M>;
/** A response as the data node builds it. */
export type DataNodeResponse<M extends DataNodeMethod> = ServerResponse<DataNodeHandlers, M>;
/** A request as a caller of the data node builds it. */
export type DataNodeClientRequest<M extends DataNodeMethod> = ClientRequest<DataNodeDefinition, M>;
/**
 * A response as a caller of the data node receives it (decoded). Every one carries its status
 * (the node sets it on each answer, see nodes/data-node-api.ts).
 */
export type DataNodeClientReply<M extends DataNodeMethod> = ClientResponse<DataNodeDefinition, M> & { status: NodeStatus__Output };
