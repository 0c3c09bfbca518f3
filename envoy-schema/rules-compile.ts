/**
 * protoc-gen-validate rules (`(validate.rules)` on a field) compiled once per field into
 * closures that the walker calls per value, with the semantics of validate.proto.
 *
 * A rule kind this module does not know is a thrown error, never a skipped check: the set of
 * kinds below is the whole contract, and a test compiles every field of every loaded type.
 */
import type protobuf from 'protobufjs';
import { fullNameOf } from './names.js';
import { isLong } from './long.js';
import { isRecord, type OptionValue } from './options.js';
import { compileRe2 } from './re2.js';
import { isAddress, isEmail, isHeaderName, isHeaderValue, isHostname, isIp, isUri, isUriRef, isUuid } from './string-formats.js';
import { totalNanos } from './time-format.js';

/** Where a check reports: the walker knows the path. */
export interface Sink {
  error(message: string): void;
}

export type Check = (value: unknown, sink: Sink) => void;

/** Rules for one value: a singular field, or one item, key or value of a collection. */
export interface ValueRules {
  /** Checks a present value (scalar, enum number, Any/Duration/Timestamp/wrapper message). */
  readonly check: Check | undefined;
  /** The message must be set. */
  readonly required: boolean;
  /** The walker does not validate inside the message. */
  readonly skip: boolean;
}

export interface FieldRules extends ValueRules {
  /** repeated: count bounds, uniqueness; map: pair bounds. */
  readonly size: ((size: number, sink: Sink) => void) | undefined;
  readonly unique: boolean;
  /** An empty repeated or map field is not checked at all. */
  readonly ignoreEmpty: boolean;
  readonly items: ValueRules | undefined;
  readonly keys: ValueRules | undefined;
  readonly values: ValueRules | undefined;
}

/** What a rule set applies to. */
export type Target =
  | { readonly kind: 'scalar'; readonly type: string }
  | { readonly kind: 'enum'; readonly type: protobuf.Enum }
  | { readonly kind: 'message'; readonly type: protobuf.Type }
  | { readonly kind: 'repeated'; readonly item: Target }
  | { readonly kind: 'map'; readonly key: Target; readonly value: Target };

const NUMERIC_KEYS = ['const', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in', 'ignore_empty'];
const NUMERIC_KINDS = [
  'float',
  'double',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
];
const STRING_WELL_KNOWN = ['email', 'hostname', 'ip', 'ipv4', 'ipv6', 'uri', 'uri_ref', 'address', 'uuid', 'well_known_regex'];

/** Every rule this module enforces, by kind: `string.min_len`, `repeated.items`, ... */
export const HANDLED_RULES: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(NUMERIC_KINDS.map((k) => [k, NUMERIC_KEYS])),
  bool: ['const'],
  string: [
    'const',
    'len',
    'min_len',
    'max_len',
    'len_bytes',
    'min_bytes',
    'max_bytes',
    'pattern',
    'prefix',
    'suffix',
    'contains',
    'not_contains',
    'in',
    'not_in',
    ...STRING_WELL_KNOWN,
    'strict',
    'ignore_empty',
  ],
  bytes: [
    'const',
    'len',
    'min_len',
    'max_len',
    'pattern',
    'prefix',
    'suffix',
    'contains',
    'in',
    'not_in',
    'ip',
    'ipv4',
    'ipv6',
    'ignore_empty',
  ],
  enum: ['const', 'defined_only', 'in', 'not_in'],
  message: ['required', 'skip'],
  repeated: ['min_items', 'max_items', 'unique', 'items', 'ignore_empty'],
  map: ['min_pairs', 'max_pairs', 'no_sparse', 'keys', 'values', 'ignore_empty'],
  any: ['required', 'in', 'not_in'],
  duration: ['required', 'const', 'lt', 'lte', 'gt', 'gte', 'in', 'not_in'],
  timestamp: ['required', 'const', 'lt', 'lte', 'gt', 'gte', 'lt_now', 'gt_now', 'within'],
};

