/**
 * Proto3 JSON → protobufjs message, for Envoy configuration written as YAML/JSON or built as
 * plain objects by the control plane.
 *
 * This is the proto3 JSON mapping as protobuf's own parser applies it (the one Envoy uses when
 * it loads YAML), not protobufjs's lenient `fromObject`: unknown fields, unknown enum names,
 * malformed well-known types and wrongly typed scalars are errors, and every error is reported
 * with its path instead of stopping at the first. The message is built with the reflected
 * constructors, so unset fields read their proto3 defaults from the prototype, as the rule
 * walker expects.
 */
import protobuf from 'protobufjs';
import { fullNameOf } from './names.js';
import { isLong, longFromString, type LongValue } from './long.js';
import { type Issue, PathStack, setEntry } from './issues.js';
import { lookupEnvoyType, lookupMessageType } from './root.js';
import { parseDuration, parseTimestamp } from './time-format.js';

type Message = protobuf.Message;
type Fields = Record<string, unknown>;

export type ParseResult = { ok: true; message: Message } | { ok: false; issues: Issue[] };

/** Parses `json` as the message type `typeName` (a full name or a type URL). */
export function parseProtoJson(typeName: string, json: unknown): ParseResult {
  const type = lookupEnvoyType(typeName);
  if (!type) return { ok: false, issues: [{ path: '', message: `unknown message type "${typeName}"` }] };
  const { message, issues } = parseMessageJson(type, json);
  return message && issues.length === 0 ? { ok: true, message } : { ok: false, issues };
}

/**
 * Like parseProtoJson, but on errors still returns the message holding every value that did
 * parse, so that the rule walker can report the problems of the rest; undefined only when the
 * JSON is not of the message's kind at all (a string for an object...).
 */
export function parseMessageJson(type: protobuf.Type, json: unknown): { message: Message | undefined; issues: Issue[] } {
  const parser = new Parser();
  const message = parser.message(type, json);
  return { message, issues: parser.issues };
}

/**
 * The decoded payload of an Any built by this parser. The Any itself carries the payload's
 * bytes (that is what is encoded); the rule walker reads the message from here instead of
 * decoding those bytes again.
 */
const anyPayloads = new WeakMap<object, Message>();

export function parsedAnyPayload(any: object): Message | undefined {
  return anyPayloads.get(any);
}

/**
 * Fields whose JSON had errors, per message built from it. Their value is missing or partial,
 * so the rule walker does not judge them (a `min_len` or `required` error there would only
 * repeat the parse error); it still descends into what did parse.
 */
const parseFailures = new WeakMap<object, Set<string>>();

export function fieldsWithParseErrors(message: object): ReadonlySet<string> | undefined {
  return parseFailures.get(message);
}

/** Types whose proto3 JSON form is not an object of fields. */
const WRAPPERS = new Set(
  ['Double', 'Float', 'Int64', 'UInt64', 'Int32', 'UInt32', 'Bool', 'String', 'Bytes'].map((k) => `.google.protobuf.${k}Value`),
);
export const SPECIAL_JSON_TYPES: ReadonlySet<string> = new Set([
  '.google.protobuf.Any',
  '.google.protobuf.Duration',
  '.google.protobuf.Timestamp',
  '.google.protobuf.Struct',
  '.google.protobuf.Value',
  '.google.protobuf.ListValue',
  '.google.protobuf.FieldMask',
  ...WRAPPERS,
]);

/** Field by JSON name (lowerCamelCase or json_name) and by proto name, per message type. */
const fieldIndexes = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

function fieldIndex(type: protobuf.Type): Map<string, protobuf.Field> {
  let index = fieldIndexes.get(type);
  if (!index) {
    index = new Map();
    for (const field of type.fieldsArray) {
      index.set(field.name, field);
      index.set(jsonName(field), field);
    }
    fieldIndexes.set(type, index);
  }
  return index;
}

/** protoc's rule: drop each underscore and upper-case the letter after it. */
export function jsonName(field: protobuf.Field): string {
  const explicit = field.options?.json_name;
  if (typeof explicit === 'string') return explicit;
  return field.name.replace(/_(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''));
}

/** Whether a set field is distinguishable from an unset one (oneof members, `optional`, messages). */
export function hasExplicitPresence(field: protobuf.Field): boolean {
  return field.partOf != null || field.resolvedType instanceof protobuf.Type || field.options?.proto3_optional === true;
}

