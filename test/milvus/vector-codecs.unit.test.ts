import { describe, expect, it } from 'vitest';
import { sparseRowsToBytes, f32ArrayToBf16Bytes, f32ArrayToF16Bytes } from '@zilliz/milvus2-sdk-node';
import { DataType, type FieldSchema } from '../../core/schema.js';
import { sparseSetFromRows } from '../../engine/vectors.js';
import { CollectionSchemaMessage } from '../../milvus/proto.js';
import { decodeCollectionSchema } from '../../milvus/schema-codec.js';
import { decodeQueries, decodeVectorColumn, encodeVectorRows, queryValues } from '../../milvus/vector-codecs.js';
import { checkIndexType, indexMetric } from '../../milvus/vector-indexes.js';
import { fieldSchema } from '../harness/schemas.js';

/**
 * The wire codecs of the vector types: the SDK's encodings of every input form decode to the
 * rows sent and encode back the same; Milvus's refusals (schema dims, payloads, sparse rows,
 * index types and metrics) with its messages and codes.
 */
const field = (dataType: DataType, dim?: number): FieldSchema => fieldSchema(101, 'v', dataType, dim === undefined ? {} : { dim });

/** A MilvusError's [code, message]. */
function refusal(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    return [(e as { code: number }).code, (e as Error).message];
  }
  throw new Error('no refusal');
}

describe('sparse rows from every SDK form', () => {
  const dict = { 3: 0.5, 17: 2, 40: 0.25 };
  const forms = {
    dict,
    csr: { indices: [3, 17, 40], values: [0.5, 2, 0.25] },
    coo: [
      { index: 3, value: 0.5 },
      { index: 17, value: 2 },
      { index: 40, value: 0.25 },
    ],
    array: Object.assign([], { 3: 0.5, 17: 2, 40: 0.25 }) as number[],
  };
  it.each(Object.entries(forms))('%s decodes to the pairs sent and encodes back the same bytes', (_form, row) => {
    const wire = sparseRowsToBytes([row as never, {}]);
    const col = decodeVectorColumn(
      { data: 'sparse_float_vector', sparse_float_vector: { contents: wire, dim: 41 } },
      field(DataType.SparseFloatVector),
      2,
    );
    const set = sparseSetFromRows(col.values as Uint8Array[]);
    expect([Array.from(set.offsets), Array.from(set.ids), Array.from(set.weights)]).toEqual([
      [0, 3, 3],
      [3, 17, 40],
      [0.5, 2, 0.25],
    ]);
    const out = encodeVectorRows(field(DataType.SparseFloatVector), col.values as Uint8Array[]);
    expect(out.dim).toBe('41');
    expect(out.sparse_float_vector!.contents!.map((c) => Buffer.from(c as Uint8Array).toString('hex'))).toEqual(
      wire.map((c) => Buffer.from(c).toString('hex')),
    );
  });

  it.each([
    [{ indices: [5, 2], values: [1, 1] }, 'unsorted or same indices in sparse float vector'],
    [{ indices: [2, 2], values: [1, 1] }, 'unsorted or same indices in sparse float vector'],
    [{ 1: -0.5 }, 'negative value in sparse float vector'],
    [{ 1: Number.NaN }, "value 'NaN' is not a number or infinity"],
  ])('refuses %j as Milvus does', (row, message) => {
    const contents = sparseRowsToBytes([row as never]);
    expect(
      refusal(() =>
        decodeVectorColumn({ data: 'sparse_float_vector', sparse_float_vector: { contents } }, field(DataType.SparseFloatVector), 1),
      ),
    ).toEqual([1100, message]);
  });

  it('refuses a row that is not whole pairs and an index of 2^32 - 1', () => {
    const f = field(DataType.SparseFloatVector);
    const decode = (row: Uint8Array) => () =>
      decodeVectorColumn({ data: 'sparse_float_vector', sparse_float_vector: { contents: [row] } }, f, 1);
    expect(refusal(decode(new Uint8Array(12)))[1]).toBe('invalid data length in sparse float vector: 12');
    const max = new Uint8Array(8);
    new DataView(max.buffer).setUint32(0, 0xffffffff, true);
    expect(refusal(decode(max))[1]).toBe('invalid index in sparse float vector: must be less than 2^32-1');
  });
});