/** `kind.rule` for every rule in a `(validate.rules)` value, nested item/key/value rules included. */
export function ruleKinds(rules: OptionValue, out: Set<string> = new Set()): Set<string> {
  for (const [kind, body] of Object.entries(rules)) {
    if (!isRecord(body)) {
      out.add(kind);
      continue;
    }
    for (const [rule, value] of Object.entries(body)) {
      out.add(`${kind}.${rule}`);
      if ((rule === 'items' || rule === 'keys' || rule === 'values') && isRecord(value)) ruleKinds(value, out);
    }
  }
  return out;
}

export class UnsupportedRuleError extends Error {}

const WRAPPED: Record<string, string> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
};

/** Compiles the rules of a field; `where` names it in errors about the rules themselves. */
export function compileFieldRules(rules: OptionValue, target: Target, where: string): FieldRules {
  const kinds = Object.keys(rules).filter((k) => k !== 'message');
  if (kinds.length > 1) throw new UnsupportedRuleError(`${where}: several rule kinds (${kinds.join(', ')})`);
  const kind = kinds[0];
  const body = kind === undefined ? undefined : asRecord(rules[kind], where, kind);
  if (kind !== undefined) checkKeys(kind, body!, where);

  if (target.kind === 'repeated' || target.kind === 'map') {
    if (rules.message !== undefined) throw new UnsupportedRuleError(`${where}: message rules on a ${target.kind} field`);
    if (kind === undefined) return noRules(target);
    if (kind !== target.kind) throw new UnsupportedRuleError(`${where}: ${kind} rules on a ${target.kind} field`);
    return target.kind === 'repeated' ? compileRepeated(body!, target, where) : compileMap(body!, target, where);
  }
  const value = compileValueRules(rules, target, where);
  return { ...value, size: undefined, unique: false, ignoreEmpty: false, items: undefined, keys: undefined, values: undefined };
}

function noRules(_target: Target): FieldRules {
  return {
    check: undefined,
    required: false,
    skip: false,
    size: undefined,
    unique: false,
    ignoreEmpty: false,
    items: undefined,
    keys: undefined,
    values: undefined,
  };
}

/** Rules of a singular value: one type kind plus, for messages, `message.required/skip`. */
export function compileValueRules(rules: OptionValue, target: Target, where: string): ValueRules {
  const messageRules = rules.message === undefined ? {} : asRecord(rules.message, where, 'message');
  checkKeys('message', messageRules, where);
  let required = messageRules.required === true;
  const skip = messageRules.skip === true;
  if ((required || skip) && target.kind !== 'message') throw new UnsupportedRuleError(`${where}: message rules on a non-message value`);

  const kinds = Object.keys(rules).filter((k) => k !== 'message');
  if (kinds.length > 1) throw new UnsupportedRuleError(`${where}: several rule kinds (${kinds.join(', ')})`);
  const kind = kinds[0];
  if (kind === undefined) return { check: undefined, required, skip };
  const body = asRecord(rules[kind], where, kind);
  checkKeys(kind, body, where);

  let check: Check | undefined;
  if (target.kind === 'scalar') {
    if (kind !== target.type) throw new UnsupportedRuleError(`${where}: ${kind} rules on a ${target.type} value`);
    check = scalarCheck(kind, body, where);
  } else if (target.kind === 'enum') {
    if (kind !== 'enum') throw new UnsupportedRuleError(`${where}: ${kind} rules on an enum value`);
    check = enumCheck(body, target.type);
  } else if (target.kind === 'message') {
    const name = fullNameOf(target.type);
    if (WRAPPED[name] !== undefined) {
      // PGV applies scalar rules to the wrapped value, when the wrapper is set.
      if (kind !== WRAPPED[name]) throw new UnsupportedRuleError(`${where}: ${kind} rules on a ${name}`);
      const inner = scalarCheck(kind, body, where);
      check = (msg, sink) => inner((msg as OptionValue).value, sink);
    } else if (kind === 'any' && name === '.google.protobuf.Any') {
      required ||= body.required === true;
      check = anyCheck(body);
    } else if (kind === 'duration' && name === '.google.protobuf.Duration') {
      required ||= body.required === true;
      check = timeCheck(body, where, 'duration');
    } else if (kind === 'timestamp' && name === '.google.protobuf.Timestamp') {
      required ||= body.required === true;
      check = timeCheck(body, where, 'timestamp');
    } else if (kind === 'any' && Object.keys(body).every((k) => k === 'required')) {
      // Envoy writes `(validate.rules).any = {required: true}` on a few plain message fields
      // (ExtensionConfigSource.config_source); its only possible meaning is "must be set".
      required ||= body.required === true;
    } else {
      throw new UnsupportedRuleError(`${where}: ${kind} rules on a ${name}`);
    }
  } else {
    throw new UnsupportedRuleError(`${where}: ${kind} rules on a ${target.kind} value`);
  }
  return { check, required, skip };
}