const INT32_RANGE: Record<string, [number, number]> = {
  int32: [-0x80000000, 0x7fffffff],
  sint32: [-0x80000000, 0x7fffffff],
  sfixed32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  fixed32: [0, 0xffffffff],
};
const INT64_RANGE: Record<string, [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};
const FLOAT_MAX = 3.4028234663852886e38;
const DECIMAL_INT_RE = /^-?\d+$/;
const JSON_NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BASE64_RE = /^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*={0,2})$/;

class Parser {
  readonly issues: Issue[] = [];
  private readonly path = new PathStack();

  private fail(message: string): undefined {
    this.issues.push({ path: this.path.toString(), message });
    return undefined;
  }

  /** A message of `type` from its JSON; undefined (after reporting) when the JSON is unusable. */
  message(type: protobuf.Type, json: unknown): Message | undefined {
    if (SPECIAL_JSON_TYPES.has(fullNameOf(type))) return this.special(type, json);
    if (!isObject(json)) return this.fail(`expected an object (${shortName(type)}), got ${describe(json)}`);
    return this.fields(type, json, undefined);
  }

  /** The fields of a message; `skipKey` is the "@type" of an Any whose payload this is. */
  private fields(type: protobuf.Type, json: Fields, skipKey: string | undefined): Message {
    const msg = new type.ctor() as unknown as Fields;
    const index = fieldIndex(type);
    for (const key of Object.keys(json)) {
      if (key === skipKey) continue;
      const raw = json[key];
      const field = index.get(key);
      // Paths name fields by their proto name, however the input spelled them.
      this.path.push(field ? field.name : key);
      if (!field) {
        this.fail(`unknown field "${key}" in ${shortName(type)}`);
      } else if (key !== field.name && Object.hasOwn(json, field.name)) {
        this.fail(`field "${field.name}" is set twice (as "${field.name}" and "${key}")`);
      } else if (raw !== null || isValueType(field)) {
        this.field(msg, field, raw);
      }
      this.path.pop();
    }
    return msg as unknown as Message;
  }

  private field(msg: Fields, field: protobuf.Field, raw: unknown): void {
    const issuesBefore = this.issues.length;
    this.setField(msg, field, raw);
    if (this.issues.length > issuesBefore) {
      let failed = parseFailures.get(msg);
      if (!failed) {
        failed = new Set();
        parseFailures.set(msg, failed);
      }
      failed.add(field.name);
    }
  }

  private setField(msg: Fields, field: protobuf.Field, raw: unknown): void {
    let value: unknown;
    if (field.map) value = this.map(field, (field as unknown as protobuf.MapField).keyType, raw);
    else if (field.repeated) value = this.list(field, raw);
    else value = this.single(field, raw);
    if (value === undefined) return;
    const oneof = field.partOf;
    if (oneof && oneof.fieldsArray.length > 1) {
      for (const other of oneof.fieldsArray) {
        if (other !== field && Object.hasOwn(msg, other.name)) {
          this.fail(`"${other.name}" and "${field.name}" are both set, but oneof "${oneof.name}" allows only one of them`);
          return;
        }
      }
    }
    // Proto3 does not encode a default scalar of a field without presence: leaving it unset
    // keeps the bytes canonical (it still reads as the default from the prototype).
    if (!hasExplicitPresence(field) && !field.repeated && !field.map && isScalarDefault(value)) return;
    if (field.repeated && !field.map && (value as unknown[]).length === 0) return;
    msg[field.name] = value;
  }