describe('dense payloads', () => {
  it('float16 and bfloat16 bytes from the SDK decode to the values sent and come back unchanged', () => {
    const values = [0.5, -1.25, 3, 0.125];
    for (const [type, payload, encode] of [
      [DataType.Float16Vector, 'float16_vector', f32ArrayToF16Bytes],
      [DataType.BFloat16Vector, 'bfloat16_vector', f32ArrayToBf16Bytes],
    ] as const) {
      const bytes = Buffer.concat([encode(values), encode(values.map((v) => -v))]);
      const col = decodeVectorColumn({ data: payload, dim: 4, [payload]: bytes }, field(type, 4), 2);
      expect(col.values).toBeInstanceOf(Uint16Array);
      const rows = [0, 1].map((r) => (col.values as Uint16Array).subarray(r * 4, r * 4 + 4));
      expect(Buffer.from((encodeVectorRows(field(type, 4), rows) as Record<string, Uint8Array>)[payload]!).equals(bytes)).toBe(true);
    }
  });

  it('binary and int8 rows keep their bytes; the row count and dim are checked', () => {
    const bin = field(DataType.BinaryVector, 16);
    const col = decodeVectorColumn({ data: 'binary_vector', dim: 16, binary_vector: Buffer.from([1, 2, 3, 4]) }, bin, 2);
    expect(Array.from(col.values as Uint8Array)).toEqual([1, 2, 3, 4]);
    expect(refusal(() => decodeVectorColumn({ data: 'binary_vector', dim: 16, binary_vector: Buffer.from([1, 2, 3, 4]) }, bin, 3))[1]).toBe(
      'the num_rows (2) of field (v) is not equal to passed num_rows (3)',
    );
    expect(refusal(() => decodeVectorColumn({ data: 'binary_vector', dim: 8, binary_vector: Buffer.from([1, 2]) }, bin, 1))[1]).toBe(
      'the dim (8) of field data(v) is not equal to schema dim (16)',
    );
    const int8 = decodeVectorColumn(
      { data: 'int8_vector', dim: 2, int8_vector: Buffer.from([0xff, 0x7f]) },
      field(DataType.Int8Vector, 2),
      1,
    );
    expect(Array.from(int8.values as Int8Array)).toEqual([-1, 127]);
  });

  it('refuses a payload of another type and half floats that are NaN or infinite, in Milvus words', () => {
    expect(
      refusal(() => decodeVectorColumn({ data: 'float_vector', dim: 8, float_vector: { data: [] } }, field(DataType.BinaryVector, 8), 1)),
    ).toEqual([
      1100,
      "binary float vector field 'v' is illegal, array type mismatch: invalid parameter[expected=need bytes array][actual=got nil]",
    ]);
    const inf = Buffer.from(Uint16Array.of(0x7c00, 0).buffer);
    expect(
      refusal(() => decodeVectorColumn({ data: 'float16_vector', dim: 2, float16_vector: inf }, field(DataType.Float16Vector, 2), 1))[1],
    ).toBe('float16 vector contain nan or infinity value.');
  });
});

describe('query vectors', () => {
  it('decode per type and encode back to the same placeholder values', () => {
    const f16 = field(DataType.Float16Vector, 2);
    const values = [Buffer.from(Uint16Array.of(0x3c00, 0x4000).buffer)];
    const set = decodeQueries({ type: 'Float16Vector', values }, f16);
    expect(queryValues(set).map((v) => Buffer.from(v).toString('hex'))).toEqual(values.map((v) => v.toString('hex')));
    // Float32 queries are taken for a float16 field, converted to its type.
    const floats = decodeQueries({ type: 'FloatVector', values: [Buffer.from(Float32Array.of(1, 2).buffer)] }, f16);
    expect(queryValues(floats)[0]).toEqual(new Uint8Array(values[0]!));
    expect(refusal(() => decodeQueries({ type: 'FloatVector', values }, field(DataType.BinaryVector, 16)))[1]).toBe(
      'query vectors of type FloatVector cannot search field v of type BinaryVector',
    );
    expect(refusal(() => decodeQueries({ type: 'BinaryVector', values: [Buffer.from([1])] }, field(DataType.BinaryVector, 16)))[1]).toMatch(
      /query 0 has dim 8, the collection's vector field has dim 16/,
    );
  });
});