function compileRepeated(body: OptionValue, target: { kind: 'repeated'; item: Target }, where: string): FieldRules {
  const min = optCount(body.min_items);
  const max = optCount(body.max_items);
  const unique = body.unique === true;
  if (unique && target.item.kind === 'message') throw new UnsupportedRuleError(`${where}: repeated.unique on message items`);
  const items =
    body.items === undefined ? undefined : compileValueRules(asRecord(body.items, where, 'items'), target.item, `${where}[items]`);
  return {
    check: undefined,
    required: false,
    skip: false,
    size: sizeCheck(min, max, 'items'),
    unique,
    ignoreEmpty: body.ignore_empty === true,
    items,
    keys: undefined,
    values: undefined,
  };
}

function compileMap(body: OptionValue, target: { kind: 'map'; key: Target; value: Target }, where: string): FieldRules {
  const min = optCount(body.min_pairs);
  const max = optCount(body.max_pairs);
  const keys = body.keys === undefined ? undefined : compileValueRules(asRecord(body.keys, where, 'keys'), target.key, `${where}[keys]`);
  const values =
    body.values === undefined ? undefined : compileValueRules(asRecord(body.values, where, 'values'), target.value, `${where}[values]`);
  // `no_sparse` forbids unset message values; a protobufjs map cannot hold one (the parser
  // refuses null values and the decoder always creates the message), so it always holds.
  return {
    check: undefined,
    required: false,
    skip: false,
    size: sizeCheck(min, max, 'pairs'),
    unique: false,
    ignoreEmpty: body.ignore_empty === true,
    items: undefined,
    keys,
    values,
  };
}

function sizeCheck(min: number | undefined, max: number | undefined, noun: string): FieldRules['size'] {
  if (min === undefined && max === undefined) return undefined;
  return (size, sink) => {
    if (min !== undefined && size < min) sink.error(`must have at least ${min} ${noun}, has ${size}`);
    if (max !== undefined && size > max) sink.error(`must have at most ${max} ${noun}, has ${size}`);
  };
}

// ---- scalars ----

function scalarCheck(kind: string, body: OptionValue, where: string): Check {
  if (kind === 'string') return stringCheck(body, where);
  if (kind === 'bytes') return bytesCheck(body, where);
  if (kind === 'bool') {
    const expected = body.const;
    return (value, sink) => {
      if (expected !== undefined && value !== expected) sink.error(`must be ${String(expected)}`);
    };
  }
  return numberCheck(kind, body, where);
}

/** A number for 32-bit kinds and doubles; a BigInt for 64-bit integers (exact). */
type Num = number | bigint;

function numberCheck(kind: string, body: OptionValue, where: string): Check {
  const wide = kind.endsWith('64') && kind !== 'double';
  const conv = (v: unknown): Num => (wide ? toBigInt(v, where) : Number(v));
  const constant = body.const === undefined ? undefined : conv(body.const);
  const range = compileRange(body, conv);
  const inList = body.in === undefined ? undefined : toArray(body.in).map(conv);
  const notIn = body.not_in === undefined ? undefined : toArray(body.not_in).map(conv);
  const ignoreEmpty = body.ignore_empty === true;
  return (raw, sink) => {
    const value: Num = wide ? toBigInt(raw, where) : (raw as number);
    if (ignoreEmpty && (value === 0 || value === 0n)) return;
    if (constant !== undefined && value !== constant) sink.error(`must equal ${constant}, got ${value}`);
    if (range) {
      const problem = range(value);
      if (problem) sink.error(`${problem}, got ${value}`);
    }
    if (inList && !inList.includes(value)) sink.error(`must be one of ${inList.join(', ')}, got ${value}`);
    if (notIn?.includes(value)) sink.error(`must not be one of ${notIn.join(', ')}, got ${value}`);
  };
}

