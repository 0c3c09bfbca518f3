import { describe, expect, it } from 'vitest';
import wkx from 'wkx';
import type { FieldSchema as FieldMessage } from '../../proto/generated/milvus/proto/schema/FieldSchema.js';
import { wkbFromWkt, wktFromWkb } from '../../core/geometry.js';
import { DataType } from '../../core/schema.js';
import { decodeFieldsData, type IncomingFieldData } from '../../milvus/field-data.js';
import { CollectionSchemaMessage } from '../../milvus/proto.js';
import { encodeField } from '../../milvus/results.js';
import { checkScalarIndex, scalarIndexEngine } from '../../milvus/scalar-indexes.js';
import { decodeCollectionSchema, encodeCollectionSchema } from '../../milvus/schema-codec.js';
import { absentColumn } from '../../segment/rows.js';
import { decodeColumns, encodeColumns } from '../../storage/column-codec.js';
import type { Hit } from '../../search/hits.js';

/**
 * Geometry fields at the protocol's edges: the schema (nullable, WKT defaults, no arrays of
 * them), inserts as WKT or WKB (stored as WKB, bad values refused as Milvus's proxy refuses
 * them), output as the normalized WKT Milvus answers, the column file round trip, and the
 * indexes Milvus allows on them.
 */
const base: FieldMessage[] = [
  { name: 'id', data_type: 'Int64', is_primary_key: true },
  { name: 'vec', data_type: 'FloatVector', type_params: [{ key: 'dim', value: '2' }] },
];
const decode = (geo: FieldMessage) => decodeCollectionSchema(CollectionSchemaMessage.encode({ name: 'c', fields: [...base, geo] }), 'c');
const geoField: FieldMessage = { name: 'geo', data_type: 'Geometry', nullable: true };
const schema = decode(geoField);
const geo = schema.fields.find((f) => f.name === 'geo')!;

function refusal(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    return [(e as { code: number }).code, (e as Error).message];
  }
  throw new Error('expected a refusal');
}

const insert = (values: unknown[], key: 'geometry_wkt_data' | 'geometry_data', valid: boolean[] = []) => {
  const rows = valid.length || values.length;
  const data: IncomingFieldData[] = [
    {
      field_name: 'id',
      type: 'Int64',
      scalars: { data: 'long_data', long_data: { data: Array.from({ length: rows }, (_, i) => String(i)) } },
    },
    {
      field_name: 'vec',
      type: 'FloatVector',
      vectors: { dim: '2', data: 'float_vector', float_vector: { data: new Array(rows * 2).fill(0) } },
    },
    { field_name: 'geo', type: 'Geometry', valid_data: valid, scalars: { data: key, [key]: { data: values } } },
  ] as unknown as IncomingFieldData[];
  return decodeFieldsData(schema, data, rows);
};

describe('Geometry schema', () => {
  it('is a field type of its own, described back as sent', () => {
    expect(geo.dataType).toBe(DataType.Geometry);
    const described = encodeCollectionSchema(schema).fields!.find((f) => f.name === 'geo')!;
    expect(described).toMatchObject({ data_type: 'Geometry', nullable: true });
  });

  it('takes a WKT default value and refuses one that is not a geometry', () => {
    const withDefault = decode({ name: 'geo', data_type: 'Geometry', default_value: { string_data: 'POINT(1 2)', data: 'string_data' } });
    expect(withDefault.fields.find((f) => f.name === 'geo')!.defaultValue).toBe('POINT(1 2)');
    const [code, message] = refusal(() =>
      decode({ name: 'geo', data_type: 'Geometry', default_value: { string_data: 'POINT(x)', data: 'string_data' } }),
    );
    expect(code).toBe(1100);
    expect(message).toContain('invalid default value of Geometry field');
  });

  it('refuses arrays of geometries', () => {
    const [code, message] = refusal(() =>
      decode({ name: 'geo', data_type: 'Array', element_type: 'Geometry', type_params: [{ key: 'max_capacity', value: '4' }] }),
    );
    expect(code).toBe(1100);
    expect(message).toContain('element type Geometry is not supported for arrays');
  });
});