describe('schemas and indexes as Milvus checks them', () => {
  const schema = (type: string, params: { key: string; value: string }[]) =>
    CollectionSchemaMessage.encode({
      name: 'c',
      fields: [
        { name: 'id', data_type: 'Int64', is_primary_key: true },
        { name: 'v', data_type: type as 'FloatVector', type_params: params },
      ],
    });

  it('checks dims: binary a multiple of 8, none for sparse', () => {
    expect(refusal(() => decodeCollectionSchema(schema('BinaryVector', [{ key: 'dim', value: '12' }]), 'c'))).toEqual([
      1100,
      'invalid dimension: 12 of field v. binary vector dimension should be multiple of 8. ',
    ]);
    expect(refusal(() => decodeCollectionSchema(schema('SparseFloatVector', [{ key: 'dim', value: '8' }]), 'c'))[1]).toBe(
      'dim should not be specified for sparse vector field v(101)',
    );
    expect(refusal(() => decodeCollectionSchema(schema('Float16Vector', [{ key: 'dim', value: '40000' }]), 'c'))[1]).toBe(
      'invalid dimension: 40000 of field v. float vector dimension should be in range 2 ~ 32768',
    );
    const ok = decodeCollectionSchema(schema('BinaryVector', [{ key: 'dim', value: '128' }]), 'c');
    expect(ok.fields[1]).toMatchObject({ dataType: DataType.BinaryVector, dim: 128 });
    expect(decodeCollectionSchema(schema('SparseFloatVector', []), 'c').fields[1]!.dim).toBeUndefined();
  });

  it('checks index types and metrics per vector type', () => {
    const bin = field(DataType.BinaryVector, 64);
    expect(refusal(() => checkIndexType('FLAT', bin))).toEqual([1100, 'index FLAT do not support data type: BinaryVector']);
    expect(refusal(() => checkIndexType('MINHASH_LSH', bin))[0]).toBe(701);
    expect(refusal(() => checkIndexType('GPU_CAGRA', field(DataType.Float16Vector, 8)))[0]).toBe(701);
    expect(() => checkIndexType('BIN_IVF_FLAT', bin)).not.toThrow();
    expect(() => checkIndexType('HNSW', field(DataType.Float16Vector, 8))).not.toThrow();
    expect(() => checkIndexType('SPARSE_WAND', field(DataType.SparseFloatVector))).not.toThrow();
    expect(refusal(() => indexMetric('L2', bin))).toEqual([
      1100,
      'metric type L2 not found or not supported, supported: [HAMMING JACCARD SUBSTRUCTURE SUPERSTRUCTURE MHJACCARD]',
    ]);
    expect(refusal(() => indexMetric('SUBSTRUCTURE', bin))[0]).toBe(1200);
    expect(refusal(() => indexMetric('L2', field(DataType.SparseFloatVector)))[1]).toBe(
      'metric type not found or not supported, supported: [IP BM25]',
    );
    expect(refusal(() => indexMetric('HAMMING', field(DataType.Int8Vector, 8)))[1]).toBe(
      'metric type HAMMING not found or not supported, supported: [L2 IP COSINE]',
    );
    expect([
      indexMetric('', bin),
      indexMetric('', field(DataType.SparseFloatVector)),
      indexMetric('', field(DataType.Int8Vector, 8)),
    ]).toEqual(['HAMMING', 'IP', 'COSINE']);
  });
});
