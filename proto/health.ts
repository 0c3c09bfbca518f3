import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/** grpc.health.v1.Health (proto/grpc/health/v1/health.proto) for grpc-js, server and client. */
const definition = protoLoader.loadSync(fileURLToPath(new URL('./grpc/health/v1/health.proto', import.meta.url)), {
  keepCase: true,
  enums: String,
  defaults: true,
});

export const HealthService = (grpc.loadPackageDefinition(definition) as any).grpc.health.v1.Health as grpc.ServiceClientConstructor;
