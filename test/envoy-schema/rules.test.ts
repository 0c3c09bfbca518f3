/**
 * protoc-gen-validate semantics, rule by rule, through the real parser and walker on a small
 * proto of our own: one message per rule, one field `v`, values that must pass and values
 * that must fail. Envoy's own types use only some of the kinds; the others are enforced too.
 */
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { validateEnvoyJson } from '../../envoy-schema/index.js';
import { parseMessageJson } from '../../envoy-schema/proto-json.js';
import { validateMessage } from '../../envoy-schema/validate-rules.js';

const PROTO = `
syntax = "proto3";
package pgvtest;
import "google/protobuf/any.proto";
import "google/protobuf/duration.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";

enum Color { RED = 0; GREEN = 1; BLUE = 2; }

message Inside { int32 v = 1 [(validate.rules).int32 = {gt: 0, lt: 10}]; }
message Outside { int32 v = 1 [(validate.rules).int32 = {lt: 0, gt: 10}]; }
message OutsideInclusive { sint32 v = 1 [(validate.rules).sint32 = {lte: 0, gte: 10}]; }
message HalfOpen { sfixed32 v = 1 [(validate.rules).sfixed32 = {gte: 5, lt: 8}]; }
message Const { uint32 v = 1 [(validate.rules).uint32.const = 7]; }
message In { fixed32 v = 1 [(validate.rules).fixed32 = {in: [1, 3]}]; }
message NotIn { int32 v = 1 [(validate.rules).int32 = {not_in: [0, 4]}]; }
message IgnoreEmptyNumber { uint32 v = 1 [(validate.rules).uint32 = {gte: 5, ignore_empty: true}]; }
message Wide { uint64 v = 1 [(validate.rules).uint64 = {gt: 9007199254740992}]; }
message WideNeg { sint64 v = 1 [(validate.rules).sint64 = {lt: -9007199254740992}]; }
message WideIn { fixed64 v = 1 [(validate.rules).fixed64 = {in: [10, 20]}]; }
message I64 { int64 v = 1 [(validate.rules).int64 = {gte: -5, lte: 5}]; }
message SF64 { sfixed64 v = 1 [(validate.rules).sfixed64.not_in = 3]; }
message Dbl { double v = 1 [(validate.rules).double = {gt: 0, lte: 1}]; }
message Flt { float v = 1 [(validate.rules).float = {gte: -1.5, lt: 1.5}]; }
message BoolConst { bool v = 1 [(validate.rules).bool.const = true]; }
message Wrapped { google.protobuf.UInt32Value v = 1 [(validate.rules).uint32 = {gte: 1}]; }

message Runes { string v = 1 [(validate.rules).string = {min_len: 2, max_len: 3}]; }
message RuneLen { string v = 1 [(validate.rules).string.len = 2]; }
message Bytes { string v = 1 [(validate.rules).string = {min_bytes: 2, max_bytes: 4}]; }
message LenBytes { string v = 1 [(validate.rules).string.len_bytes = 4]; }
message StrConst { string v = 1 [(validate.rules).string.const = "abc"]; }
message Pattern { string v = 1 [(validate.rules).string.pattern = "(?i)^[a-z]+\\\\d$"]; }
message Affixes { string v = 1 [(validate.rules).string = {prefix: "ab", suffix: "yz", contains: "m", not_contains: "q"}]; }
message StrIn { string v = 1 [(validate.rules).string = {in: ["a", "b"]}]; }
message StrNotIn { string v = 1 [(validate.rules).string = {not_in: ["a", "b"]}]; }
message IgnoreEmptyString { string v = 1 [(validate.rules).string = {min_len: 3, ignore_empty: true}]; }
message Hostname { string v = 1 [(validate.rules).string.hostname = true]; }
message Ip { string v = 1 [(validate.rules).string.ip = true]; }
message Ipv4 { string v = 1 [(validate.rules).string.ipv4 = true]; }
message Ipv6 { string v = 1 [(validate.rules).string.ipv6 = true]; }
message Address { string v = 1 [(validate.rules).string.address = true]; }
message Uri { string v = 1 [(validate.rules).string.uri = true]; }
message UriRef { string v = 1 [(validate.rules).string.uri_ref = true]; }
message Email { string v = 1 [(validate.rules).string.email = true]; }
message Uuid { string v = 1 [(validate.rules).string.uuid = true]; }
message HeaderName { string v = 1 [(validate.rules).string.well_known_regex = HTTP_HEADER_NAME]; }
message HeaderNameLoose { string v = 1 [(validate.rules).string = {well_known_regex: HTTP_HEADER_NAME, strict: false}]; }
message HeaderValue { string v = 1 [(validate.rules).string.well_known_regex = HTTP_HEADER_VALUE]; }

message BytesLen { bytes v = 1 [(validate.rules).bytes = {min_len: 2, max_len: 3}]; }
message BytesExact { bytes v = 1 [(validate.rules).bytes.len = 2]; }
message BytesAffix { bytes v = 1 [(validate.rules).bytes = {prefix: "ab", suffix: "z", contains: "m"}]; }
message BytesIp { bytes v = 1 [(validate.rules).bytes.ip = true]; }
message BytesIn { bytes v = 1 [(validate.rules).bytes = {in: ["hi", "yo"]}]; }
message BytesConst { bytes v = 1 [(validate.rules).bytes.const = "hi"]; }
message BytesPattern { bytes v = 1 [(validate.rules).bytes.pattern = "^h+$"]; }

message EnumDefined { Color v = 1 [(validate.rules).enum.defined_only = true]; }
message EnumConst { Color v = 1 [(validate.rules).enum.const = 2]; }
message EnumIn { Color v = 1 [(validate.rules).enum = {in: [1, 2]}]; }
message EnumNotIn { Color v = 1 [(validate.rules).enum = {not_in: [0]}]; }

message Required { Inside v = 1 [(validate.rules).message.required = true]; }
message Skip { Inside v = 1 [(validate.rules).message.skip = true]; }
message Nested { Inside v = 1; }
message OneofRequired {
  oneof choice {
    option (validate.required) = true;
    string a = 1 [(validate.rules).string.min_len = 2];
    Inside b = 2 [(validate.rules).message.required = true];
  }
}
message OptionalField { optional string v = 1 [(validate.rules).string.min_len = 2]; }

message Items { repeated string v = 1 [(validate.rules).repeated = {min_items: 1, max_items: 2, items: {string: {min_len: 2}}}]; }
message Unique { repeated string v = 1 [(validate.rules).repeated.unique = true]; }
message UniqueNumbers { repeated uint64 v = 1 [(validate.rules).repeated.unique = true]; }
message IgnoreEmptyList { repeated int32 v = 1 [(validate.rules).repeated = {min_items: 2, ignore_empty: true}]; }
message MessageItems { repeated Inside v = 1 [(validate.rules).repeated.min_items = 1]; }
message SkippedItems { repeated Inside v = 1 [(validate.rules).repeated.items.message.skip = true]; }
message EnumItems { repeated Color v = 1 [(validate.rules).repeated.items.enum.defined_only = true]; }
message Pairs { map<string, int32> v = 1 [(validate.rules).map = {min_pairs: 1, max_pairs: 2, keys: {string: {min_len: 2}}, values: {int32: {gt: 0}}}]; }
message IntKeys { map<uint32, string> v = 1 [(validate.rules).map.keys.uint32.lte = 10]; }
message IgnoreEmptyMap { map<string, string> v = 1 [(validate.rules).map = {min_pairs: 1, ignore_empty: true}]; }
message MessageValues { map<string, Inside> v = 1; }

message AnyRequired { google.protobuf.Any v = 1 [(validate.rules).any.required = true]; }
message AnyIn { google.protobuf.Any v = 1 [(validate.rules).any = {in: ["type.googleapis.com/pgvtest.Inside"]}]; }
message AnyNotIn { google.protobuf.Any v = 1 [(validate.rules).any = {not_in: ["type.googleapis.com/pgvtest.Inside"]}]; }
message AnyPayload { google.protobuf.Any v = 1; }

message DurationRange { google.protobuf.Duration v = 1 [(validate.rules).duration = {required: true, gt: {seconds: 1}, lte: {seconds: 5}}]; }
message DurationOutside { google.protobuf.Duration v = 1 [(validate.rules).duration = {lt: {seconds: 1}, gte: {seconds: 5}}]; }
message DurationConst { google.protobuf.Duration v = 1 [(validate.rules).duration.const = {nanos: 500000000}]; }
message DurationIn { google.protobuf.Duration v = 1 [(validate.rules).duration = {in: {seconds: 1}, in: {seconds: 2}}]; }
message DurationNotIn { google.protobuf.Duration v = 1 [(validate.rules).duration = {not_in: {seconds: 0}}]; }
message TimestampRange { google.protobuf.Timestamp v = 1 [(validate.rules).timestamp = {gte: {seconds: 0}, lt: {seconds: 86400}}]; }
message TimestampConst { google.protobuf.Timestamp v = 1 [(validate.rules).timestamp.const = {seconds: 60}]; }
message TimestampPast { google.protobuf.Timestamp v = 1 [(validate.rules).timestamp.lt_now = true]; }
message TimestampFuture { google.protobuf.Timestamp v = 1 [(validate.rules).timestamp.gt_now = true]; }
message TimestampWithin { google.protobuf.Timestamp v = 1 [(validate.rules).timestamp.within = {seconds: 3600}]; }

message Disabled {
  option (validate.disabled) = true;
  string v = 1 [(validate.rules).string.min_len = 5];
  Inside inside = 2;
}
`;

