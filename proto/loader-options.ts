import type * as protoLoader from '@grpc/proto-loader';

/**
 * How @grpc/proto-loader turns the Milvus protocol and the internal data-node API into plain
 * objects, the same options the official Milvus SDK uses: field names as in the .proto files,
 * int64 as decimal strings (exact), enums as names, bytes as Buffers, defaults filled (absent
 * messages as null), the name of each set oneof member in a virtual field. The generated
 * types in proto/generated/ describe exactly these shapes (proto/generate-types.ts reads this).
 */
export const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
} satisfies protoLoader.Options;
