import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '@zilliz/milvus2-sdk-node';
import 'jsts/org/locationtech/jts/monkey.js';
import WKTReader from 'jsts/org/locationtech/jts/io/WKTReader.js';
import WKTWriter from 'jsts/org/locationtech/jts/io/WKTWriter.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import { TestCluster } from './harness/cluster.js';
import { prng } from './harness/prng.js';

/**
 * Geometry fields through the official SDK and REST (docs/geometry.md): points, squares and
 * lines inserted as WKT, four sealed segments spread over two reader groups and growing rows on
 * the writer. Every spatial function's query through the coordinator returns exactly the rows
 * jsts finds here over all rows; searches keep to them; rows come back as the normalized WKT.
 */
const PER_SEGMENT = 200;
const SEALED = 4;
/** Below the seal size, so that they stay growing on the writer. */
const GROWING = 150;
const ROWS = PER_SEGMENT * SEALED + GROWING;
const DIM = 4;
const NAME = 'places';

const next = prng(4242);
const coord = () => Math.round(next() * 10_000) / 1000;
/** Row `id`'s WKT as sent (no space after the type, as clients often write it); every 13th row null. */
function shapeOf(id: number): string | null {
  if (id % 13 === 0) return null;
  const x = coord();
  const y = coord();
  switch (id % 4) {
    case 1: {
      const s = 0.2 + next();
      return `POLYGON((${x} ${y},${x + s} ${y},${x + s} ${y + s},${x} ${y + s},${x} ${y}))`;
    }
    case 2:
      return `LINESTRING(${x} ${y},${coord()} ${coord()})`;
    default:
      return `POINT(${x} ${y})`;
  }
}
const shapes = Array.from({ length: ROWS }, (_, id) => shapeOf(id));
const vectors = Array.from({ length: ROWS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));

type Geom = ReturnType<WKTReader['read']> & Record<string, (g: unknown) => boolean> & { distance(g: unknown): number };
const factory = new GeometryFactory();
const reader = new WKTReader(factory);
const writer = new WKTWriter(factory);
const parse = (wkt: string) => reader.read(wkt) as Geom;
/** What Milvus answers for a geometry: its WKT as GEOS (and JTS) write it. */
const normalized = (wkt: string) => writer.write(reader.read(wkt));
const parsed = shapes.map((s) => (s === null ? null : parse(s)));

/** Segcore's ST_DWITHIN: haversine metres between points, else planar degrees converted at the query's latitude. */
function dwithin(g: Geom, lon: number, lat: number, metres: number): boolean {
  const rad = Math.PI / 180;
  if (g.getGeometryType() === 'Point') {
    const p = (g as unknown as { getCoordinate(): { x: number; y: number } }).getCoordinate();
    const a = Math.sin(((lat - p.y) * rad) / 2) ** 2 + Math.cos(p.y * rad) * Math.cos(lat * rad) * Math.sin(((lon - p.x) * rad) / 2) ** 2;
    return 6371000 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a)) <= metres;
  }
  const degrees = g.distance(parse(`POINT (${lon} ${lat})`));
  return degrees * 111320 * Math.sqrt((1 + Math.cos(lat * rad) ** 2) / 2) <= metres;
}

const AREA = 'POLYGON ((2 2, 7 2, 7 6, 2 6, 2 2))';
/** A square's neighbour to the east, sharing its edge: it touches that square only (and what meets the edge). */
const square = parsed[5]!.getEnvelopeInternal() as unknown as {
  getMinX(): number;
  getMaxX(): number;
  getMinY(): number;
  getMaxY(): number;
};
const EAST = `POLYGON ((${square.getMaxX()} ${square.getMinY()}, ${square.getMaxX() + 1} ${square.getMinY()}, ${square.getMaxX() + 1} ${square.getMaxY()}, ${square.getMaxX()} ${square.getMaxY()}, ${square.getMaxX()} ${square.getMinY()}))`;
const insidePoint = `POINT (${square.getMinX() + 0.1} ${square.getMinY() + 0.1})`;