describe('Geometry inserts and output', () => {
  it('stores WKT as WKB, nulls as empty rows, and answers the normalized WKT', () => {
    const { columns } = insert(['POINT(1.50 2)', 'POLYGON((0 0,1 0,1 1,0 0))'], 'geometry_wkt_data', [true, false, true]);
    const col = columns.get('geo')!;
    expect(Array.from(col.valid!)).toEqual([1, 0, 1]);
    const rows = col.values as Uint8Array[];
    expect(wkx.Geometry.parse(Buffer.from(rows[0]!)).toWkt()).toBe('POINT(1.5 2)');
    expect(rows[1]).toHaveLength(0);
    const hits = [0, 1, 2].map((row) => ({ row }) as unknown as Hit);
    const out = encodeField(geo, hits, (h) => (h.row === 1 ? null : rows[h.row]));
    expect(out.valid_data).toEqual([true, false, true]);
    expect(out.scalars).toEqual({ geometry_wkt_data: { data: ['POINT (1.5 2)', '', 'POLYGON ((0 0, 1 0, 1 1, 0 0))'] } });
  });

  it('takes WKB in geometry_data', () => {
    const wkb = wkx.Geometry.parse('LINESTRING(0 0, 2 2)').toWkb();
    const { columns } = insert([wkb], 'geometry_data');
    expect(wktFromWkb((columns.get('geo')!.values as Uint8Array[])[0]!)).toBe('LINESTRING (0 0, 2 2)');
  });

  it.each([
    ['POINT(1)', 'geometry_wkt_data'],
    ['not a geometry', 'geometry_wkt_data'],
    ['POINT EMPTY', 'geometry_wkt_data'],
    [Buffer.from([1, 2, 3]), 'geometry_data'],
  ] as const)('refuses %s with Milvus reason', (bad, key) => {
    const [code, message] = refusal(() => insert(['POINT(0 0)', bad], key));
    expect(code).toBe(1100);
    expect(message).toContain('invalid Geometry data, transform to wkb failed');
    expect(message).toContain('row 1');
  });

  it('fills rows written before the field was added with its default geometry', () => {
    const added = { ...geo, nullable: true, defaultValue: 'POINT (3 4)' };
    const col = absentColumn(added, 2);
    expect((col.values as Uint8Array[]).map(wktFromWkb)).toEqual(['POINT (3 4)', 'POINT (3 4)']);
  });

  it('keeps WKB rows and nulls through the column file format', () => {
    const values = [wkbFromWkt('POINT (1 2)'), null, wkbFromWkt('MULTIPOINT ((0 0), (1 1))')];
    const file = encodeColumns(3, new Map([['geo', { type: DataType.Geometry, values, valid: Uint8Array.of(1, 0, 1) }]]));
    const back = decodeColumns(file, 'test').columns.get('geo')!;
    const rows = back.values as Uint8Array[];
    expect(wktFromWkb(rows[0]!)).toBe('POINT (1 2)');
    expect(rows[1]).toHaveLength(0);
    expect(wktFromWkb(rows[2]!)).toBe('MULTIPOINT ((0 0), (1 1))');
    expect(Array.from(back.valid!)).toEqual([1, 0, 1]);
  });
});

describe('Geometry indexes', () => {
  it('accepts RTREE and AUTOINDEX on a geometry field, served by the envelope check', () => {
    expect(() => checkScalarIndex('RTREE', geo, {})).not.toThrow();
    expect(() => checkScalarIndex('AUTOINDEX', geo, {})).not.toThrow();
    expect(scalarIndexEngine(geo)).toBe('ENVELOPE_SCAN');
  });

  it('refuses RTREE elsewhere and other scalar indexes on geometry, in Milvus words', () => {
    const id = schema.fields.find((f) => f.name === 'id')!;
    expect(refusal(() => checkScalarIndex('RTREE', id, {}))[1]).toContain('RTREE index can only be built on geometry field, got Int64');
    expect(refusal(() => checkScalarIndex('INVERTED', geo, {}))[1]).toContain('INVERTED are not supported on Geometry field');
    expect(refusal(() => checkScalarIndex('STL_SORT', geo, {}))[1]).toContain('STL_SORT are only supported on numeric field');
  });
});
