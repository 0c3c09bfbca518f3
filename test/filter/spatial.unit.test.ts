import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter, FilterError } from '../../filter/index.js';
import { haversineMetres } from '../../filter/spatial.js';
import { batchOf, field, matching, schemaOf } from './fixtures.js';

/**
 * The spatial filter functions against cases checked by hand on a small map: the square
 * Q = (0 0)-(4 4), a point inside it, a point outside, the square itself, a line across it,
 * a square sharing its east edge, a square overlapping its north-east quarter, a null row,
 * and a point on its east edge.
 */
const schema = schemaOf([
  field('id', DataType.Int64, { isPrimaryKey: true }),
  field('name', DataType.VarChar, { maxLength: 32 }),
  field('geo', DataType.Geometry, { nullable: true }),
]);
const ROWS = [
  'POINT (1 1)',
  'POINT (5 5)',
  'POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))',
  'LINESTRING (-1 2, 5 2)',
  'POLYGON ((4 0, 8 0, 8 4, 4 4, 4 0))',
  'POLYGON ((2 2, 6 2, 6 6, 2 6, 2 2))',
  null,
  'POINT (4 2)',
];
const batch = batchOf(
  schema,
  ROWS.map((geo, i) => ({ id: i, name: `r${i}`, geo })),
);
const Q = 'POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))';

const rowsOf = (expr: string, b = batch) => matching(compileFilter(expr, schema).evaluate(b));

function errorOf(expr: string): FilterError {
  try {
    compileFilter(expr, schema);
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
  throw new Error(`expected ${expr} to be refused`);
}

describe('spatial functions', () => {
  it.each([
    [`st_within(geo, '${Q}')`, [0, 2]],
    [`st_contains(geo, 'POINT (1 1)')`, [0, 2]],
    [`st_contains(geo, 'LINESTRING (1 1, 3 3)')`, [2]],
    [`st_intersects(geo, '${Q}')`, [0, 2, 3, 4, 5, 7]],
    [`st_touches(geo, '${Q}')`, [4, 7]],
    [`st_overlaps(geo, '${Q}')`, [5]],
    [`st_crosses(geo, '${Q}')`, [3]],
    [`st_equals(geo, 'POLYGON ((4 0, 4 4, 0 4, 0 0, 4 0))')`, [2]],
    [`st_equals(geo, 'MULTIPOINT ((1 1), (1 1))')`, [0]],
    // 1 km around (1 1): the point itself and the square holding it.
    [`st_dwithin(geo, 'POINT (1 1)', 1000)`, [0, 2]],
    // 200 km: also the line 1 degree north (111.3 km) and the overlapping square's corner (157 km).
    [`st_dwithin(geo, 'POINT (1 1)', 200000.0)`, [0, 2, 3, 5]],
  ])('%s', (expr, expected) => {
    expect(rowsOf(expr)).toEqual(expected);
  });

  it('spells the functions in upper case too, and combines them with other conditions', () => {
    expect(rowsOf(`ST_INTERSECTS(geo, '${Q}') and id > 3`)).toEqual([4, 5, 7]);
    expect(rowsOf(`ST_WITHIN(geo, '${Q}') or name == "r1"`)).toEqual([0, 1, 2]);
  });

  it('leaves null rows out of a function and of its negation, and finds them with is null', () => {
    expect(rowsOf(`not st_intersects(geo, '${Q}')`)).toEqual([1]);
    expect(rowsOf('geo is null')).toEqual([6]);
    expect(rowsOf('geo is not null')).toEqual([0, 1, 2, 3, 4, 5, 7]);
  });

  it('measures st_dwithin between points by the haversine distance in metres', () => {
    const points = batchOf(
      schema,
      ['POINT (0 1)', 'POINT (1 0)', 'POINT (0 -1.5)'].map((geo, i) => ({ id: i, name: '', geo })),
    );
    // One degree of arc on a 6371 km sphere is 111194.93 m, north or along the equator.
    expect(haversineMetres(0, 0, 0, 1)).toBeCloseTo(111194.93, 1);
    expect(rowsOf(`st_dwithin(geo, 'POINT (0 0)', 111195)`, points)).toEqual([0, 1]);
    expect(rowsOf(`st_dwithin(geo, 'POINT (0 0)', 111194)`, points)).toEqual([]);
    expect(rowsOf(`st_dwithin(geo, 'POINT (0 0)', 166793)`, points)).toEqual([0, 1, 2]);
  });

  it('tells valid geometries from invalid ones with st_isvalid', () => {
    const shapes = batchOf(
      schema,
      ['POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))', 'POLYGON ((0 0, 4 4, 4 0, 0 4, 0 0))', 'LINESTRING (0 0, 1 1)', null].map((geo, i) => ({
        id: i,
        name: '',
        geo,
      })),
    );
    expect(rowsOf('st_isvalid(geo)', shapes)).toEqual([0, 2]);
    expect(rowsOf('not st_isvalid(geo)', shapes)).toEqual([1]);
  });

  it('takes the geometry from a template variable', () => {
    const f = compileFilter('st_within(geo, {area})', schema, { templateValues: { area: Q } });
    expect(matching(f.evaluate(batch))).toEqual([0, 2]);
  });

  it.each([
    [`st_within(name, '${Q}')`, 'type_mismatch', 'spatial operation are only supported on geometry fields now'],
    ["st_intersects(geo, 'POLYGON ((0 0, 1 1')", 'invalid_literal', 'invalid WKT'],
    ["st_intersects(geo, 'CIRCLE (0 0, 1)')", 'invalid_literal', 'invalid WKT'],
    ['st_intersects(geo, 42)', 'type_mismatch', 'must be a WKT string'],
    [`st_dwithin(geo, '${Q}', 10)`, 'invalid_literal', 'must be a POINT'],
    ["st_dwithin(geo, 'POINT (0 0)', -1)", 'invalid_literal', 'distance parameter must be non-negative'],
    ["st_dwithin(geo, 'POINT (0 0)', id)", 'type_mismatch', 'distance parameter must be a constant numeric value'],
    ['st_isvalid(name)', 'type_mismatch', 'STIsValid operation are only supported on geometry fields now'],
    ["st_dwithin(name, 'POINT (0 0)', 1)", 'type_mismatch', 'ST_DWITHIN operation are only supported on geometry fields now'],
    ["geo == 'POINT (1 1)'", 'type_mismatch', 'cannot be compared'],
    [`st_within('${Q}', geo)`, 'syntax', 'a field name'],
  ])('refuses %s', (expr, kind, message) => {
    const e = errorOf(expr);
    expect(e.kind).toBe(kind);
    expect(e.message).toContain(message);
  });
});
