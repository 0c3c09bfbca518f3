import type * as grpc from '@grpc/grpc-js';

/**
 * The service `name` (fully qualified, e.g. `grpc.health.v1.Health`) of a package loaded with
 * grpc.loadPackageDefinition; throws if the loaded protos do not define it.
 */
export function serviceAt(pkg: grpc.GrpcObject, name: string): grpc.ServiceClientConstructor {
  let at: grpc.GrpcObject[string] | undefined = pkg;
  for (const part of name.split('.')) at = isNamespace(at) ? at[part] : undefined;
  if (typeof at !== 'function') throw new Error(`${name} is not a service of the loaded protos`);
  return at;
}

/** A package level of a loaded package: not a service (a constructor) and not a message or enum (which carry `format`). */
function isNamespace(at: grpc.GrpcObject[string] | undefined): at is grpc.GrpcObject {
  return typeof at === 'object' && typeof at.format !== 'string';
}