/**
 * lt/lte/gt/gte as validate.proto defines them: with both a lower and an upper bound, the
 * value must lie between them, unless the upper bound is not above the lower one, in which
 * case the range is exclusive and the value must lie outside it.
 */
function compileRange<T extends Num>(
  body: OptionValue,
  conv: (v: unknown) => T,
  show: (v: T) => string = String,
): ((value: T) => string | undefined) | undefined {
  const lt = body.lt === undefined ? undefined : conv(body.lt);
  const lte = body.lte === undefined ? undefined : conv(body.lte);
  const gt = body.gt === undefined ? undefined : conv(body.gt);
  const gte = body.gte === undefined ? undefined : conv(body.gte);
  const upper = lt ?? lte;
  const lower = gt ?? gte;
  if (upper === undefined && lower === undefined) return undefined;
  const aboveLower = (v: T) => (gt !== undefined ? v > gt : v >= gte!);
  const belowUpper = (v: T) => (lt !== undefined ? v < lt : v <= lte!);
  const lowText = gt !== undefined ? `greater than ${show(gt)}` : gte !== undefined ? `at least ${show(gte)}` : '';
  const upText = lt !== undefined ? `less than ${show(lt)}` : lte !== undefined ? `at most ${show(lte)}` : '';
  if (upper === undefined) return (v) => (aboveLower(v) ? undefined : `must be ${lowText}`);
  if (lower === undefined) return (v) => (belowUpper(v) ? undefined : `must be ${upText}`);
  if (upper > lower) {
    return (v) => (aboveLower(v) && belowUpper(v) ? undefined : `must be ${lowText} and ${upText}`);
  }
  return (v) => (aboveLower(v) || belowUpper(v) ? undefined : `must be ${upText} or ${lowText}`);
}

function stringCheck(body: OptionValue, where: string): Check {
  const constant = optString(body.const);
  const len = optCount(body.len);
  const minLen = optCount(body.min_len);
  const maxLen = optCount(body.max_len);
  const lenBytes = optCount(body.len_bytes);
  const minBytes = optCount(body.min_bytes);
  const maxBytes = optCount(body.max_bytes);
  const pattern = body.pattern === undefined ? undefined : compilePattern(String(body.pattern), where);
  const prefix = optString(body.prefix);
  const suffix = optString(body.suffix);
  const contains = optString(body.contains);
  const notContains = optString(body.not_contains);
  const inList = body.in === undefined ? undefined : toArray(body.in).map(String);
  const notIn = body.not_in === undefined ? undefined : toArray(body.not_in).map(String);
  const wellKnown = stringWellKnown(body, where);
  const ignoreEmpty = body.ignore_empty === true;
  const countRunes = len !== undefined || minLen !== undefined || maxLen !== undefined;
  const countBytes = lenBytes !== undefined || minBytes !== undefined || maxBytes !== undefined;

  return (raw, sink) => {
    const value = raw as string;
    if (ignoreEmpty && value === '') return;
    if (constant !== undefined && value !== constant) sink.error(`must equal ${JSON.stringify(constant)}`);
    if (countRunes) {
      // PGV counts runes (code points), not UTF-16 units.
      const runes = runeCount(value);
      if (len !== undefined && runes !== len) sink.error(`must be exactly ${len} characters long, is ${runes}`);
      if (minLen !== undefined && runes < minLen) sink.error(`must be at least ${minLen} characters long, is ${runes}`);
      if (maxLen !== undefined && runes > maxLen) sink.error(`must be at most ${maxLen} characters long, is ${runes}`);
    }
    if (countBytes) {
      const bytes = Buffer.byteLength(value, 'utf8');
      if (lenBytes !== undefined && bytes !== lenBytes) sink.error(`must be exactly ${lenBytes} bytes long (UTF-8), is ${bytes}`);
      if (minBytes !== undefined && bytes < minBytes) sink.error(`must be at least ${minBytes} bytes long (UTF-8), is ${bytes}`);
      if (maxBytes !== undefined && bytes > maxBytes) sink.error(`must be at most ${maxBytes} bytes long (UTF-8), is ${bytes}`);
    }
    if (pattern && !pattern.test(value)) sink.error(`must match the pattern ${JSON.stringify(pattern.source)}`);
    if (prefix !== undefined && !value.startsWith(prefix)) sink.error(`must start with ${JSON.stringify(prefix)}`);
    if (suffix !== undefined && !value.endsWith(suffix)) sink.error(`must end with ${JSON.stringify(suffix)}`);
    if (contains !== undefined && !value.includes(contains)) sink.error(`must contain ${JSON.stringify(contains)}`);
    if (notContains !== undefined && value.includes(notContains)) sink.error(`must not contain ${JSON.stringify(notContains)}`);
    if (inList && !inList.includes(value)) sink.error(`must be one of ${inList.map((s) => JSON.stringify(s)).join(', ')}`);
    if (notIn?.includes(value)) sink.error(`must not be one of ${notIn.map((s) => JSON.stringify(s)).join(', ')}`);
    if (wellKnown) {
      const problem = wellKnown(value);
      if (problem) sink.error(problem);
    }
  };
}

