/**
 * The message inside a google.protobuf.Any: the one the JSON parser built, or else decoded
 * from the Any's bytes (a message that came from the wire).
 */
import type protobuf from 'protobufjs';
import { parsedAnyPayload } from './proto-json.js';
import { envoyRoot, lookupMessageType } from './root.js';

export type AnyPayload = { type: protobuf.Type; message: protobuf.Message } | { problem: string };

export function anyPayload(any: object): AnyPayload {
  const fields = any as { type_url?: unknown; value?: unknown };
  const url = typeof fields.type_url === 'string' ? fields.type_url : '';
  if (url === '') return { problem: 'Any without a type' };
  // The payload type is looked up where the Any's own type lives (the Envoy root, usually).
  const root = (any as { $type?: protobuf.Type }).$type?.root ?? envoyRoot();
  const type = lookupMessageType(root, url);
  if (!type) return { problem: `unknown type "${url}": not a message of the loaded Envoy protos` };
  const parsed = parsedAnyPayload(any);
  if (parsed) return { type, message: parsed };
  try {
    const bytes = fields.value instanceof Uint8Array ? fields.value : new Uint8Array();
    return { type, message: type.decode(bytes) };
  } catch (err) {
    return { problem: `value does not decode as ${url}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The full message name of an Any's type URL ("" when there is none). */
export function anyTypeName(any: unknown): string {
  const url = (any as { type_url?: unknown } | null | undefined)?.type_url;
  return typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '';
}
