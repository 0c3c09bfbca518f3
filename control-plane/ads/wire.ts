import protobuf from 'protobufjs';

/**
 * Hand-assembled protobuf encodings of the few messages the server writes. Resources are
 * encoded once (as Any, or as a delta Resource wrapping the Any) and then copied as bytes
 * into every response that carries them; field numbers are those of
 * envoy/service/discovery/v3/discovery.proto and google/protobuf/any.proto.
 */

const LEN = 2; // wire type of strings, bytes and embedded messages
const tag = (field: number): number => (field << 3) | LEN;

function finish(writer: protobuf.Writer): Buffer {
  const bytes = writer.finish();
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function putString(writer: protobuf.Writer, field: number, value: string): void {
  if (value !== '') writer.uint32(tag(field)).string(value);
}

/** google.protobuf.Any{type_url = 1, value = 2}. */
export function encodeAny(typeUrl: string, value: Uint8Array): Buffer {
  const writer = protobuf.Writer.create();
  putString(writer, 1, typeUrl);
  writer.uint32(tag(2)).bytes(value);
  return finish(writer);
}

/** envoy.service.discovery.v3.Resource{version = 1, resource = 2 (Any), name = 3}. */
export function encodeDeltaResource(name: string, version: string, any: Uint8Array): Buffer {
  const writer = protobuf.Writer.create();
  putString(writer, 1, version);
  writer.uint32(tag(2)).bytes(any);
  putString(writer, 3, name);
  return finish(writer);
}

export interface SotwResponseParts {
  versionInfo: string;
  /** Encoded google.protobuf.Any messages. */
  resources: readonly Uint8Array[];
  typeUrl: string;
  nonce: string;
}

/** DiscoveryResponse{version_info = 1, resources = 2, type_url = 4, nonce = 5}. */
export function encodeDiscoveryResponse(parts: SotwResponseParts): Buffer {
  const writer = protobuf.Writer.create();
  putString(writer, 1, parts.versionInfo);
  for (const any of parts.resources) writer.uint32(tag(2)).bytes(any);
  putString(writer, 4, parts.typeUrl);
  putString(writer, 5, parts.nonce);
  return finish(writer);
}

export interface DeltaResponseParts {
  systemVersionInfo: string;
  /** Encoded envoy.service.discovery.v3.Resource messages. */
  resources: readonly Uint8Array[];
  typeUrl: string;
  removedResources: readonly string[];
  nonce: string;
}

/**
 * DeltaDiscoveryResponse{system_version_info = 1, resources = 2, type_url = 4, nonce = 5,
 * removed_resources = 6}.
 */
export function encodeDeltaDiscoveryResponse(parts: DeltaResponseParts): Buffer {
  const writer = protobuf.Writer.create();
  putString(writer, 1, parts.systemVersionInfo);
  for (const resource of parts.resources) writer.uint32(tag(2)).bytes(resource);
  putString(writer, 4, parts.typeUrl);
  putString(writer, 5, parts.nonce);
  for (const name of parts.removedResources) writer.uint32(tag(6)).string(name);
  return finish(writer);
}
