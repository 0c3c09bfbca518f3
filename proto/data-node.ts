import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** The internal services of data nodes (proto/mishards/data_node.proto) for grpc-js. */
const definition = protoLoader.loadSync(fileURLToPath(new URL('./mishards/data_node.proto', import.meta.url)), {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

const pkg = (grpc.loadPackageDefinition(definition) as any).mishards.data;

export const DataNodeService = pkg.DataNode as grpc.ServiceClientConstructor;
/** The writable node's metadata change feed. */
export const MetadataFeedService = pkg.MetadataFeed as grpc.ServiceClientConstructor;