  private single(field: protobuf.Field, raw: unknown): unknown {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Type) return this.message(resolved, raw);
    if (resolved instanceof protobuf.Enum) return this.enumValue(resolved, raw);
    return this.scalar(field.type, raw);
  }

  private list(field: protobuf.Field, raw: unknown): unknown[] | undefined {
    if (!Array.isArray(raw)) return this.fail(`expected a list, got ${describe(raw)}`);
    const out: unknown[] = [];
    for (let i = 0; i < raw.length; i++) {
      this.path.push(i);
      const item = raw[i];
      if (item === null && !isValueType(field)) {
        this.fail('null is not allowed in a list');
      } else {
        const value = this.single(field, item);
        if (value !== undefined) out.push(value);
      }
      this.path.pop();
    }
    return out;
  }

  private map(field: protobuf.Field, keyType: string, raw: unknown): Fields | undefined {
    if (!isObject(raw)) return this.fail(`expected an object (map), got ${describe(raw)}`);
    const out: Fields = {};
    for (const key of Object.keys(raw)) {
      this.path.pushKey(key);
      const mapKey = this.mapKey(keyType, key);
      const item = raw[key];
      if (item === null && !isValueType(field)) {
        this.fail('null is not allowed as a map value');
      } else if (mapKey !== undefined) {
        const value = this.single(field, item);
        if (value !== undefined) setEntry(out, mapKey, value);
      }
      this.path.pop();
    }
    return out;
  }

  /** Map keys are JSON strings; protobufjs keeps them as strings too (decimal for integers). */
  private mapKey(keyType: string, key: string): string | undefined {
    if (keyType === 'string') return key;
    if (keyType === 'bool') {
      return key === 'true' || key === 'false' ? key : this.fail(`invalid bool map key "${key}"`);
    }
    const value = this.scalar(keyType, key);
    return value === undefined ? undefined : String(value);
  }

  private enumValue(type: protobuf.Enum, raw: unknown): number | undefined {
    if (fullNameOf(type) === '.google.protobuf.NullValue' && raw === null) return 0;
    if (typeof raw === 'string') {
      const value = type.values[raw];
      if (value !== undefined) return value;
      return this.fail(`unknown value "${raw}" for enum ${shortName(type)} (expected one of ${Object.keys(type.values).join(', ')})`);
    }
    // Proto3 enums are open: any int32 is accepted on the wire; `defined_only` rules catch the rest.
    const n = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof n === 'number' && Number.isInteger(n) && n >= -0x80000000 && n <= 0x7fffffff) return n;
    return this.fail(`expected an enum name of ${shortName(type)}, got ${describe(raw)}`);
  }

  private scalar(type: string, raw: unknown): unknown {
    switch (type) {
      case 'string':
        if (typeof raw !== 'string') return this.fail(`expected a string, got ${describe(raw)}`);
        // Protobuf strings are UTF-8: a lone surrogate cannot be encoded faithfully.
        if (LONE_SURROGATE_RE.test(raw)) return this.fail('string is not valid Unicode (lone surrogate)');
        return raw;
      case 'bool':
        if (typeof raw !== 'boolean') return this.fail(`expected true or false, got ${describe(raw)}`);
        return raw;
      case 'bytes':
        if (typeof raw !== 'string' || !BASE64_RE.test(raw)) return this.fail(`expected base64 bytes, got ${describe(raw)}`);
        return Buffer.from(raw, 'base64');
      case 'double':
      case 'float':
        return this.floating(type, raw);
      default:
        if (type in INT32_RANGE) return this.int32(type, raw);
        if (type in INT64_RANGE) return this.int64(type, raw);
        return this.fail(`unsupported scalar type ${type}`);
    }
  }

  private floating(type: string, raw: unknown): number | undefined {
    let value: number;
    if (typeof raw === 'number') value = raw;
    else if (typeof raw === 'bigint') value = Number(raw);
    else if (raw === 'NaN') return NaN;
    else if (raw === 'Infinity') return Infinity;
    else if (raw === '-Infinity') return -Infinity;
    else if (typeof raw === 'string' && JSON_NUMBER_RE.test(raw)) value = Number(raw);
    else return this.fail(`expected a number, got ${describe(raw)}`);
    if (!Number.isFinite(value)) return this.fail(`number ${String(raw)} is out of range for ${type}`);
    if (type === 'float' && Math.abs(value) > FLOAT_MAX) return this.fail(`number ${String(raw)} is out of range for float`);
    return value;
  }

  private int32(type: string, raw: unknown): number | undefined {
    const value = this.integer(raw);
    if (value === undefined) return undefined;
    const [min, max] = INT32_RANGE[type]!;
    if (value < min || value > max) return this.fail(`${String(raw)} is out of range for ${type} (${min} to ${max})`);
    return Number(value);
  }

  /** 64-bit values stay numbers when exact, and become Longs (as protobufjs decodes them) when not. */
  private int64(type: string, raw: unknown): number | LongValue | undefined {
    const value = this.integer(raw);
    if (value === undefined) return undefined;
    const [min, max] = INT64_RANGE[type]!;
    if (value < min || value > max) return this.fail(`${String(raw)} is out of range for ${type}`);
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
    return longFromString(value.toString(), type === 'uint64' || type === 'fixed64');
  }

  /** A JSON number or decimal string holding an integer, as a BigInt (exact for 64 bits). */
  private integer(raw: unknown): bigint | undefined {
    if (typeof raw === 'bigint') return raw;
    if (typeof raw === 'number') {
      if (Number.isInteger(raw)) return BigInt(raw);
      return this.fail(`expected an integer, got ${raw}`);
    }
    if (typeof raw === 'string') {
      if (DECIMAL_INT_RE.test(raw)) return BigInt(raw);
      // Protobuf accepts "1e3" and "5.0" as long as the value is integral.
      if (JSON_NUMBER_RE.test(raw) && Number.isInteger(Number(raw)) && Number.isSafeInteger(Number(raw))) return BigInt(Number(raw));
    }
    return this.fail(`expected an integer (number or decimal string), got ${describe(raw)}`);
  }

  // ---- well-known types with their own JSON form ----

  private special(type: protobuf.Type, json: unknown): Message | undefined {
    const name = fullNameOf(type);
    if (name === '.google.protobuf.Any') return this.any(type, json);
    if (name === '.google.protobuf.Duration' || name === '.google.protobuf.Timestamp') {
      if (typeof json !== 'string') return this.fail(`expected a ${shortName(type)} string, got ${describe(json)}`);
      const parsed = name === '.google.protobuf.Duration' ? parseDuration(json) : parseTimestamp(json);
      if (typeof parsed === 'string') return this.fail(parsed);
      return this.create(type, parsed.seconds === 0 && parsed.nanos === 0 ? {} : pruneZero(parsed));
    }
    if (name === '.google.protobuf.Struct') {
      if (!isObject(json)) return this.fail(`expected an object (Struct), got ${describe(json)}`);
      return this.struct(type, json);
    }
    if (name === '.google.protobuf.ListValue') {
      if (!Array.isArray(json)) return this.fail(`expected a list (ListValue), got ${describe(json)}`);
      return this.listValue(type, json);
    }
    if (name === '.google.protobuf.Value') return this.value(type, json);
    if (name === '.google.protobuf.FieldMask') {
      if (typeof json !== 'string') return this.fail(`expected a FieldMask string like "a.b,c", got ${describe(json)}`);
      const paths = json === '' ? [] : json.split(',').map((p) => p.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      return this.create(type, { paths });
    }
    // Wrappers: the bare value of their one `value` field.
    const valueField = type.fields.value!;
    const value = this.scalar(valueField.type, json);
    if (value === undefined) return undefined;
    return this.create(type, isScalarDefault(value) ? {} : { value });
  }

  private create(type: protobuf.Type, fields: Fields): Message {
    return new type.ctor(fields) as Message;
  }

  private struct(type: protobuf.Type, json: Fields): Message {
    const valueType = type.fields.fields!.resolvedType as protobuf.Type;
    const fields: Fields = {};
    for (const key of Object.keys(json)) {
      this.path.pushKey(key);
      const value = this.value(valueType, json[key]);
      if (value !== undefined) setEntry(fields, key, value);
      this.path.pop();
    }
    return this.create(type, { fields });
  }

  private listValue(type: protobuf.Type, json: unknown[]): Message {
    const valueType = type.fields.values!.resolvedType as protobuf.Type;
    const values: Message[] = [];
    for (let i = 0; i < json.length; i++) {
      this.path.push(i);
      const value = this.value(valueType, json[i]);
      if (value !== undefined) values.push(value);
      this.path.pop();
    }
    return this.create(type, { values });
  }

  /** google.protobuf.Value: any JSON. */
  private value(type: protobuf.Type, json: unknown): Message | undefined {
    const kind = valueKinds(type);
    if (json === null) return this.create(type, { [kind.null]: 0 });
    if (typeof json === 'number') {
      if (!Number.isFinite(json)) return this.fail('a Value number must be finite');
      return this.create(type, { [kind.number]: json });
    }
    if (typeof json === 'bigint') return this.create(type, { [kind.number]: Number(json) });
    if (typeof json === 'string') return this.create(type, { [kind.string]: json });
    if (typeof json === 'boolean') return this.create(type, { [kind.bool]: json });
    const root = type.root;
    if (Array.isArray(json)) return this.create(type, { [kind.list]: this.listValue(root.lookupType('.google.protobuf.ListValue'), json) });
    if (isObject(json)) return this.create(type, { [kind.struct]: this.struct(root.lookupType('.google.protobuf.Struct'), json) });
    return this.fail(`expected JSON, got ${describe(json)}`);
  }

  /**
   * `{"@type": "type.googleapis.com/<full name>", ...payload fields}`, or for a payload that
   * itself has a special JSON form (Duration, Struct, wrappers...) `{"@type": ..., "value": ...}`.
   */
  private any(type: protobuf.Type, json: unknown): Message | undefined {
    if (!isObject(json)) return this.fail(`expected an object with "@type" (Any), got ${describe(json)}`);
    const typeUrl = json['@type'];
    if (typeUrl === undefined) return this.fail('Any without "@type"');
    this.path.push('@type');
    let payloadType: protobuf.Type | undefined;
    if (typeof typeUrl !== 'string') {
      this.fail(`"@type" must be a string, got ${describe(typeUrl)}`);
    } else {
      const slash = typeUrl.lastIndexOf('/');
      if (slash <= 0 || slash === typeUrl.length - 1) {
        this.fail(`malformed type URL "${typeUrl}" (expected "type.googleapis.com/<message full name>")`);
      } else {
        payloadType = lookupMessageType(type.root, typeUrl.slice(slash + 1));
        if (!payloadType)
          this.fail(`unknown type "${typeUrl.slice(slash + 1)}": not a message of the loaded Envoy protos (envoy-schema/root.ts)`);
      }
    }
    this.path.pop();
    if (!payloadType) return undefined;

    let payload: Message | undefined;
    if (SPECIAL_JSON_TYPES.has(fullNameOf(payloadType))) {
      for (const key of Object.keys(json)) {
        if (key !== '@type' && key !== 'value') {
          this.path.push(key);
          this.fail(`unknown field "${key}": an Any holding ${shortName(payloadType)} has only "@type" and "value"`);
          this.path.pop();
        }
      }
      this.path.push('value');
      payload = Object.hasOwn(json, 'value') ? this.message(payloadType, json.value) : this.fail('missing "value"');
      this.path.pop();
    } else {
      payload = this.fields(payloadType, json, '@type');
    }
    if (!payload) return undefined;
    const any = this.create(type, { type_url: typeUrl, value: payloadType.encode(payload).finish() });
    anyPayloads.set(any, payload);
    return any;
  }
}