function stringWellKnown(body: OptionValue, where: string): ((value: string) => string | undefined) | undefined {
  const set = STRING_WELL_KNOWN.filter((k) => body[k] !== undefined && body[k] !== false);
  if (set.length > 1) throw new UnsupportedRuleError(`${where}: several well_known string rules (${set.join(', ')})`);
  const which = set[0];
  if (which === undefined) return undefined;
  const shown = (v: string) => JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
  switch (which) {
    case 'well_known_regex': {
      // `strict` defaults to true (validate.proto: `[default = true]`).
      const strict = body.strict !== false;
      const regex = body.well_known_regex;
      if (regex === 'HTTP_HEADER_NAME' || regex === 1) {
        return (v) =>
          isHeaderName(v, strict) ? undefined : `must be a valid HTTP header name${strict ? '' : ' (no NUL, CR or LF)'}, got ${shown(v)}`;
      }
      if (regex === 'HTTP_HEADER_VALUE' || regex === 2) {
        return (v) =>
          isHeaderValue(v, strict) ? undefined : `must be a valid HTTP header value${strict ? '' : ' (no NUL, CR or LF)'}, got ${shown(v)}`;
      }
      throw new UnsupportedRuleError(`${where}: well_known_regex ${String(regex)}`);
    }
    case 'email':
      return (v) => (isEmail(v) ? undefined : `must be a valid email address, got ${shown(v)}`);
    case 'hostname':
      return (v) => (isHostname(v) ? undefined : `must be a valid hostname, got ${shown(v)}`);
    case 'ip':
      return (v) => (isIp(v) ? undefined : `must be a valid IP address, got ${shown(v)}`);
    case 'ipv4':
      return (v) => (isIp(v, 4) ? undefined : `must be a valid IPv4 address, got ${shown(v)}`);
    case 'ipv6':
      return (v) => (isIp(v, 6) ? undefined : `must be a valid IPv6 address, got ${shown(v)}`);
    case 'uri':
      return (v) => (isUri(v) ? undefined : `must be a valid absolute URI, got ${shown(v)}`);
    case 'uri_ref':
      return (v) => (isUriRef(v) ? undefined : `must be a valid URI reference, got ${shown(v)}`);
    case 'address':
      return (v) => (isAddress(v) ? undefined : `must be a valid hostname or IP address, got ${shown(v)}`);
    case 'uuid':
      return (v) => (isUuid(v) ? undefined : `must be a valid UUID, got ${shown(v)}`);
    default:
      throw new UnsupportedRuleError(`${where}: string.${which}`);
  }
}

