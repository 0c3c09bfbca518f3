/**
 * protobufjs message → proto3 JSON with proto field names (snake_case, as Envoy's YAML and
 * config dumps print them): the inverse of proto-json.ts, for tests and debugging. Unset and
 * default-valued fields are left out, 64-bit integers are decimal strings, Any payloads are
 * expanded by their type.
 */
import protobuf from 'protobufjs';
import { fullNameOf } from './names.js';
import { isLong } from './long.js';
import { anyPayload } from './any-payload.js';
import { hasExplicitPresence, SPECIAL_JSON_TYPES, valueKinds } from './proto-json.js';
import { setEntry } from './issues.js';
import { formatDuration, formatTimestamp } from './time-format.js';

type Fields = Record<string, unknown>;

export function messageToJson(type: protobuf.Type, message: protobuf.Message | Fields): unknown {
  const msg = message as Fields;
  if (SPECIAL_JSON_TYPES.has(fullNameOf(type))) return special(type, msg);
  const out: Fields = {};
  for (const field of type.fieldsArray) {
    const value = msg[field.name];
    if (value == null) continue;
    if (field.map) {
      const keys = Object.keys(value as Fields);
      if (keys.length === 0) continue;
      const map: Fields = {};
      for (const key of keys) setEntry(map, mapKeyText(field, key), single(field, (value as Fields)[key]));
      out[field.name] = map;
    } else if (field.repeated) {
      const list = value as unknown[];
      if (list.length === 0) continue;
      out[field.name] = list.map((item) => single(field, item));
    } else {
      const set = hasExplicitPresence(field) ? Object.hasOwn(msg, field.name) : !isDefault(value);
      if (set) out[field.name] = single(field, value);
    }
  }
  return out;
}

function single(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as Fields);
  if (resolved instanceof protobuf.Enum) {
    if (fullNameOf(resolved) === '.google.protobuf.NullValue') return null;
    return resolved.valuesById[value as number] ?? value;
  }
  return scalar(field.type, value);
}

function scalar(type: string, value: unknown): unknown {
  // An unset bytes field reads as protobufjs's shared empty array.
  if (type === 'bytes' && Array.isArray(value)) return Buffer.from(value).toString('base64');
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (isLong(value)) return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    if (type.endsWith('64') && type !== 'double') return String(value);
    if (type === 'float') return shortestFloat(value);
  }
  return value;
}

/** The shortest decimal that reads back as the same float32 (protobuf prints 0.1, not 0.10000000149). */
function shortestFloat(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function special(type: protobuf.Type, msg: Fields): unknown {
  switch (fullNameOf(type)) {
    case '.google.protobuf.Any': {
      const payload = anyPayload(msg);
      if ('problem' in payload) return { '@type': msg.type_url, '@error': payload.problem };
      const json = messageToJson(payload.type, payload.message);
      return SPECIAL_JSON_TYPES.has(fullNameOf(payload.type))
        ? { '@type': msg.type_url, value: json }
        : { '@type': msg.type_url, ...(json as Fields) };
    }
    case '.google.protobuf.Duration':
      return formatDuration(Number(msg.seconds ?? 0), Number(msg.nanos ?? 0));
    case '.google.protobuf.Timestamp':
      return formatTimestamp(Number(msg.seconds ?? 0), Number(msg.nanos ?? 0));
    case '.google.protobuf.FieldMask':
      return ((msg.paths as string[] | undefined) ?? []).map((p) => p.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())).join(',');
    case '.google.protobuf.Struct': {
      const out: Fields = {};
      const valueType = type.fields.fields!.resolvedType as protobuf.Type;
      for (const [key, value] of Object.entries((msg.fields as Fields | undefined) ?? {}))
        setEntry(out, key, special(valueType, value as Fields));
      return out;
    }
    case '.google.protobuf.ListValue': {
      const valueType = type.fields.values!.resolvedType as protobuf.Type;
      return ((msg.values as Fields[] | undefined) ?? []).map((v) => special(valueType, v));
    }
    case '.google.protobuf.Value': {
      const root = type.root;
      const kind = valueKinds(type);
      if (msg[kind.struct] != null) return special(root.lookupType('.google.protobuf.Struct'), msg[kind.struct] as Fields);
      if (msg[kind.list] != null) return special(root.lookupType('.google.protobuf.ListValue'), msg[kind.list] as Fields);
      if (Object.hasOwn(msg, kind.number)) return msg[kind.number];
      if (Object.hasOwn(msg, kind.string)) return msg[kind.string];
      if (Object.hasOwn(msg, kind.bool)) return msg[kind.bool];
      return null;
    }
    default: {
      // Wrappers: the bare value.
      const field = type.fields.value!;
      return scalar(field.type, msg.value ?? field.typeDefault);
    }
  }
}

function isDefault(value: unknown): boolean {
  if (value === 0 || value === false || value === '') return !Object.is(value, -0);
  if (value instanceof Uint8Array || Array.isArray(value)) return value.length === 0;
  if (isLong(value)) return value.isZero();
  return false;
}

/** Decoded 64-bit map keys come back from protobufjs as 8-character hashes. */
function mapKeyText(field: protobuf.Field, key: string): string {
  const keyType = (field as unknown as protobuf.MapField).keyType;
  if (keyType.endsWith('64') && !/^-?\d+$/.test(key)) {
    return protobuf.util.LongBits.fromHash(key)
      .toLong(keyType === 'uint64' || keyType === 'fixed64')
      .toString();
  }
  return key;
}