const root = new protobuf.Root();
root.loadSync(['any', 'duration', 'timestamp', 'wrappers'].map((n) => `google/protobuf/${n}.proto`));
protobuf.parse(PROTO, root, { keepCase: true });
root.resolveAll();

/** Errors of `json` as pgvtest.<name>, as "path: message". */
function check(name: string, json: unknown): string[] {
  const type = root.lookupType(`pgvtest.${name}`);
  const parsed = parseMessageJson(type, json);
  expect(parsed.issues).toEqual([]);
  return validateMessage(type, parsed.message!).errors.map((e) => `${e.path}: ${e.message}`);
}

const now = Date.now() / 1000;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const b64 = (text: string | number[]) => Buffer.from(text as string).toString('base64');

// [message, accepted values of v, refused values of v]; `undefined` means v unset.
const TABLE: Array<[string, unknown[], unknown[]]> = [
  ['Inside', [1, 9], [undefined, 0, 10, -3]],
  ['Outside', [-1, 11], [undefined, 0, 5, 10]],
  ['OutsideInclusive', [undefined, 0, 10, -5, 12], [1, 9]],
  ['HalfOpen', [5, 7], [4, 8, undefined]],
  ['Const', [7], [undefined, 6]],
  ['In', [1, 3], [undefined, 2]],
  ['NotIn', [1, 5], [undefined, 4]],
  ['IgnoreEmptyNumber', [undefined, 0, 5], [4]],
  ['Wide', ['9007199254740993', '18446744073709551615'], [undefined, '9007199254740992', 5]],
  ['WideNeg', ['-9007199254740993'], ['-9007199254740992', undefined]],
  ['WideIn', ['10', 20], [undefined, '15']],
  ['I64', [-5, '5', undefined], [-6, '6']],
  ['SF64', [undefined, 4], [3]],
  ['Dbl', [1, 0.5], [undefined, 0, 1.0001, -1]],
  ['Flt', [-1.5, 1.25, undefined], [1.5, -2]],
  ['BoolConst', [true], [false, undefined]],
  ['Wrapped', [undefined, 1, 100], [0]],

  ['Runes', ['ab', '😀😀', 'abc'], [undefined, 'a', '😀', 'abcd']],
  ['RuneLen', ['ab', 'é😀'], ['a', 'abc']],
  ['Bytes', ['ab', 'é', '😀'], ['a', 'abcde', '😀a']],
  ['LenBytes', ['abcd', '😀'], ['abc', 'é']],
  ['StrConst', ['abc'], [undefined, 'abd']],
  ['Pattern', ['abc1', 'ABC2'], [undefined, 'abc', 'abc12']],
  ['Affixes', ['abmyz', 'abmmmyz'], ['bmyz', 'abmy', 'abyz', 'abmqyz']],
  ['StrIn', ['a', 'b'], [undefined, 'c']],
  ['StrNotIn', [undefined, 'c'], ['a', 'b']],
  ['IgnoreEmptyString', [undefined, '', 'abc'], ['ab']],
  ['Hostname', ['example.com', 'a-b.c', 'localhost', 'x.'], [undefined, '-a.com', 'a..b', 'a_b.com', 'a'.repeat(64), 'é.com']],
  ['Ip', ['10.0.0.1', '::1', '2001:db8::1'], [undefined, '10.0.0', '[::1]', 'fe80::1%eth0', 'host']],
  ['Ipv4', ['127.0.0.1'], ['::1', '256.0.0.1']],
  ['Ipv6', ['::ffff:10.0.0.1', 'fe80::1'], ['127.0.0.1', ':::']],
  ['Address', ['10.0.0.1', '::1', 'db.internal'], [undefined, 'a b', 'http://x']],
  ['Uri', ['https://example.com/a?b=c#d', 'urn:isbn:123'], [undefined, '/relative', 'http://a b', 'http://x/%zz']],
  ['UriRef', ['/relative/path?x=1', 'https://a'], ['a b', '%']],
  ['Email', ['a.b@example.com', 'Bob <bob@example.com>'], [undefined, 'a@', '@b.com', 'a b@c.com', 'a@-b.com']],
  ['Uuid', ['123e4567-e89b-12d3-a456-426614174000'], [undefined, '123e4567e89b12d3a456426614174000']],
  ['HeaderName', ['x-tenant', ':authority', 'a,b'], [undefined, 'x tenant', 'x:y', 'é', 'a\nb']],
  ['HeaderNameLoose', [undefined, 'x tenant', 'é'], ['a\nb', 'a\rb', 'a\u0000b']],
  ['HeaderValue', [undefined, 'a b\tc', 'é'], ['a\nb', 'a\u0001b', 'a\u007fb']],

  ['BytesLen', [b64('ab'), b64('abc')], [undefined, b64('a'), b64('abcd')]],
  ['BytesExact', [b64('ab')], [b64('abc'), undefined]],
  ['BytesAffix', [b64('abmz')], [b64('bmz'), b64('abm'), b64('abz')]],
  ['BytesIp', [b64([10, 0, 0, 1]), b64(Array(16).fill(1))], [undefined, b64([1, 2, 3])]],
  ['BytesIn', [b64('hi'), b64('yo')], [undefined, b64('ho')]],
  ['BytesConst', [b64('hi')], [b64('ho'), undefined]],
  ['BytesPattern', [b64('hhh')], [b64('ha'), undefined]],

  ['EnumDefined', ['RED', 'BLUE', 2, undefined], [3, -1]],
  ['EnumConst', ['BLUE'], ['RED', undefined]],
  ['EnumIn', ['GREEN', 'BLUE'], ['RED', undefined]],
  ['EnumNotIn', ['GREEN'], ['RED', undefined]],

  ['Required', [{ v: 1 }], [undefined]],
  ['Skip', [undefined, { v: 1 }, { v: 100 }], []],
  ['Nested', [undefined, { v: 1 }], [{ v: 100 }, {}]],
  ['OptionalField', [undefined, 'ab'], ['a', '']],

  ['Items', [['ab'], ['ab', 'cd']], [undefined, [], ['a'], ['ab', 'cd', 'ef']]],
  ['Unique', [['a', 'b'], undefined], [['a', 'b', 'a']]],
  [
    'UniqueNumbers',
    [['1', '18446744073709551615']],
    [
      [1, '1'],
      ['18446744073709551615', '18446744073709551615'],
    ],
  ],
  ['IgnoreEmptyList', [undefined, [], [1, 2]], [[1]]],
  ['MessageItems', [[{ v: 1 }]], [undefined, [{ v: 1 }, { v: 0 }]]],
  ['SkippedItems', [[{ v: 0 }], undefined], []],
  ['EnumItems', [['RED', 2]], [['RED', 7]]],
  ['Pairs', [{ ab: 1 }, { ab: 1, cd: 2 }], [undefined, {}, { a: 1 }, { ab: 0 }, { ab: 1, cd: 2, ef: 3 }]],
  ['IntKeys', [{ 10: 'x' }], [{ 11: 'x' }]],
  ['IgnoreEmptyMap', [undefined, {}, { a: 'b' }], []],
  ['MessageValues', [{ a: { v: 1 } }], [{ a: { v: 0 } }]],

  ['AnyRequired', [{ '@type': 'type.googleapis.com/pgvtest.Inside', v: 1 }], [undefined]],
  [
    'AnyIn',
    [undefined, { '@type': 'type.googleapis.com/pgvtest.Inside', v: 1 }],
    [{ '@type': 'type.googleapis.com/pgvtest.Outside', v: 11 }],
  ],
  ['AnyNotIn', [{ '@type': 'type.googleapis.com/pgvtest.Outside', v: 11 }], [{ '@type': 'type.googleapis.com/pgvtest.Inside', v: 1 }]],
  ['DurationRange', ['1.000000001s', '5s'], [undefined, '1s', '5.000000001s', '0s', '-3s']],
  ['DurationOutside', [undefined, '0.999s', '5s', '10s'], ['1s', '4.999s']],
  ['DurationConst', ['0.5s'], ['0.500000001s']],
  ['DurationIn', ['1s', '2s'], ['1.5s']],
  ['DurationNotIn', [undefined, '1s'], ['0s']],
  ['TimestampRange', ['1970-01-01T00:00:00Z', '1970-01-01T23:59:59.999Z'], ['1969-12-31T23:59:59Z', '1970-01-02T00:00:00Z']],
  ['TimestampConst', ['1970-01-01T00:01:00Z'], ['1970-01-01T00:01:01Z']],
  ['TimestampPast', [iso(now - 60)], [iso(now + 3600)]],
  ['TimestampFuture', [iso(now + 3600)], [iso(now - 60)]],
  ['TimestampWithin', [iso(now - 60), iso(now + 60)], [iso(now - 7200), iso(now + 7200)]],

  ['Disabled', [undefined, 'a'], []],
];

