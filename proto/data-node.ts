import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** The internal data-node service (proto/mishards/data_node.proto) for grpc-js. */
const definition = protoLoader.loadSync(fileURLToPath(new URL('./mishards/data_node.proto', import.meta.url)), {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

export const DataNodeService = (grpc.loadPackageDefinition(definition) as any).mishards.data.DataNode as grpc.ServiceClientConstructor;
