import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { FieldDataMessage, MilvusService, milvusRoot } from '../../milvus/proto.js';
import { resultSerializer } from '../../milvus/result-fields.js';
import { resolveOutputFields } from '../../milvus/results.js';
import { hitRows, searchResultData } from '../../milvus/search-results.js';
import { writerServiceDefinition } from '../../milvus/writer-service.js';
import type { FieldData } from '../../proto/generated/milvus/proto/schema/FieldData.js';
import type { Hit } from '../../search/hits.js';
import type { Segment } from '../../segment/segment.js';
import { keyVectorSchema } from '../harness/schemas.js';

/**
 * The coordinator's reply serializer writes float vectors from Float32Arrays as one block; the
 * bytes must be exactly those proto-loader writes for the same reply with number arrays, so
 * every client decodes them as before.
 */

const vectorColumn = <D extends number[] | Float32Array>(data: D) => ({
  type: 'FloatVector' as const,
  field_name: 'v',
  field_id: '101',
  is_dynamic: false,
  valid_data: [],
  vectors: { dim: '2', float_vector: { data } },
});
const scalarColumn = {
  type: 'Float' as const,
  field_name: 'f',
  field_id: '102',
  is_dynamic: false,
  valid_data: [],
  scalars: { float_data: { data: [0.5, -1.25] } },
};
const floats = [0.1, -2.5, 3.75, 1e-30];

describe('result serializer', () => {
  it('writes SearchResults byte for byte as proto-loader does', () => {
    const reply = <D extends number[] | Float32Array>(data: D) => ({
      status: { code: 0, reason: '', error_code: 'Success' as const },
      collection_name: 'c',
      results: {
        num_queries: '1',
        top_k: '2',
        scores: [0.5, 0.25],
        topks: ['2'],
        ids: { int_id: { data: ['7', '-9007199254740993'] } },
        output_fields: ['f', 'v'],
        primary_field_name: 'id',
        fields_data: [scalarColumn, vectorColumn(data)],
      },
    });
    const expected = MilvusService.service.Search.responseSerialize(reply(floats));
    expect(resultSerializer('milvus.proto.milvus.SearchResults')(reply(new Float32Array(floats)))).toEqual(expected);
    // number arrays (a decoded column) are written the same way too.
    expect(resultSerializer('milvus.proto.milvus.SearchResults')(reply(floats))).toEqual(expected);
  });

  it('writes QueryResults and empty vector columns byte for byte as proto-loader does', () => {
    for (const data of [[] as number[], floats]) {
      const reply = <D extends number[] | Float32Array>(d: D) => ({
        status: { code: 0, reason: '' },
        collection_name: 'c',
        primary_field_name: 'id',
        output_fields: ['v'],
        fields_data: [vectorColumn(d)],
      });
      const expected = MilvusService.service.Query.responseSerialize(reply(data));
      expect(resultSerializer('milvus.proto.milvus.QueryResults')(reply(new Float32Array(data)))).toEqual(expected);
    }
  });

  it('decodes as the original message', () => {
    const bytes = resultSerializer('milvus.proto.milvus.QueryResults')({ fields_data: [vectorColumn(new Float32Array(floats))] });
    const decoded = MilvusService.service.Query.responseDeserialize(bytes);
    expect(decoded.fields_data[0]!.vectors!.float_vector!.data).toEqual(floats.map(Math.fround));
  });
});

describe("the writer's result columns", () => {
  const dim = 3;
  const schema = keyVectorSchema('c', dim);

  // Keys on both sides of the range a double holds exactly, and negative ones (ten-byte varints).
  const pks = [0n, 7n, -9n, 9007199254740991n, 9007199254740993n, -9223372036854775808n, 9223372036854775807n];
  const vectors = new Float32Array(pks.length * dim).map((_, i) => (i % 2 ? -1 : 1) * (i + 0.1) * 1e-3);
  const columns = new Map<string, unknown>([
    ['id', { type: DataType.Int64, values: BigInt64Array.from(pks) }],
    ['v', { type: DataType.FloatVector, dim, values: vectors }],
  ]);
  const segment = { column: (name: string) => columns.get(name) } as unknown as Segment;
  // Rows out of order, one twice.
  const hits: Hit[] = [3, 0, 6, 1, 5, 4, 2, 3].map((row, i) => ({ segment, row, pk: pks[row]!, score: i / 3, ts: 0 }));
  const selection = resolveOutputFields(schema, ['*'], true);
  const rows = hitRows(schema, selection, hits, [5, 3]);
  const results = searchResultData({ schema, selection, nq: 2, topK: 5, roundDecimal: -1, timezone: 'UTC' }, rows);
  /** The same results as proto-loader's own shape has them: int64 as decimal strings, vectors as number arrays. */
  const decodedShape = {
    ...results,
    // No grouping: no group values.
    group_by_field_value: undefined,
    group_by_field_values: undefined,
    ids: { int_id: { data: hits.map((h) => String(h.pk)) } },
    fields_data: [
      results.fields_data[0] as FieldData,
      {
        ...results.fields_data[1],
        vectors: { dim: String(dim), float_vector: { data: hits.flatMap((h) => [...vectors.subarray(h.row * dim, (h.row + 1) * dim)]) } },
      },
    ],
  };
  const writer = writerServiceDefinition();

  it('builds vectors as one Float32Array and ids as exact values', () => {
    expect(rows.fieldsData[1]!.vectors!.float_vector!.data).toBeInstanceOf(Float32Array);
    expect(rows.ids.int_id!.data!.map((x) => BigInt(x as number | string))).toEqual(hits.map((h) => h.pk));
  });

  it('writes Search and Query replies byte for byte as proto-loader does', () => {
    const status = { code: 0, reason: '', error_code: 'Success' as const };
    const expected = MilvusService.service.Search.responseSerialize({ status, collection_name: 'c', results: decodedShape });
    expect(writer.Search!.responseSerialize({ status, collection_name: 'c', results })).toEqual(expected);
    expect(writer.HybridSearch!.responseSerialize({ status, collection_name: 'c', results })).toEqual(expected);
    const query = <F>(fields_data: F[]) => ({
      status,
      collection_name: 'c',
      primary_field_name: 'id',
      output_fields: ['id', 'v'],
      fields_data,
    });
    expect(writer.Query!.responseSerialize(query(rows.fieldsData))).toEqual(
      MilvusService.service.Query.responseSerialize(query(decodedShape.fields_data)),
    );
  });

  it('encodes a carried FieldData with Float32Array vectors as protobufjs encodes the number array', () => {
    const type = milvusRoot.lookupType('milvus.proto.schema.FieldData');
    const expected = Buffer.from(type.encode(type.fromObject(decodedShape.fields_data[1]!)).finish());
    expect(FieldDataMessage.encode(rows.fieldsData[1]!)).toEqual(expected);
  });
});