/** Each filter with the rows jsts says it holds for. */
const CASES: [string, (g: Geom) => boolean][] = [
  [`st_within(geo, '${AREA}')`, (g) => g.within(parse(AREA))],
  [`ST_INTERSECTS(geo, '${AREA}')`, (g) => g.intersects(parse(AREA))],
  [`st_overlaps(geo, '${AREA}')`, (g) => g.overlaps(parse(AREA))],
  [`st_crosses(geo, '${AREA}')`, (g) => g.crosses(parse(AREA))],
  [`st_contains(geo, '${insidePoint}')`, (g) => g.contains(parse(insidePoint))],
  [`st_touches(geo, '${EAST}')`, (g) => g.touches(parse(EAST))],
  [`st_equals(geo, '${normalized(shapes[5]!)}')`, (g) => g.equalsTopo(parse(shapes[5]!))],
  [`st_dwithin(geo, 'POINT (5 5)', 150000)`, (g) => dwithin(g, 5, 5, 150000)],
  ['st_isvalid(geo)', () => true],
];
const expected = (test: (g: Geom) => boolean) => parsed.flatMap((g, id) => (g !== null && test(g) ? [id] : []));

const cluster = new TestCluster();

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    PER_SEGMENT,
  );
  const client = cluster.client;
  const created = await client.createCollection({
    collection_name: NAME,
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vec', data_type: DataType.FloatVector, dim: DIM },
      { name: 'geo', data_type: DataType.Geometry, nullable: true },
    ],
  });
  expect(created.error_code).toBe('Success');
  expect((await client.createIndex({ collection_name: NAME, field_name: 'vec', index_type: 'FLAT', metric_type: 'L2' })).error_code).toBe(
    'Success',
  );
  expect((await client.createIndex({ collection_name: NAME, field_name: 'geo', index_type: 'RTREE' })).error_code).toBe('Success');
  await client.loadCollectionSync({ collection_name: NAME });
  const rows = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ id: from + i, vec: vectors[from + i]!, geo: shapes[from + i] }));
  for (let s = 0; s < SEALED; s++) {
    const inserted = await client.insert({ collection_name: NAME, data: rows(s * PER_SEGMENT, (s + 1) * PER_SEGMENT) });
    expect(inserted.status.error_code).toBe('Success');
  }
  await client.flushSync({ collection_names: [NAME] });
  expect((await client.insert({ collection_name: NAME, data: rows(SEALED * PER_SEGMENT, ROWS) })).status.error_code).toBe('Success');
  await cluster.until('both reader groups hold sealed segments of the collection', async () => {
    const held = await cluster.holdings(NAME);
    return new Set([...held.values()].flat()).size === SEALED && [...held.values()].every((ids) => ids.length > 0);
  });
}, 300_000);

afterAll(async () => {
  await cluster.stop();
});

async function queryIds(filter: string): Promise<number[]> {
  const res = await cluster.client.query({ collection_name: NAME, filter, output_fields: ['id'], limit: 16384 });
  expect(res.status.error_code).toBe('Success');
  return res.data.map((r) => Number(r.id)).sort((a, b) => a - b);
}

