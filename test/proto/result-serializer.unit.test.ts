import { describe, expect, it } from 'vitest';
import { MilvusService } from '../../milvus/proto.js';
import { resultSerializer } from '../../milvus/result-fields.js';

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