function bytesCheck(body: OptionValue, where: string): Check {
  // Bytes literals in options reach us as strings (protobufjs does not decode their escapes
  // into bytes); their UTF-8 encoding is what the literal denotes for printable text.
  const bytesOf = (v: unknown) => Buffer.from(String(v), 'utf8');
  const constant = body.const === undefined ? undefined : bytesOf(body.const);
  const len = optCount(body.len);
  const minLen = optCount(body.min_len);
  const maxLen = optCount(body.max_len);
  const pattern = body.pattern === undefined ? undefined : compilePattern(String(body.pattern), where);
  const prefix = body.prefix === undefined ? undefined : bytesOf(body.prefix);
  const suffix = body.suffix === undefined ? undefined : bytesOf(body.suffix);
  const contains = body.contains === undefined ? undefined : bytesOf(body.contains);
  const inList = body.in === undefined ? undefined : toArray(body.in).map(bytesOf);
  const notIn = body.not_in === undefined ? undefined : toArray(body.not_in).map(bytesOf);
  const ipLengths = body.ip === true ? [4, 16] : body.ipv4 === true ? [4] : body.ipv6 === true ? [16] : undefined;
  const ignoreEmpty = body.ignore_empty === true;
  return (raw, sink) => {
    // An unset bytes field reads as protobufjs's shared empty array, not a Uint8Array.
    const value = raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) : Buffer.from(raw as number[]);
    if (ignoreEmpty && value.length === 0) return;
    if (constant && !value.equals(constant)) sink.error('must equal the constant bytes of its rule');
    if (len !== undefined && value.length !== len) sink.error(`must be exactly ${len} bytes long, is ${value.length}`);
    if (minLen !== undefined && value.length < minLen) sink.error(`must be at least ${minLen} bytes long, is ${value.length}`);
    if (maxLen !== undefined && value.length > maxLen) sink.error(`must be at most ${maxLen} bytes long, is ${value.length}`);
    if (pattern && !pattern.test(value.toString('utf8'))) sink.error(`must match the pattern ${JSON.stringify(pattern.source)}`);
    if (prefix && !value.subarray(0, prefix.length).equals(prefix)) sink.error('must start with the prefix of its rule');
    if (suffix && (value.length < suffix.length || !value.subarray(value.length - suffix.length).equals(suffix)))
      sink.error('must end with the suffix of its rule');
    if (contains && value.indexOf(contains) < 0) sink.error('must contain the bytes of its rule');
    if (inList && !inList.some((b) => b.equals(value))) sink.error('must be one of the values of its rule');
    if (notIn?.some((b) => b.equals(value))) sink.error('must not be one of the values of its rule');
    if (ipLengths && !ipLengths.includes(value.length))
      sink.error(`must be an IP address in bytes (${ipLengths.join(' or ')} bytes), is ${value.length} bytes`);
  };
}

function enumCheck(body: OptionValue, type: protobuf.Enum): Check {
  const constant = body.const === undefined ? undefined : Number(body.const);
  const definedOnly = body.defined_only === true;
  const inList = body.in === undefined ? undefined : toArray(body.in).map(Number);
  const notIn = body.not_in === undefined ? undefined : toArray(body.not_in).map(Number);
  const name = (n: number) => type.valuesById[n] ?? String(n);
  return (raw, sink) => {
    const value = raw as number;
    if (constant !== undefined && value !== constant) sink.error(`must be ${name(constant)}, got ${name(value)}`);
    if (definedOnly && type.valuesById[value] === undefined) sink.error(`${value} is not a defined value of ${fullNameOf(type).slice(1)}`);
    if (inList && !inList.includes(value)) sink.error(`must be one of ${inList.map(name).join(', ')}, got ${name(value)}`);
    if (notIn?.includes(value)) sink.error(`must not be ${notIn.map(name).join(' or ')}`);
  };
}