describe('Geometry through the coordinator', () => {
  it('describes the field and its RTREE index as served', async () => {
    const d = await cluster.client.describeCollection({ collection_name: NAME });
    expect(d.schema.fields.find((f) => f.name === 'geo')).toMatchObject({ data_type: 'Geometry', nullable: true });
    const idx = await cluster.client.describeIndex({ collection_name: NAME, field_name: 'geo' });
    expect(Object.fromEntries(idx.index_descriptions[0]!.params.map((p) => [p.key, p.value]))).toMatchObject({
      index_type: 'RTREE',
      engine: 'ENVELOPE_SCAN',
    });
  });

  it.each(CASES)('%s returns the rows jsts finds over every row, sealed and growing', async (filter, test) => {
    const want = expected(test);
    expect(want.length).toBeGreaterThan(0);
    expect(await queryIds(filter)).toEqual(want);
  });

  it('finds the null rows with is null, and combines spatial and scalar conditions', async () => {
    expect(await queryIds('geo is null')).toEqual(shapes.flatMap((s, id) => (s === null ? [id] : [])));
    expect(await queryIds(`st_within(geo, '${AREA}') and id >= ${SEALED * PER_SEGMENT}`)).toEqual(
      expected((g) => g.within(parse(AREA))).filter((id) => id >= SEALED * PER_SEGMENT),
    );
  });

  it('returns every row as the normalized WKT of what was inserted, null as null', async () => {
    const res = await cluster.client.query({ collection_name: NAME, filter: 'id >= 0', output_fields: ['geo'], limit: 16384 });
    expect(res.data).toHaveLength(ROWS);
    for (const r of res.data) {
      const sent = shapes[Number(r.id)]!;
      expect(r.geo).toBe(sent === null ? null : normalized(sent));
    }
    expect(res.data.find((r) => Number(r.id) === 3)!.geo).not.toContain('POINT(');
  });

  it('searches among the rows a spatial filter keeps, with their geometries', async () => {
    const want = new Set(expected((g) => g.intersects(parse(AREA))));
    const res = await cluster.client.search({
      collection_name: NAME,
      data: [vectors[7]!],
      limit: 10,
      filter: `st_intersects(geo, '${AREA}')`,
      output_fields: ['geo'],
    });
    expect(res.status.error_code).toBe('Success');
    expect(res.results).toHaveLength(10);
    for (const hit of res.results as unknown as { id: string; geo: string }[]) {
      expect(want.has(Number(hit.id))).toBe(true);
      expect(hit.geo).toBe(normalized(shapes[Number(hit.id)]!));
    }
  });

  it('refuses an insert with a value that is not a geometry, storing none of its rows', async () => {
    const ids = [ROWS + 1, ROWS + 2];
    const res = await cluster.client.insert({
      collection_name: NAME,
      data: [
        { id: ids[0], vec: vectors[0]!, geo: 'POINT(1 1)' },
        { id: ids[1], vec: vectors[0]!, geo: 'POLYGON((0 0, 1 1' },
      ],
    });
    expect(res.status.error_code).not.toBe('Success');
    expect(res.status.reason).toContain('invalid Geometry data');
    expect(await queryIds(`id in [${ids.join(', ')}]`)).toEqual([]);
  });

  it('refuses a filter with bad WKT, or a spatial function on another field', async () => {
    const bad = await cluster.client.query({ collection_name: NAME, filter: "st_within(geo, 'POLYGON((0 0')", output_fields: ['id'] });
    expect(bad.status.error_code).not.toBe('Success');
    expect(bad.status.reason).toContain('invalid WKT');
    const other = await cluster.client.query({ collection_name: NAME, filter: `st_within(id, '${AREA}')`, output_fields: ['id'] });
    expect(other.status.reason).toContain('only supported on geometry fields');
  });
});

describe('Geometry through REST', () => {
  async function rest(path: string, body: object): Promise<any> {
    const res = await fetch(`http://${cluster.coordinator.addresses.http}/v2/vectordb/${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
    });
    return res.json();
  }

  it('inserts WKT strings and answers them as WKT in query and search output', async () => {
    const ids = [ROWS + 10, ROWS + 11, ROWS + 12];
    const inserted = await rest('entities/insert', {
      collectionName: NAME,
      data: [
        { id: ids[0], vec: [0, 0, 0, 1], geo: 'POINT(20.5 20.25)' },
        { id: ids[1], vec: [0, 0, 1, 0], geo: 'LINESTRING(20 20,21 21)' },
        { id: ids[2], vec: [0, 1, 0, 0], geo: null },
      ],
    });
    expect(inserted.code).toBe(0);
    const queried = await rest('entities/query', {
      collectionName: NAME,
      filter: `st_intersects(geo, 'POLYGON ((19 19, 22 19, 22 22, 19 22, 19 19))') or id == ${ids[2]}`,
      outputFields: ['geo'],
    });
    expect(queried.code).toBe(0);
    const byId = Object.fromEntries(queried.data.map((r: any) => [Number(r.id), r.geo]));
    expect(byId).toEqual({ [ids[0]!]: 'POINT (20.5 20.25)', [ids[1]!]: 'LINESTRING (20 20, 21 21)', [ids[2]!]: null });
    const searched = await rest('entities/search', {
      collectionName: NAME,
      data: [[0, 0, 0, 1]],
      annsField: 'vec',
      limit: 1,
      filter: "st_dwithin(geo, 'POINT (20.5 20.25)', 10)",
      outputFields: ['geo'],
    });
    expect(searched.code).toBe(0);
    expect(searched.data.map((h: any) => [Number(h.id), h.geo])).toEqual([[ids[0], 'POINT (20.5 20.25)']]);
  });
});
