import 'jsts/org/locationtech/jts/monkey.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js';
import WKTReader from 'jsts/org/locationtech/jts/io/WKTReader.js';
import WKTWriter from 'jsts/org/locationtech/jts/io/WKTWriter.js';
import wkx from 'wkx';

/**
 * Geometry values (Milvus's `DataType.Geometry`): parsed and predicated by jsts (the JavaScript
 * port of JTS, from which Milvus's GEOS descends), stored as WKB (encoded and decoded by wkx),
 * shown as WKT the way GEOS's writer shows it (`POINT (1 2)`, `POLYGON ((0 0, 1 0, ...))`).
 *
 * A column stores each row's WKB bytes; the parsed geometries and their envelopes are kept
 * beside a column's value array (geometryRows), parsed once per row, so filters pay the parse
 * only the first time a segment's rows are read.
 */

/** The jsts geometry methods Mishards uses (monkey.js adds the predicates to its prototype). */
export interface Shape {
  getGeometryType(): string;
  isEmpty(): boolean;
  getEnvelopeInternal(): Envelope;
  getCoordinate(): { x: number; y: number } | null;
  equalsTopo(g: Shape): boolean;
  contains(g: Shape): boolean;
  within(g: Shape): boolean;
  intersects(g: Shape): boolean;
  touches(g: Shape): boolean;
  crosses(g: Shape): boolean;
  overlaps(g: Shape): boolean;
  isValid(): boolean;
  distance(g: Shape): number;
}

/** jsts's envelope (bounding box); a null envelope (of an empty geometry) intersects nothing. */
export interface Envelope {
  isNull(): boolean;
  intersects(e: Envelope): boolean;
  covers(e: Envelope): boolean;
  distance(e: Envelope): number;
  getMinY(): number;
  getMaxY(): number;
}

/** A value that is not a geometry: the reason, as the parser words it. */
export class GeometryError extends Error {}

const factory = new GeometryFactory();
const wktReader = new WKTReader(factory);
const wktWriter = new WKTWriter(factory);
const geoJsonReader = new GeoJSONReader(factory);
const geoJsonWriter = new GeoJSONWriter();

/** Parses WKT; throws GeometryError with the parser's reason. */
export function parseWkt(text: string): Shape {
  try {
    return wktReader.read(text) as unknown as Shape;
  } catch (e) {
    throw new GeometryError((e as Error).message);
  }
}

/** The WKB (little-endian, ISO) of a parsed geometry. */
function wkbOf(shape: Shape): Uint8Array {
  // GEOS writes an empty point as NaN coordinates, which neither wkx nor jsts read back.
  if (shape.isEmpty()) throw new GeometryError('empty geometries are not supported by Mishards');
  try {
    return new Uint8Array(wkx.Geometry.parseGeoJSON(geoJsonWriter.write(shape as never)).toWkb());
  } catch (e) {
    throw new GeometryError((e as Error).message);
  }
}

/** WKT as the WKB a column stores; throws GeometryError for text that is not a geometry. */
export const wkbFromWkt = (text: string): Uint8Array => wkbOf(parseWkt(text));

/** Parses WKB; throws GeometryError for bytes that are not a geometry. */
export function parseWkb(bytes: Uint8Array): Shape {
  let json: unknown;
  try {
    json = wkx.Geometry.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toGeoJSON();
  } catch (e) {
    throw new GeometryError(`not a WKB geometry: ${(e as Error).message}`);
  }
  try {
    return geoJsonReader.read(json) as Shape;
  } catch (e) {
    throw new GeometryError((e as Error).message);
  }
}

/** WKB sent by a client, checked and re-encoded as a column stores it. */
export const wkbFromWkb = (bytes: Uint8Array): Uint8Array => wkbOf(parseWkb(bytes));

/** A parsed geometry as WKT, written as GEOS writes it. */
export const wktOf = (shape: Shape): string => wktWriter.write(shape as never);

/** Stored WKB as WKT. */
export const wktFromWkb = (bytes: Uint8Array): string => wktOf(parseWkb(bytes));

/** The parsed rows of a geometry column; null for a null row (empty bytes). */
export interface GeometryRows {
  readonly shapes: readonly (Shape | null)[];
  readonly envelopes: readonly (Envelope | null)[];
}

interface ParsedRows {
  shapes: (Shape | null)[];
  envelopes: (Envelope | null)[];
}

/**
 * Parsed rows per column value array. A growing segment's array gains rows at its end and
 * never changes those it has, so a cached parse is extended rather than redone; a sealed
 * segment's array never changes.
 */
const parsed = new WeakMap<readonly unknown[], ParsedRows>();

/** The first `rows` rows of a geometry column's values, parsed (once per row). */
export function geometryRows(values: readonly unknown[], rows: number): GeometryRows {
  let cache = parsed.get(values);
  if (!cache) {
    cache = { shapes: [], envelopes: [] };
    parsed.set(values, cache);
  }
  for (let r = cache.shapes.length; r < rows; r++) {
    const bytes = values[r];
    const shape = bytes instanceof Uint8Array && bytes.length > 0 ? parseWkb(bytes) : null;
    cache.shapes.push(shape);
    cache.envelopes.push(shape ? shape.getEnvelopeInternal() : null);
  }
  return cache;
}