function anyCheck(body: OptionValue): Check | undefined {
  const inList = body.in === undefined ? undefined : toArray(body.in).map(String);
  const notIn = body.not_in === undefined ? undefined : toArray(body.not_in).map(String);
  if (!inList && !notIn) return undefined;
  return (raw, sink) => {
    const url = String((raw as OptionValue).type_url ?? '');
    if (inList && !inList.includes(url)) sink.error(`type must be one of ${inList.join(', ')}, got ${url}`);
    if (notIn?.includes(url)) sink.error(`type must not be ${url}`);
  };
}

/** Duration and Timestamp rules, compared as BigInt nanoseconds. */
function timeCheck(body: OptionValue, where: string, kind: 'duration' | 'timestamp'): Check | undefined {
  const nanosOf = (v: unknown): bigint => {
    if (!isRecord(v)) throw new UnsupportedRuleError(`${where}: ${kind} bound is not a message`);
    return totalNanos(v.seconds, v.nanos);
  };
  const show = (n: bigint) => (kind === 'duration' ? `${Number(n) / 1e9}s` : new Date(Number(n / 1_000_000n)).toISOString());
  const constant = body.const === undefined ? undefined : nanosOf(body.const);
  const range = compileRange(body, nanosOf, show);
  const inList = body.in === undefined ? undefined : toArray(body.in).map(nanosOf);
  const notIn = body.not_in === undefined ? undefined : toArray(body.not_in).map(nanosOf);
  const within = body.within === undefined ? undefined : nanosOf(body.within);
  const ltNow = body.lt_now === true;
  const gtNow = body.gt_now === true;
  if (constant === undefined && !range && !inList && !notIn && within === undefined && !ltNow && !gtNow) return undefined;
  return (raw, sink) => {
    const msg = raw as OptionValue;
    const value = totalNanos(msg.seconds, msg.nanos);
    if (constant !== undefined && value !== constant) sink.error(`must equal ${show(constant)}, got ${show(value)}`);
    if (range) {
      const problem = range(value);
      if (problem) sink.error(`${problem}, got ${show(value)}`);
    }
    if (inList && !inList.includes(value)) sink.error(`must be one of ${inList.map(show).join(', ')}, got ${show(value)}`);
    if (notIn?.includes(value)) sink.error(`must not be ${show(value)}`);
    if (within !== undefined || ltNow || gtNow) {
      const now = BigInt(Date.now()) * 1_000_000n;
      if (ltNow && value >= now) sink.error('must be in the past');
      if (gtNow && value <= now) sink.error('must be in the future');
      if (within !== undefined && (value < now - within || value > now + within)) sink.error(`must be within ${show(within)} of now`);
    }
  };
}

// ---- helpers ----

function checkKeys(kind: string, body: OptionValue, where: string): void {
  const known = HANDLED_RULES[kind];
  if (!known) throw new UnsupportedRuleError(`${where}: unsupported rule kind "${kind}"`);
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) throw new UnsupportedRuleError(`${where}: unsupported rule ${kind}.${key}`);
  }
}

function asRecord(value: unknown, where: string, kind: string): OptionValue {
  if (!isRecord(value)) throw new UnsupportedRuleError(`${where}: rules "${kind}" are not a message (${JSON.stringify(value)})`);
  return value;
}

/** A repeated option value written once is a scalar in parsedOptions; written as a list, an array. */
function toArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function optCount(value: unknown): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function optString(value: unknown): string | undefined {
  return value === undefined ? undefined : String(value);
}

function toBigInt(value: unknown, where: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.trunc(value));
  if (typeof value === 'string') return BigInt(value);
  if (isLong(value)) return BigInt(value.toString());
  throw new UnsupportedRuleError(`${where}: ${String(value)} is not an integer`);
}

function compilePattern(pattern: string, where: string): { test(value: string): boolean; source: string } {
  const compiled = compileRe2(pattern);
  if (compiled instanceof Error)
    throw new UnsupportedRuleError(`${where}: pattern ${JSON.stringify(pattern)} does not compile: ${compiled.message}`);
  return { test: (v) => compiled.test(v), source: pattern };
}

function runeCount(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}
