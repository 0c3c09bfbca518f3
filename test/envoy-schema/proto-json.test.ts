import { describe, expect, it } from 'vitest';
import { decodeEnvoy, encodeEnvoyJson, validateEnvoyJson } from '../../envoy-schema/index.js';
import { parseProtoJson } from '../../envoy-schema/proto-json.js';
import { lookupEnvoyType } from '../../envoy-schema/root.js';

/** The errors of parsing `json` as `type` (PGV rules included), as "path: message". */
function errors(type: string, json: unknown): string[] {
  return validateEnvoyJson(type, json).errors.map((e) => `${e.path}: ${e.message}`);
}

function roundTrip(type: string, json: unknown): unknown {
  return decodeEnvoy(type, encodeEnvoyJson(type, json));
}

const socket = (fields: Record<string, unknown>) => ({ address: '10.0.0.1', port_value: 80, ...fields });
const SOCKET = 'envoy.config.core.v3.SocketAddress';

describe('proto3 JSON mapping', () => {
  it('returns a message ready to encode', () => {
    const result = parseProtoJson(SOCKET, socket({}));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const type = lookupEnvoyType(SOCKET)!;
    expect(type.toObject(type.decode(type.encode(result.message).finish()))).toEqual({ address: '10.0.0.1', port_value: 80 });
  });

  it('reports every problem, not the first', () => {
    const result = parseProtoJson(SOCKET, { address: 1, port_value: 'x', protocol: 'SCTP', extra: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toEqual(['address', 'port_value', 'protocol', 'extra']);
  });

  it('takes field names in lowerCamelCase or snake_case, but not both for one field', () => {
    expect(roundTrip(SOCKET, { address: 'a.b', portValue: 8 })).toEqual({ address: 'a.b', port_value: 8 });
    expect(errors(SOCKET, { address: 'a', port_value: 1, portValue: 1 })).toEqual([
      'port_value: field "port_value" is set twice (as "port_value" and "portValue")',
    ]);
  });

  it('treats null as unset', () => {
    expect(roundTrip(SOCKET, socket({ resolver_name: null, named_port: null }))).toEqual({ address: '10.0.0.1', port_value: 80 });
  });

  it('takes enum names or numbers', () => {
    expect(roundTrip(SOCKET, socket({ protocol: 'UDP' }))).toEqual({ ...socket({}), protocol: 'UDP' });
    expect(roundTrip(SOCKET, socket({ protocol: 1 }))).toEqual({ ...socket({}), protocol: 'UDP' });
    expect(errors(SOCKET, socket({ protocol: 'udp' }))).toEqual([
      'protocol: unknown value "udp" for enum envoy.config.core.v3.SocketAddress.Protocol (expected one of TCP, UDP)',
    ]);
  });

  it('checks 32-bit integers: integral, in range, numbers or decimal strings', () => {
    expect(roundTrip(SOCKET, socket({ port_value: '443' }))).toEqual(socket({ port_value: 443 }));
    expect(roundTrip(SOCKET, socket({ port_value: 4.43e2 }))).toEqual(socket({ port_value: 443 }));
    expect(errors(SOCKET, socket({ port_value: 1.5 }))).toEqual(['port_value: expected an integer, got 1.5']);
    expect(errors(SOCKET, socket({ port_value: -1 }))).toEqual(['port_value: -1 is out of range for uint32 (0 to 4294967295)']);
    expect(errors(SOCKET, socket({ port_value: 2 ** 32 }))).toHaveLength(1);
    expect(errors('google.protobuf.Int32Value', 2 ** 31)).toHaveLength(1);
    expect(errors('google.protobuf.Int32Value', -(2 ** 31))).toEqual([]);
  });

  it('keeps 64-bit integers exact, as numbers or decimal strings', () => {
    expect(roundTrip('google.protobuf.UInt64Value', '18446744073709551615')).toBe('18446744073709551615');
    expect(roundTrip('google.protobuf.Int64Value', '-9223372036854775808')).toBe('-9223372036854775808');
    expect(roundTrip('google.protobuf.Int64Value', 42)).toBe('42');
    expect(errors('google.protobuf.UInt64Value', '18446744073709551616')).toEqual([': 18446744073709551616 is out of range for uint64']);
    expect(errors('google.protobuf.UInt64Value', '-1')).toHaveLength(1);
    expect(errors('google.protobuf.Int64Value', '12abc')).toHaveLength(1);
  });

  it('checks floating point: finite, float range, "NaN"/"Infinity" strings', () => {
    expect(roundTrip('google.protobuf.DoubleValue', '2.5')).toBe(2.5);
    expect(roundTrip('google.protobuf.FloatValue', 0.1)).toBe(0.1);
    expect(roundTrip('google.protobuf.DoubleValue', 'Infinity')).toBe('Infinity');
    expect(roundTrip('google.protobuf.FloatValue', 'NaN')).toBe('NaN');
    expect(errors('google.protobuf.FloatValue', 1e39)).toEqual([': number 1e+39 is out of range for float']);
    expect(errors('google.protobuf.DoubleValue', 'fast')).toHaveLength(1);
  });

  it('takes bool only as true or false, strings only as strings', () => {
    expect(errors('google.protobuf.BoolValue', 'true')).toEqual([': expected true or false, got "true"']);
    expect(errors('google.protobuf.StringValue', 5)).toEqual([': expected a string, got number 5']);
    expect(errors('google.protobuf.StringValue', 'a\uD800b')).toEqual([': string is not valid Unicode (lone surrogate)']);
  });

  it('takes bytes as base64, standard or URL-safe', () => {
    expect(roundTrip('google.protobuf.BytesValue', 'aGVsbG8=')).toBe('aGVsbG8=');
    expect(roundTrip('google.protobuf.BytesValue', '-_8')).toBe('+/8=');
    expect(errors('google.protobuf.BytesValue', 'not base64!')).toHaveLength(1);
  });

  it('parses Durations', () => {
    expect(roundTrip('google.protobuf.Duration', '1.5s')).toBe('1.500s');
    expect(roundTrip('google.protobuf.Duration', '-0.000000001s')).toBe('-0.000000001s');
    expect(roundTrip('google.protobuf.Duration', '0s')).toBe('0s');
    const d = lookupEnvoyType('google.protobuf.Duration')!;
    const parsed = parseProtoJson('google.protobuf.Duration', '-1.25s');
    expect(parsed.ok && d.toObject(parsed.message, { longs: Number })).toEqual({ seconds: -1, nanos: -250_000_000 });
    for (const bad of ['1', '1.5', '1m', '1.0000000001s', ' 1s', '+1s', '1e3s', 1]) {
      expect(errors('google.protobuf.Duration', bad), String(bad)).toHaveLength(1);
    }
    expect(errors('google.protobuf.Duration', '315576000000s')).toEqual([]);
    expect(errors('google.protobuf.Duration', '315576000001s')).toHaveLength(1);
  });

  it('parses RFC 3339 Timestamps', () => {
    expect(roundTrip('google.protobuf.Timestamp', '1972-01-01T10:00:20.021Z')).toBe('1972-01-01T10:00:20.021Z');
    expect(roundTrip('google.protobuf.Timestamp', '2024-02-29T01:00:00+01:00')).toBe('2024-02-29T00:00:00Z');
    expect(roundTrip('google.protobuf.Timestamp', '0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00Z');
    for (const bad of ['2023-02-29T00:00:00Z', '2024-01-01 00:00:00Z', '2024-01-01T00:00:00', '2024-13-01T00:00:00Z', 1700000000]) {
      expect(errors('google.protobuf.Timestamp', bad), String(bad)).toHaveLength(1);
    }
  });

  it('takes Struct, Value and ListValue as free JSON', () => {
    const json = { a: 1.5, b: 'x', c: null, d: [1, true, { e: [] }], f: {} };
    expect(roundTrip('google.protobuf.Struct', json)).toEqual(json);
    expect(roundTrip('google.protobuf.ListValue', [null, 'x'])).toEqual([null, 'x']);
    expect(roundTrip('google.protobuf.Value', null)).toBe(null);
    expect(errors('google.protobuf.Struct', [1])).toEqual([': expected an object (Struct), got a list']);
  });

  it('takes FieldMask as comma-separated lowerCamelCase paths', () => {
    const parsed = parseProtoJson('google.protobuf.FieldMask', 'fooBar.bazQux,a');
    expect(parsed.ok && (parsed.message as unknown as { paths: string[] }).paths).toEqual(['foo_bar.baz_qux', 'a']);
    expect(roundTrip('google.protobuf.FieldMask', 'fooBar.bazQux,a')).toBe('fooBar.bazQux,a');
  });

  it('takes Empty as an empty object', () => {
    expect(roundTrip('google.protobuf.Empty', {})).toEqual({});
    expect(errors('google.protobuf.Empty', { a: 1 })).toEqual(['a: unknown field "a" in google.protobuf.Empty']);
  });

  it('takes an Any of a well-known type in its "value" form', () => {
    const any = { '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' };
    expect(roundTrip('google.protobuf.Any', any)).toEqual({ '@type': 'type.googleapis.com/google.protobuf.Duration', value: '2s' });
    expect(errors('google.protobuf.Any', { ...any, seconds: 2 })).toEqual([
      'seconds: unknown field "seconds": an Any holding google.protobuf.Duration has only "@type" and "value"',
    ]);
    expect(errors('google.protobuf.Any', { '@type': any['@type'] })).toEqual(['value: missing "value"']);
    expect(errors('google.protobuf.Any', { '@type': any['@type'], value: '2' })).toHaveLength(1);
  });

  it('refuses an Any without a usable @type', () => {
    expect(errors('google.protobuf.Any', { name: 'x' })).toEqual([': Any without "@type"']);
    expect(errors('google.protobuf.Any', { '@type': 5 })).toEqual(['@type: "@type" must be a string, got number 5']);
    expect(errors('google.protobuf.Any', { '@type': 'type.googleapis.com/' })).toHaveLength(1);
  });

  it('takes maps as objects, refusing null values', () => {
    const type = 'envoy.config.core.v3.Metadata';
    const json = { filter_metadata: { 'envoy.lb': { canary: true } } };
    expect(roundTrip(type, json)).toEqual(json);
    expect(errors(type, { filter_metadata: { 'envoy.lb': null } })).toEqual([
      'filter_metadata["envoy.lb"]: null is not allowed as a map value',
    ]);
    expect(errors(type, { filter_metadata: { '': {} } })).toEqual(['filter_metadata[""]: must be at least 1 characters long, is 0']);
  });

  it('keeps "__proto__" as an ordinary map key and Struct field', () => {
    // (protobufjs's decoder, used by decodeEnvoy, drops such a key: only encoding is checked.)
    const struct = JSON.parse('{"__proto__": {"polluted": true}}');
    expect(Buffer.from(encodeEnvoyJson('google.protobuf.Struct', struct)).includes('__proto__')).toBe(true);
    const metadata = JSON.parse('{"filter_metadata": {"__proto__": {"a": 1}}}');
    expect(Buffer.from(encodeEnvoyJson('envoy.config.core.v3.Metadata', metadata)).includes('__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses null inside lists and wrong JSON kinds', () => {
    const type = 'envoy.config.route.v3.VirtualHost';
    expect(errors(type, { name: 'v', domains: ['*', null] })).toEqual(['domains[1]: null is not allowed in a list']);
    expect(errors(type, { name: 'v', domains: '*' })).toEqual(['domains: expected a list, got "*"']);
    expect(errors(type, { name: 'v', domains: ['*'], routes: {} })).toEqual(['routes: expected a list, got an object']);
    expect(errors(type, 'v')).toEqual([': expected an object (envoy.config.route.v3.VirtualHost), got "v"']);
  });

  it('counts a oneof member set to its default as set', () => {
    // named_port "" and port_value 0 are both oneof members: both set is a conflict.
    expect(errors(SOCKET, { address: 'a', port_value: 0, named_port: '' })).toEqual([
      'named_port: "port_value" and "named_port" are both set, but oneof "port_specifier" allows only one of them',
    ]);
  });
});
