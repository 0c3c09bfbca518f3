import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import type { FunctionSchema } from '../../proto/generated/milvus/proto/schema/FunctionSchema.js';
import type { FieldSchema as FieldMessage } from '../../proto/generated/milvus/proto/schema/FieldSchema.js';
import { decodeFieldsData, type IncomingFieldData } from '../../milvus/field-data.js';
import { CollectionSchemaMessage } from '../../milvus/proto.js';
import { decodeCollectionSchema, encodeCollectionSchema } from '../../milvus/schema-codec.js';
import { vectorField } from '../../core/schema.js';

/**
 * Schemas with BM25 functions as Milvus's proxy checks them (validateFunction and the text
 * schema check), with its messages and codes; what DescribeCollection shows of them; the
 * function's output computed on insert, and refused when sent.
 */
const text = (extra: { key: string; value: string }[] = []): FieldMessage => ({
  name: 'text',
  data_type: 'VarChar',
  type_params: [{ key: 'max_length', value: '256' }, { key: 'enable_analyzer', value: 'true' }, ...extra],
});
const fields = (over: Partial<Record<'text' | 'sparse', FieldMessage>> = {}): FieldMessage[] => [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  over.text ?? text(),
  over.sparse ?? { name: 'sparse', data_type: 'SparseFloatVector' },
  { name: 'dense', data_type: 'FloatVector', type_params: [{ key: 'dim', value: '4' }] },
];
const bm25 = (over: Partial<FunctionSchema> = {}): FunctionSchema => ({
  name: 'fn',
  type: 'BM25',
  input_field_names: ['text'],
  output_field_names: ['sparse'],
  params: [],
  ...over,
});
const decode = (f: FieldMessage[], functions: FunctionSchema[]) =>
  decodeCollectionSchema(CollectionSchemaMessage.encode({ name: 'c', fields: f, functions }), 'c');

function refusal(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    return [(e as { code: number }).code, (e as Error).message];
  }
  throw new Error('no refusal');
}