describe('protoc-gen-validate rules', () => {
  const cases = TABLE.flatMap(([name, good, bad]) => [
    ...good.map((v) => [name, 'accepts', v] as const),
    ...bad.map((v) => [name, 'refuses', v] as const),
  ]);

  it.each(cases)('%s %s %j', (name, verdict, v) => {
    const json = v === undefined ? {} : { v };
    const errors = check(name, json);
    if (verdict === 'accepts') expect(errors).toEqual([]);
    else expect(errors.length).toBeGreaterThan(0);
  });

  it('reports at the path of the offending item, key or value', () => {
    expect(check('Items', { v: ['ab', 'c'] })).toEqual(['v[1]: must be at least 2 characters long, is 1']);
    expect(check('Pairs', { v: { ab: 1, c: 2 } })).toEqual(['v["c"]: must be at least 2 characters long, is 1']);
    expect(check('Pairs', { v: { ab: -1 } })).toEqual(['v["ab"]: must be greater than 0, got -1']);
    expect(check('MessageItems', { v: [{ v: 1 }, { v: 0 }] })).toEqual(['v[1].v: must be greater than 0 and less than 10, got 0']);
    expect(check('Nested', { v: {} })).toEqual(['v.v: must be greater than 0 and less than 10, got 0']);
    expect(check('AnyPayload', { v: { '@type': 'type.googleapis.com/pgvtest.Inside', v: 12 } })).toEqual([
      'v.v: must be greater than 0 and less than 10, got 12',
    ]);
    expect(check('Outside', { v: 5 })).toEqual(['v: must be less than 0 or greater than 10, got 5']);
    expect(check('Unique', { v: ['a', 'a'] })).toEqual(['v: items must be unique, "a" appears more than once']);
  });

  it('requires one member of a (validate.required) oneof, and checks only the member that is set', () => {
    expect(check('OneofRequired', {})).toEqual([': one of a, b must be set (oneof "choice" is required)']);
    expect(check('OneofRequired', { a: 'xy' })).toEqual([]); // b unset: its `required` does not apply
    expect(check('OneofRequired', { a: 'x' })).toEqual(['a: must be at least 2 characters long, is 1']);
    expect(check('OneofRequired', { a: '' })).toEqual(['a: must be at least 2 characters long, is 0']);
    expect(check('OneofRequired', { b: { v: 0 } })).toEqual(['b.v: must be greater than 0 and less than 10, got 0']);
  });

  it('checks nothing inside a (validate.disabled) message', () => {
    expect(check('Disabled', { v: 'a', inside: { v: 100 } })).toEqual([]);
  });
});

