import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../core/timestamptz.js';
import { validateProperties, withTimezone } from '../../milvus/collection-properties.js';
import { decodeFieldsData } from '../../milvus/field-data.js';
import { CollectionSchemaMessage } from '../../milvus/proto.js';
import { decodeCollectionSchema, encodeCollectionSchema } from '../../milvus/schema-codec.js';
import { requestTimezone } from '../../milvus/search-request.js';
import { formatTimestamptzFields } from '../../milvus/timestamptz.js';
import type { FieldSchema as FieldMessage } from '../../proto/generated/milvus/proto/schema/FieldSchema.js';
import type { ValueField } from '../../proto/generated/milvus/proto/schema/ValueField.js';

/**
 * Timestamptz in the Milvus layer: schema defaults (decoded in the collection's time zone,
 * described in it), insert columns (strings or microseconds), the time zone a request works in,
 * the answer's formatting, and the `timezone` property.
 */
const schemaWith = (defaultValue?: ValueField) => {
  const fields: FieldMessage[] = [
    { name: 'id', data_type: 'Int64', is_primary_key: true },
    { name: 'v', data_type: 'FloatVector', type_params: [{ key: 'dim', value: '2' }] },
    { name: 'ts', data_type: 'Timestamptz', nullable: true, ...(defaultValue ? { default_value: defaultValue } : {}) },
  ];
  return CollectionSchemaMessage.encode({ name: 'c', fields });
};

function refusal(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    return [(e as { code: number }).code, (e as Error).message];
  }
  throw new Error('expected a refusal');
}

describe('Timestamptz defaults', () => {
  it('reads a string default in the collection time zone and describes it there', () => {
    const schema = decodeCollectionSchema(schemaWith({ string_data: '2025-01-01 08:00:00', data: 'string_data' }), 'c', 'Asia/Shanghai');
    const ts = schema.fields.find((f) => f.name === 'ts')!;
    expect(ts.defaultValue).toBe(parseTimestamptz('2025-01-01T00:00:00Z', 'UTC'));
    const described = encodeCollectionSchema(schema, 'America/New_York').fields!.find((f) => f.name === 'ts')!;
    expect(described.default_value).toEqual({ string_data: '2024-12-31T19:00:00-05:00', data: 'string_data' });
  });

  it('takes microseconds as the SDK sends them, and refuses other kinds and bad strings', () => {
    const schema = decodeCollectionSchema(schemaWith({ timestamptz_data: '1735689600000000', data: 'timestamptz_data' }), 'c');
    expect(schema.fields.find((f) => f.name === 'ts')!.defaultValue).toBe(1735689600000000n);
    expect(refusal(() => decodeCollectionSchema(schemaWith({ long_data: '10', data: 'long_data' }), 'c'))).toEqual([
      1100,
      'type (Timestamptz) of field (ts) is not equal to the type(DataType_Int64) of default_value',
    ]);
    expect(refusal(() => decodeCollectionSchema(schemaWith({ string_data: 'timestamp', data: 'string_data' }), 'c'))).toEqual([
      1100,
      "invalid timestamp string: 'timestamp'. Does not match any known format",
    ]);
  });
});

describe('Timestamptz inserts', () => {
  const schema = decodeCollectionSchema(schemaWith({ string_data: '2025-01-01T00:00:00Z', data: 'string_data' }), 'c');
  const fields = (ts: object) => [
    { field_name: 'id', type: 'Int64', scalars: { data: 'long_data', long_data: { data: ['1', '2', '3'] } }, valid_data: [] },
    {
      field_name: 'v',
      type: 'FloatVector',
      vectors: { dim: '2', data: 'float_vector', float_vector: { data: [0, 1, 1, 0, 1, 1] } },
      valid_data: [],
    },
    { field_name: 'ts', type: 'Timestamptz', ...ts },
  ];

  it('parses strings in the collection time zone; nulls take the default', () => {
    const decoded = decodeFieldsData(
      schema,
      fields({
        scalars: { data: 'string_data', string_data: { data: ['2025-06-01 12:00:00', '2025-06-01T12:00:00Z', ''] } },
        valid_data: [true, true, false],
      }) as never,
      3,
      'Asia/Kolkata',
    );
    const col = decoded.columns.get('ts')!;
    expect(Array.from(col.values as BigInt64Array)).toEqual([
      parseTimestamptz('2025-06-01T06:30:00Z', 'UTC'),
      parseTimestamptz('2025-06-01T12:00:00Z', 'UTC'),
      parseTimestamptz('2025-01-01T00:00:00Z', 'UTC'),
    ]);
  });

  it('takes microseconds as they are', () => {
    const decoded = decodeFieldsData(
      schema,
      fields({
        scalars: { data: 'timestamptz_data', timestamptz_data: { data: ['5', '-5', '1735689600000001'] } },
        valid_data: [],
      }) as never,
      3,
    );
    expect(Array.from(decoded.columns.get('ts')!.values as BigInt64Array)).toEqual([5n, -5n, 1735689600000001n]);
  });

  it("refuses a bad string with Milvus's message", () => {
    const bad = fields({ scalars: { data: 'string_data', string_data: { data: ['2025-01-01', 'x', 'y'] } }, valid_data: [] });
    expect(refusal(() => decodeFieldsData(schema, bad as never, 3))).toEqual([
      1100,
      "invalid timestamp string: '2025-01-01'. Does not match any known format",
    ]);
  });
});

describe('time zones of requests and collections', () => {
  it("takes the request's timezone, else the collection's", () => {
    expect(requestTimezone(new Map([['timezone', 'Asia/Tokyo']]), { timezone: 'UTC' })).toBe('Asia/Tokyo');
    expect(requestTimezone(new Map(), { timezone: 'Europe/Paris' })).toBe('Europe/Paris');
    expect(requestTimezone(new Map(), {})).toBe('UTC');
    expect(refusal(() => requestTimezone(new Map([['timezone', 'Nowhere/Town']]), {}))).toEqual([
      1100,
      'unknown or invalid IANA Time Zone ID: Nowhere/Town',
    ]);
  });

  it('gives a new collection its database time zone, else UTC, and checks the property', () => {
    expect(withTimezone({}, { timezone: 'Asia/Tokyo' })).toEqual({ timezone: 'Asia/Tokyo' });
    expect(withTimezone({ timezone: 'Europe/Paris' }, { timezone: 'Asia/Tokyo' })).toEqual({ timezone: 'Europe/Paris' });
    expect(withTimezone({ note: 'x' }, {})).toEqual({ note: 'x', timezone: 'UTC' });
    expect(refusal(() => validateProperties({ timezone: 'utc' }))).toEqual([1100, 'unknown or invalid IANA Time Zone ID: utc']);
  });

  it('formats Timestamptz columns of an answer and leaves the others', () => {
    const id = { type: 'Int64', field_name: 'id', scalars: { long_data: { data: ['1'] }, timestamptz_data: null } };
    const ts = { type: 'Timestamptz', field_name: 'ts', scalars: { timestamptz_data: { data: ['1735689600500000'] } } };
    expect(formatTimestamptzFields([id, ts], 'Asia/Shanghai')).toEqual([
      id,
      { type: 'Timestamptz', field_name: 'ts', scalars: { data: 'string_data', string_data: { data: ['2025-01-01T08:00:00.5+08:00'] } } },
    ]);
  });
});