/**
 * The member names of google.protobuf.Value's `kind` oneof. protobufjs bundles the well-known
 * types as precompiled JSON with camelCase names (`numberValue`), unlike our keepCase protos,
 * so they are looked up by field number.
 */
type ValueKinds = Record<'null' | 'number' | 'string' | 'bool' | 'struct' | 'list', string>;
const valueKindsCache = new WeakMap<protobuf.Type, ValueKinds>();

export function valueKinds(type: protobuf.Type): ValueKinds {
  let kinds = valueKindsCache.get(type);
  if (!kinds) {
    const name = (id: number) => type.fieldsById[id]!.name;
    kinds = { null: name(1), number: name(2), string: name(3), bool: name(4), struct: name(5), list: name(6) };
    valueKindsCache.set(type, kinds);
  }
  return kinds;
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** google.protobuf.Value fields take JSON null as a value (NULL_VALUE), not as "unset". */
function isValueType(field: protobuf.Field): boolean {
  return field.resolvedType != null && fullNameOf(field.resolvedType) === '.google.protobuf.Value';
}

function isScalarDefault(value: unknown): boolean {
  if (value === 0 || value === false || value === '') return !Object.is(value, -0);
  if (value instanceof Uint8Array) return value.length === 0;
  if (isLong(value)) return value.isZero();
  return false;
}

function pruneZero(parsed: { seconds: number; nanos: number }): Fields {
  const out: Fields = {};
  if (parsed.seconds !== 0) out.seconds = parsed.seconds;
  if (parsed.nanos !== 0) out.nanos = parsed.nanos;
  return out;
}

export function shortName(type: protobuf.ReflectionObject): string {
  const name = fullNameOf(type);
  return name.startsWith('.') ? name.slice(1) : name;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  // YAML integers arrive as BigInt: to the author they are numbers.
  if (typeof value === 'bigint') return `number ${value}`;
  return `${typeof value} ${String(value)}`;
}