describe('BM25 functions in a schema', () => {
  it('marks the output, keeps the analyzer settings and describes both as Milvus does', () => {
    const params = JSON.stringify({ tokenizer: 'standard', filter: ['lowercase'] });
    const schema = decode(
      fields({
        text: text([
          { key: 'analyzer_params', value: params },
          { key: 'enable_match', value: 'True' },
        ]),
      }),
      [bm25()],
    );
    expect(schema.functions).toEqual([{ name: 'fn', description: '', type: 'BM25', inputField: 'text', outputField: 'sparse' }]);
    expect(schema.fields.find((f) => f.name === 'sparse')!.isFunctionOutput).toBe(true);
    expect(schema.fields.find((f) => f.name === 'text')).toMatchObject({ enableAnalyzer: true, enableMatch: true, analyzerParams: params });
    const described = encodeCollectionSchema(schema);
    expect(described.functions).toEqual([
      expect.objectContaining({
        name: 'fn',
        type: 'BM25',
        input_field_names: ['text'],
        input_field_ids: ['101'],
        output_field_names: ['sparse'],
        output_field_ids: ['102'],
      }),
    ]);
    expect(described.fields!.find((f) => f.name === 'sparse')!.is_function_output).toBe(true);
    expect(described.fields!.find((f) => f.name === 'text')!.type_params).toEqual(
      expect.arrayContaining([
        { key: 'enable_analyzer', value: 'true' },
        { key: 'analyzer_params', value: params },
        { key: 'enable_match', value: 'true' },
      ]),
    );
  });

  it("refuses bad functions with Milvus's messages", () => {
    const cases: [FieldMessage[], FunctionSchema[], string][] = [
      [fields(), [bm25({ name: '' })], 'function name cannot be empty'],
      [
        fields(),
        [bm25({ input_field_names: ['text', 'text'] })],
        'each function input field should be used exactly once in the same function, function: fn, input field: text',
      ],
      [
        fields(),
        [bm25({ output_field_names: ['text'] })],
        'a single field cannot be both input and output in the same function, function: fn, field: text',
      ],
      [fields(), [bm25({ params: [{ key: 'k1', value: '1' }] })], 'BM25 function accepts no params'],
      [fields(), [bm25(), bm25({ output_field_names: ['dense'] })], 'duplicate function name: fn'],
      [fields(), [bm25({ input_field_names: ['nope'] })], 'function input field not found: nope'],
      [fields(), [bm25({ input_field_names: ['id'] })], 'BM25 function input field must be a VARCHAR field, got 1 field with type Int64'],
      [
        fields({ text: { name: 'text', data_type: 'VarChar', type_params: [{ key: 'max_length', value: '8' }] } }),
        [bm25()],
        'BM25 function input field must set enable_analyzer to true',
      ],
      [
        fields(),
        [bm25({ output_field_names: ['dense'] })],
        'BM25 function output field must be a SparseFloatVector field, but got FloatVector',
      ],
      [
        fields({ sparse: { name: 'sparse', data_type: 'SparseFloatVector', nullable: true } }),
        [bm25()],
        'function output field cannot be nullable: function fn, field sparse',
      ],
      [
        fields({ text: text([{ key: 'analyzer_params', value: '{"tokenizer": "klingon"}' }]) }),
        [bm25()],
        'failed to validate text schema: unsupported tokenizer: klingon',
      ],
      [
        fields({
          text: {
            name: 'text',
            data_type: 'VarChar',
            type_params: [
              { key: 'max_length', value: '8' },
              { key: 'enable_match', value: 'true' },
            ],
          },
        }),
        [],
        'field text is set to enable match or bm25 function but not enable analyzer',
      ],
    ];
    for (const [f, fns, message] of cases) expect(refusal(() => decode(f, fns))).toEqual([1100, message]);
  });

  it('refuses what Mishards does not do as unimplemented', () => {
    expect(refusal(() => decode(fields(), [bm25({ type: 'TextEmbedding' })]))[0]).toBe(10);
    expect(refusal(() => decode(fields({ text: text([{ key: 'analyzer_params', value: '{"type": "english"}' }]) }), [bm25()]))).toEqual([
      10,
      'analyzer type english is not supported by Mishards',
    ]);
  });

  it('takes a BM25 output as the vector field of a collection without another', () => {
    const onlyBm25 = decode(
      fields().filter((f) => f.name !== 'dense'),
      [bm25()],
    );
    expect(vectorField(onlyBm25).name).toBe('sparse');
    expect(vectorField(decode(fields(), [bm25()])).name).toBe('dense');
  });
});

describe('BM25 outputs on insert', () => {
  const schema = decode(fields({ text: text([{ key: 'analyzer_params', value: '{"type": "standard", "stop_words": ["_english_"]}' }]) }), [
    bm25(),
  ]);
  const fieldData = (fd: Partial<IncomingFieldData>): IncomingFieldData =>
    ({ type: 'None', field_id: '0', is_dynamic: false, valid_data: [], ...fd }) as IncomingFieldData;
  const column = (name: string, data: IncomingFieldData['scalars']) => fieldData({ field_name: name, scalars: data });
  const rows: IncomingFieldData[] = [
    column('id', { data: 'long_data', long_data: { data: ['1', '2'] } } as never),
    column('text', { data: 'string_data', string_data: { data: ['The fox and the FOX', 'the and of'] } } as never),
    fieldData({ field_name: 'dense', vectors: { dim: '4', data: 'float_vector', float_vector: { data: new Float32Array(8) } } as never }),
  ];

  it('holds the term frequencies of the text by term hash, ascending', () => {
    const decoded = decodeFieldsData(schema, rows, 2);
    const [fox, none] = decoded.columns.get('sparse')!.values as Uint8Array[];
    const view = new DataView(fox!.buffer, fox!.byteOffset, fox!.byteLength);
    expect([fox!.length, view.getUint32(0, true), view.getFloat32(4, true)]).toEqual([8, crc32('fox'), 2]);
    expect(none!.length).toBe(0);
  });

  it('refuses values sent for the output', () => {
    const sent = [
      ...rows,
      fieldData({
        field_name: 'sparse',
        vectors: { dim: '1', data: 'sparse_float_vector', sparse_float_vector: { dim: '1', contents: [] } } as never,
      }),
    ];
    expect(refusal(() => decodeFieldsData(schema, sent, 2))).toEqual([
      1100,
      "the field 'sparse' is output by function, no need to provide",
    ]);
  });
});