describe('deprecation annotations', () => {
  it('reports a deprecated field that is set as a warning, not an error', () => {
    const cluster = { name: 'c', connect_timeout: '1s', http2_protocol_options: {} };
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster)).toEqual({
      errors: [],
      warnings: [{ path: 'http2_protocol_options', message: 'is deprecated since API 3.0' }],
    });
  });

  it('says nothing about a deprecated field left unset or at its default', () => {
    const cluster = { name: 'c', connect_timeout: '1s', use_tcp_for_dns_lookups: false };
    expect(validateEnvoyJson('envoy.config.cluster.v3.Cluster', cluster).warnings).toEqual([]);
  });

  it('warns about a deprecated enum value', () => {
    const source = { ads: {}, resource_api_version: 'V2' };
    expect(validateEnvoyJson('envoy.config.core.v3.ConfigSource', source)).toEqual({
      errors: [],
      warnings: [{ path: 'resource_api_version', message: 'enum value V2 is deprecated since API 3.0' }],
    });
  });

  it('refuses what Envoy disallows by default, set explicitly or left as the default', () => {
    const type = 'envoy.config.core.v3.ApiConfigSource';
    const source = { api_type: 'DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE', transport_api_version: 'V3' };
    const refused = [
      {
        path: 'api_type',
        message:
          "enum value DEPRECATED_AND_UNAVAILABLE_DO_NOT_USE (the field's default) is deprecated and disallowed by default: Envoy refuses it",
      },
    ];
    // It is value 0: written or not, proto3 sees the default.
    expect(validateEnvoyJson(type, source).errors).toEqual(refused);
    expect(validateEnvoyJson(type, { transport_api_version: 'V3' }).errors).toEqual(refused);
    expect(validateEnvoyJson(type, { api_type: 'GRPC', transport_api_version: 'V3' }).errors).toEqual([]);
    // A misspelt value is reported once, as such, not again as the default it leaves behind.
    expect(validateEnvoyJson(type, { api_type: 'GRCP', transport_api_version: 'V3' }).errors).toEqual([
      { path: 'api_type', message: expect.stringMatching(/^unknown value "GRCP"/) },
    ]);
  });
});
