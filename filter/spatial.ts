import { geometryRows, type Envelope, type Shape } from '../core/geometry.js';

/**
 * Milvus's spatial filter functions (Plan.g4's SpatialBinary, STDWithin and STIsValid; segcore's
 * GISFunctionFilterExpr), each `st_fn(geometry_field, 'WKT')` true where the row's geometry
 * relates so to the constant one. The relations are jsts's (JTS's, as GEOS's are); a row is
 * first checked by its cached bounding box, which rules out most rows without the exact test.
 */
export type SpatialOp = 'equals' | 'touches' | 'overlaps' | 'crosses' | 'contains' | 'intersects' | 'within' | 'dwithin';

/** The filter functions by their (lower-case) names. */
export const SPATIAL_FUNCTIONS: Readonly<Record<string, SpatialOp>> = {
  st_equals: 'equals',
  st_touches: 'touches',
  st_overlaps: 'overlaps',
  st_crosses: 'crosses',
  st_contains: 'contains',
  st_intersects: 'intersects',
  st_within: 'within',
  st_dwithin: 'dwithin',
};

/** Earth's radius in metres, as segcore's haversine takes it. */
const EARTH_RADIUS = 6371000;
/** Metres per degree of latitude in segcore's conversion of planar distances. */
const METRES_PER_DEGREE = 111320;
const RADIANS = Math.PI / 180;

/** Great-circle distance in metres between two lon/lat points (segcore's haversine_distance_meters). */
export function haversineMetres(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RADIANS;
  const dLon = (lon2 - lon1) * RADIANS;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RADIANS) * Math.cos(lat2 * RADIANS) * Math.sin(dLon / 2) ** 2;
  return EARTH_RADIUS * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
}

/** Segcore's metres for a planar distance in degrees near latitude `lat` (degrees_to_meters_at_location). */
const degreesToMetres = (degrees: number, lat: number) => degrees * METRES_PER_DEGREE * Math.sqrt((1 + Math.cos(lat * RADIANS) ** 2) / 2);

/** A row test: the row's geometry and bounding box against the query. */
type RowTest = (row: Shape, box: Envelope) => boolean;

/**
 * ST_DWITHIN(field, 'POINT (lon lat)', metres), as segcore measures it: a point row by the
 * haversine distance; any other row by its planar distance in degrees, converted to metres at
 * the query's latitude. The box pre-checks are lower bounds of those: a great-circle distance is
 * at least the latitude gap's arc, and a planar distance at least the boxes' distance.
 */
function dwithinTest(query: Shape, metres: number): RowTest {
  const q = query.getCoordinate()!;
  const qBox = query.getEnvelopeInternal();
  return (row, box) => {
    if (row.getGeometryType() === 'Point') {
      const latGap = Math.max(0, box.getMinY() - q.y, q.y - box.getMaxY());
      if (EARTH_RADIUS * latGap * RADIANS > metres) return false;
      const p = row.getCoordinate()!;
      return haversineMetres(p.x, p.y, q.x, q.y) <= metres;
    }
    if (degreesToMetres(box.distance(qBox), q.y) > metres) return false;
    return degreesToMetres(row.distance(query), q.y) <= metres;
  };
}

/** The row test of `op` against the constant geometry (`distance` in metres, for dwithin). */
export function spatialTest(op: SpatialOp, query: Shape, distance: number): RowTest {
  const q = query.getEnvelopeInternal();
  switch (op) {
    case 'equals':
      return (row, box) => box.intersects(q) && row.equalsTopo(query);
    case 'touches':
      return (row, box) => box.intersects(q) && row.touches(query);
    case 'overlaps':
      return (row, box) => box.intersects(q) && row.overlaps(query);
    case 'crosses':
      return (row, box) => box.intersects(q) && row.crosses(query);
    case 'intersects':
      return (row, box) => box.intersects(q) && row.intersects(query);
    // The row's box must hold the query's to contain it, and lie in the query's to be within it.
    case 'contains':
      return (row, box) => box.covers(q) && row.contains(query);
    case 'within':
      return (row, box) => q.covers(box) && row.within(query);
    case 'dwithin':
      return dwithinTest(query, distance);
  }
}

/**
 * Marks in `out` the rows of a geometry column (its WKB values) among the first `n` that pass
 * `test` and `mask` (null: all rows); null rows never pass.
 */
export function markSpatial(values: readonly unknown[], n: number, test: RowTest, mask: Uint8Array | null, out: Uint8Array): void {
  const { shapes, envelopes } = geometryRows(values, n);
  for (let i = 0; i < n; i++) {
    const shape = shapes[i];
    out[i] = (mask === null || mask[i] !== 0) && shape != null && test(shape, envelopes[i]!) ? 1 : 0;
  }
}

/** ST_ISVALID(field): whether the row's geometry is valid in the OGC sense (GEOSisValid). */
export const isValidTest: RowTest = (row) => row.isValid();
