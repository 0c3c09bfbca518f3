import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeInsertRequest, decodeUpsertRequest } from '../../milvus/insert-request.js';
import { milvusRoot } from '../../milvus/proto.js';
import { LOADER_OPTIONS } from '../../proto/loader-options.js';
import { signedPrng } from '../harness/prng.js';

/**
 * The writer's Insert/Upsert decoder against the generic decoding grpc-js would do: the same
 * request, with float vectors as a Float32Array and int64 values as a BigInt64Array, and the
 * generic result wherever the encoding is not the plain one.
 */
const insertType = milvusRoot.lookupType('milvus.proto.milvus.InsertRequest');
const upsertType = milvusRoot.lookupType('milvus.proto.milvus.UpsertRequest');

const encode = (type: protobuf.Type, message: object) => Buffer.from(type.encode(type.fromObject(message)).finish());
const generic = (type: protobuf.Type, bytes: Buffer) => type.toObject(type.decode(bytes), LOADER_OPTIONS);

/** The generic shapes of the typed arrays: float vectors as numbers, int64 as decimal strings. */
function asGeneric(value: unknown): unknown {
  if (value instanceof Float32Array) return Array.from(value);
  if (value instanceof BigInt64Array) return Array.from(value, String);
  if (Array.isArray(value)) return value.map(asGeneric);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asGeneric(v)]));
  }
  return value;
}

function fieldsDataOf(decoded: object): Record<string, unknown>[] {
  return (decoded as { fields_data: Record<string, unknown>[] }).fields_data;
}

const DIM = 8;
const next = signedPrng(7);
const vectorsOf = (rows: number) => Array.from({ length: rows * DIM }, () => Math.fround(next()));

const EDGE_KEYS = [
  '0',
  '1',
  '-1',
  '127',
  '128',
  String(2 ** 49 - 1),
  String(2 ** 49),
  String(2 ** 53 + 1),
  '9223372036854775807',
  '-9223372036854775808',
  '-562949953421312',
];

const request = {
  base: { msg_type: 'Insert', msgID: 5 },
  db_name: 'db',
  collection_name: 'c',
  partition_name: 'p',
  num_rows: EDGE_KEYS.length,
  hash_keys: [1, 2, 3],
  schema_timestamp: '77',
  fields_data: [
    { type: 'Int64', field_name: 'id', field_id: 100, scalars: { long_data: { data: EDGE_KEYS } } },
    { type: 'FloatVector', field_name: 'v', field_id: 101, vectors: { dim: DIM, float_vector: { data: vectorsOf(EDGE_KEYS.length) } } },
    { type: 'VarChar', field_name: 's', scalars: { string_data: { data: EDGE_KEYS } } },
    {
      type: 'Int64',
      field_name: 'nullable',
      scalars: { long_data: { data: ['3', '4'] } },
      valid_data: EDGE_KEYS.map((_, i) => i < 2),
    },
    {
      type: 'JSON',
      field_name: '$meta',
      is_dynamic: true,
      scalars: { json_data: { data: EDGE_KEYS.map((k) => Buffer.from(`{"k":${k}}`)) } },
    },
  ],
};

describe('the Insert/Upsert decoder', () => {
  it('gives what the generic decoding gives, with typed vectors and int64 values', () => {
    const bytes = encode(insertType, request);
    const fast = decodeInsertRequest(bytes);
    expect(asGeneric(fast)).toEqual(generic(insertType, bytes));
    const [id, vector, varchar] = fieldsDataOf(fast);
    expect((id!.scalars as { long_data: { data: unknown } }).long_data.data).toBeInstanceOf(BigInt64Array);
    expect((vector!.vectors as { float_vector: { data: unknown } }).float_vector.data).toBeInstanceOf(Float32Array);
    expect((varchar!.scalars as { string_data: { data: unknown } }).string_data.data).toEqual(EDGE_KEYS);
  });

  it('decodes Upsert with its own fields', () => {
    const bytes = encode(upsertType, { ...request, partial_update: true, namespace: 'ns' });
    const fast = decodeUpsertRequest(bytes);
    expect(asGeneric(fast)).toEqual(generic(upsertType, bytes));
    expect(fast).toMatchObject({ partial_update: true, namespace: 'ns', collection_name: 'c' });
  });

  it('keeps NaN, infinities and negative zero bit for bit (validation rejects them later)', () => {
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-45, 3.4028234663852886e38, 0.1, -2];
    const bytes = encode(insertType, {
      collection_name: 'c',
      fields_data: [{ field_name: 'v', vectors: { dim: DIM, float_vector: { data: special } } }],
    });
    const values = (fieldsDataOf(decodeInsertRequest(bytes))[0]!.vectors as { float_vector: { data: Float32Array } }).float_vector.data;
    expect(Array.from(values)).toEqual(special.map(Math.fround));
    expect(Object.is(values[3], -0)).toBe(true);
  });

  it('falls back to the generic decoding for unpacked floats and int64s and for unknown payloads', () => {
    // Unpacked repeated values are legal protobuf; the SDK does not send them.
    const w = protobuf.Writer.create();
    w.uint32((5 << 3) | 2).fork(); // fields_data
    w.uint32((2 << 3) | 2).string('v'); // field_name
    w.uint32((4 << 3) | 2).fork(); // vectors
    w.uint32((1 << 3) | 0).int64(2); // dim
    w.uint32((2 << 3) | 2).fork(); // float_vector
    for (const f of [1.5, -2.5]) w.uint32((1 << 3) | 5).float(f);
    w.ldelim().ldelim().ldelim();
    w.uint32((5 << 3) | 2).fork();
    w.uint32((2 << 3) | 2).string('id');
    w.uint32((3 << 3) | 2).fork(); // scalars
    w.uint32((3 << 3) | 2).fork(); // long_data
    for (const k of [7, -7]) w.uint32((1 << 3) | 0).int64(k);
    w.ldelim().ldelim().ldelim();
    // A FieldData with both payloads: the generic decoding decides.
    w.uint32((5 << 3) | 2).fork();
    w.uint32((2 << 3) | 2).string('both');
    w.uint32((3 << 3) | 2)
      .fork()
      .uint32((3 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 2)
      .fork()
      .int64(1)
      .ldelim()
      .ldelim()
      .ldelim();
    w.uint32((4 << 3) | 2)
      .fork()
      .uint32((1 << 3) | 0)
      .int64(1)
      .ldelim();
    w.ldelim();
    const bytes = Buffer.from(w.finish());
    const fast = decodeInsertRequest(bytes);
    expect(fast).toEqual(generic(insertType, bytes));
    expect(fieldsDataOf(fast)[0]).toMatchObject({ vectors: { float_vector: { data: [1.5, -2.5] } } });
    expect(fieldsDataOf(fast)[1]).toMatchObject({ scalars: { long_data: { data: ['7', '-7'] } } });
  });

  it('rejects truncated bytes as the generic decoding does', () => {
    const bytes = encode(insertType, request);
    for (const cut of [bytes.length - 1, Math.floor(bytes.length / 2), 40]) {
      const truncated = bytes.subarray(0, cut);
      expect(() => generic(insertType, truncated)).toThrow();
      expect(() => decodeInsertRequest(truncated)).toThrow();
    }
  });
});
