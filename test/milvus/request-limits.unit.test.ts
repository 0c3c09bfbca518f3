import { describe, expect, it } from 'vitest';
import { DataType, type CollectionSchema, type FieldSchema } from '../../core/schema.js';
import {
  checkNq,
  checkQueryWindow,
  checkSearchResultSize,
  checkTopk,
  maxQueryRows,
  resultRowBytes,
  VARIABLE_VALUE_BYTES,
} from '../../milvus/request-limits.js';
import { resolveOutputFields } from '../../milvus/results.js';
import { fieldSchema } from '../harness/schemas.js';
import { MilvusError } from '../../milvus/status.js';

const field = (name: string, dataType: DataType, extra: Partial<FieldSchema> = {}) => fieldSchema(100, name, dataType, extra);

const schema: CollectionSchema = {
  name: 'sized',
  description: '',
  enableDynamicField: true,
  fields: [
    field('id', DataType.Int64, { isPrimaryKey: true }),
    field('v', DataType.FloatVector, { dim: 768 }),
    field('small', DataType.Int8),
    field('flag', DataType.Bool),
    field('code', DataType.VarChar, { maxLength: 8 }),
    field('text', DataType.VarChar, { maxLength: 65535 }),
    field('doc', DataType.JSON),
    field('$meta', DataType.JSON, { isDynamic: true }),
  ],
};

const refusal = (fn: () => void): MilvusError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof MilvusError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('the result-size estimate', () => {
  it('counts fixed-width values exactly and variable-length ones as short', () => {
    const bytes = (fields: string[], searchHit: boolean) => resultRowBytes(resolveOutputFields(schema, fields, true), searchHit);
    expect(bytes(['id'], false)).toBe(8);
    // A hit adds its score and the key again in `ids`.
    expect(bytes(['id'], true)).toBe(8 + 4 + 8);
    expect(bytes(['v'], false)).toBe(8 + 768 * 4);
    expect(bytes(['small', 'flag'], false)).toBe(8 + 4 + 1);
    // A VarChar counts at most its max_length.
    expect(bytes(['code'], false)).toBe(8 + 8);
    expect(bytes(['text', 'doc'], false)).toBe(8 + 2 * VARIABLE_VALUE_BYTES);
    expect(bytes(['color'], false)).toBe(8 + VARIABLE_VALUE_BYTES);
  });

  it('refuses a search over the limit and says which factors make it', () => {
    const selection = resolveOutputFields(schema, ['v'], true);
    const limits = { maxResultBytes: 100 * 1024 * 1024 };
    expect(() => checkSearchResultSize(10, 1000, selection, limits)).not.toThrow();
    const e = refusal(() => checkSearchResultSize(100, 1000, selection, limits));
    expect([e.code, e.errorCode]).toEqual([1100, 'IllegalArgument']);
    expect(e.message).toBe(
      'search results exceed the maxOutputSize Limit 104857600: nq 100 x topk 1000 x 3092 bytes per hit (key, score and output fields) ' +
        'is about 309200000 bytes; lower nq, topk or the output fields',
    );
  });

  it('gives the rows a query may answer within the limit', () => {
    expect(maxQueryRows(resolveOutputFields(schema, ['id'], true), { maxResultBytes: 800 })).toBe(100);
  });
});

describe("Milvus's count limits", () => {
  it.each([
    [
      () => checkNq(16385),
      'nq [16385] is invalid, nq (number of search vector per search request) should be in range [1, 16384], but got 16385',
    ],
    [() => checkTopk(0, 0), 'topk [0] is invalid, it should be in range [1, 16384], but got 0'],
    [() => checkTopk(10, -1), 'offset [-1] is invalid, it should be in range [1, 16384], but got -1'],
    [() => checkTopk(16000, 1000), 'offset+topk [17000] is invalid, it should be in range [1, 16384], but got 17000'],
    [() => checkQueryWindow(0, 0), 'invalid max query result window, limit [0] is invalid, should be greater than 0'],
    [() => checkQueryWindow(10, -1), 'invalid max query result window, offset [-1] is invalid, should be gte than 0'],
    [() => checkQueryWindow(16384, 1), 'invalid max query result window, (offset+limit) should be in range [1, 16384], but got 16385'],
  ])('refuses with Milvus message %#', (fn, message) => {
    const e = refusal(fn);
    expect([e.code, e.errorCode, e.message]).toEqual([1100, 'IllegalArgument', message]);
  });

  it('accepts the largest allowed values', () => {
    expect(() => checkNq(16384)).not.toThrow();
    expect(() => checkTopk(16384, 0)).not.toThrow();
    expect(() => checkTopk(8192, 8192)).not.toThrow();
    expect(() => checkQueryWindow(16383, 1)).not.toThrow();
  });
});
