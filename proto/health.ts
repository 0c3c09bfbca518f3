import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { serviceAt } from './grpc-service.js';

/** grpc.health.v1.Health (proto/grpc/health/v1/health.proto) for grpc-js, server and client. */
const definition = protoLoader.loadSync(fileURLToPath(new URL('./grpc/health/v1/health.proto', import.meta.url)), {
  keepCase: true,
  enums: String,
  defaults: true,
});

export const HealthService = serviceAt(grpc.loadPackageDefinition(definition), 'grpc.health.v1.Health');

/** A client of HealthService, with the one method the health checker calls (statuses as names: `enums: String`). */
export type HealthClient = grpc.Client & {
  Check(
    request: { service: string },
    options: grpc.CallOptions,
    callback: (err: grpc.ServiceError | null, res?: { status: 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN' }) => void,
  ): grpc.ClientUnaryCall;
};

/** A HealthService client; grpc-js types the methods of a client it builds at run time as bare Functions. */
export function healthClient(address: string, credentials: grpc.ChannelCredentials): HealthClient {
  return new HealthService(address, credentials) as unknown as HealthClient;
}
