import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType } from '@zilliz/milvus2-sdk-node';
import { TestCluster } from './harness/cluster.js';

/**
 * Timestamptz fields end to end, with the official SDK through the coordinator of a cluster
 * with two reader groups: a collection whose `timezone` is Asia/Shanghai, rows inserted with
 * mixed offsets (and none, read in Shanghai), some sealed on the readers, some growing on the
 * writer. Filters equal a reference computed here with Date.parse; values come back formatted
 * in the collection's time zone, or the request's. Zones without DST keep the reference plain.
 */
const PER_SEGMENT = 20;
const SEALED = 2;
const GROWING = 9;
const ROWS = PER_SEGMENT * SEALED + GROWING;
const COLLECTION = 'events';
const cluster = new TestCluster();

/** Row `id`'s time as inserted: offsets Z, +08:00, -05:00 and none (Shanghai) in turn; every 7th row null. */
function written(id: number): string | null {
  if (id % 7 === 3) return null;
  const day = 1 + (id % 28);
  const hour = (id * 5) % 24;
  const base = `2025-${String(1 + (id % 12)).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const time = `${String(hour).padStart(2, '0')}:${String((id * 7) % 60).padStart(2, '0')}:00${id % 5 === 0 ? '.25' : ''}`;
  switch (id % 4) {
    case 0:
      return `${base}T${time}Z`;
    case 1:
      return `${base}T${time}+08:00`;
    case 2:
      return `${base}T${time}-05:00`;
    default:
      return `${base} ${time}`;
  }
}

/** Row `id`'s instant in ms (Date.parse; a string without an offset is Shanghai time, +08:00 all year). */
function instant(id: number): number | null {
  const s = written(id);
  if (s === null) return null;
  return Date.parse(/[Z+-]\d{2}:\d{2}$|Z$/.test(s) ? s : `${s.replace(' ', 'T')}+08:00`);
}

/** An instant as Milvus writes it at a fixed offset (minutes east of UTC): no trailing zeros, Z at zero. */
function formatted(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().replace(/\.?0*Z$/, '');
  if (offsetMinutes === 0) return `${local}Z`;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const SHANGHAI = 8 * 60;
const KOLKATA = 5 * 60 + 30;
const vector = (id: number) => [Math.sin(id), Math.cos(id), Math.sin(id * 0.3), 1];
const row = (id: number) => ({ id, v: vector(id), ts: written(id) });

async function rest(path: string, body: object): Promise<any> {
  const res = await fetch(`http://${cluster.coordinator.addresses.http}/v2/vectordb/${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  return res.json();
}

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
    collection_name: COLLECTION,
    consistency_level: 'Strong',
    properties: { timezone: 'Asia/Shanghai' },
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      { name: 'ts', data_type: DataType.Timestamptz, nullable: true },
    ],
  });
  expect(created.error_code).toBe('Success');
  expect(
    (await client.createIndex({ collection_name: COLLECTION, field_name: 'v', index_type: 'FLAT', metric_type: 'L2' })).error_code,
  ).toBe('Success');
  expect((await client.createIndex({ collection_name: COLLECTION, field_name: 'ts', index_type: 'STL_SORT' })).error_code).toBe('Success');
  await client.loadCollectionSync({ collection_name: COLLECTION });
  for (let s = 0; s < SEALED; s++) {
    const data = Array.from({ length: PER_SEGMENT }, (_, i) => row(s * PER_SEGMENT + i));
    expect((await client.insert({ collection_name: COLLECTION, data })).status.error_code).toBe('Success');
  }
  await client.flushSync({ collection_names: [COLLECTION] });
  const growing = Array.from({ length: GROWING }, (_, i) => row(SEALED * PER_SEGMENT + i));
  expect((await client.insert({ collection_name: COLLECTION, data: growing })).status.error_code).toBe('Success');
  await cluster.until(
    'the readers hold the sealed segments',
    async () => new Set([...(await cluster.holdings(COLLECTION)).values()].flat()).size === SEALED,
  );
}, 240_000);

afterAll(async () => {
  await cluster.stop();
});

/** The ids a filter returns through the coordinator, sorted, with their Timestamptz values. */
async function query(filter: string, params?: Record<string, string>): Promise<{ ids: number[]; ts: Map<number, string | null> }> {
  const res = await cluster.client.query({
    collection_name: COLLECTION,
    filter,
    output_fields: ['id', 'ts'],
    ...(params ? { params } : {}),
  });
  expect(res.status.error_code, res.status.reason).toBe('Success');
  const rows = res.data as { id: string; ts: string | null }[];
  return { ids: rows.map((r) => Number(r.id)).sort((a, b) => a - b), ts: new Map(rows.map((r) => [Number(r.id), r.ts])) };
}

const reference = (test: (ms: number) => boolean) =>
  Array.from({ length: ROWS }, (_, id) => id).filter((id) => {
    const ms = instant(id);
    return ms !== null && test(ms);
  });

describe('filters across sealed and growing rows', () => {
  it('compare with ISO literals, offsets honoured, either side', async () => {
    const at = Date.parse('2025-06-01T00:00:00Z');
    expect((await query("ts >= ISO '2025-06-01T08:00:00+08:00'")).ids).toEqual(reference((ms) => ms >= at));
    expect((await query("ISO '2025-06-01T00:00:00Z' > ts")).ids).toEqual(reference((ms) => ms < at));
    const one = instant(5)!;
    expect((await query(`ts == ISO '${new Date(one).toISOString()}'`)).ids).toEqual(reference((ms) => ms === one));
  });

  it('read literals without an offset in the collection time zone, or the request one', async () => {
    expect((await query("ts < ISO '2025-03-01 00:00:00'")).ids).toEqual(reference((ms) => ms < Date.parse('2025-03-01T00:00:00+08:00')));
    expect((await query("ts < ISO '2025-03-01 00:00:00'", { timezone: 'Asia/Kolkata' })).ids).toEqual(
      reference((ms) => ms < Date.parse('2025-03-01T00:00:00+05:30')),
    );
  });

  it('take INTERVAL arithmetic, ranges, in-lists and is null', async () => {
    const at = Date.parse('2025-07-01T00:00:00Z');
    const day = 86_400_000;
    expect((await query("ts + INTERVAL 'P1DT12H' > ISO '2025-07-01T00:00:00Z'")).ids).toEqual(reference((ms) => ms + 1.5 * day > at));
    expect((await query("ts - INTERVAL 'PT6H' <= ISO '2025-07-01T00:00:00Z'")).ids).toEqual(reference((ms) => ms - 6 * 3_600_000 <= at));
    const monthLater = (ms: number) => {
      const d = new Date(ms);
      d.setUTCMonth(d.getUTCMonth() + 1);
      return d.getTime();
    };
    expect((await query("ts + INTERVAL 'P1M' >= ISO '2025-07-01T00:00:00Z'")).ids).toEqual(reference((ms) => monthLater(ms) >= at));
    const lo = Date.parse('2025-02-01T00:00:00Z');
    const hi = Date.parse('2025-05-01T00:00:00Z');
    expect((await query("ISO '2025-02-01T00:00:00Z' <= ts < ISO '2025-05-01T00:00:00Z'")).ids).toEqual(
      reference((ms) => ms >= lo && ms < hi),
    );
    const picked = [instant(1)!, instant(42)!];
    expect((await query(`ts in [ISO '${new Date(picked[0]!).toISOString()}', ISO '${new Date(picked[1]!).toISOString()}']`)).ids).toEqual(
      reference((ms) => picked.includes(ms)),
    );
    expect((await query('ts is null')).ids).toEqual(Array.from({ length: ROWS }, (_, id) => id).filter((id) => written(id) === null));
  });

  it('refuse comparisons Milvus refuses, with a clear reason', async () => {
    const res = await cluster.client.query({ collection_name: COLLECTION, filter: 'ts > 100', output_fields: ['id'] });
    expect(res.status.code).toBe(1100);
    expect(res.status.reason).toMatch(/comparisons between Timestamptz and Int64 are not supported/);
    const bad = await cluster.client.query({
      collection_name: COLLECTION,
      filter: "ts > ISO '2025-02-30T00:00:00Z'",
      output_fields: ['id'],
    });
    expect(bad.status.reason).toMatch(/invalid timestamp string: '2025-02-30T00:00:00Z'/);
  });
});

describe('output', () => {
  it('writes values in the collection time zone, or the request one', async () => {
    const all = await query('id >= 0');
    const kolkata = await query('id >= 0', { timezone: 'Asia/Kolkata' });
    expect(all.ids).toHaveLength(ROWS);
    for (let id = 0; id < ROWS; id++) {
      const ms = instant(id);
      expect(all.ts.get(id)).toBe(ms === null ? null : formatted(ms, SHANGHAI));
      expect(kolkata.ts.get(id)).toBe(ms === null ? null : formatted(ms, KOLKATA));
    }
  });

  it('formats search output fields too', async () => {
    const res = await cluster.client.search({
      collection_name: COLLECTION,
      data: [vector(4)],
      limit: 5,
      output_fields: ['ts'],
      params: { timezone: 'UTC' },
    });
    expect(res.status.error_code).toBe('Success');
    expect(res.results).toHaveLength(5);
    for (const h of res.results as unknown as { id: string; ts: string | null }[]) {
      const ms = instant(Number(h.id));
      expect(h.ts).toBe(ms === null ? null : formatted(ms, 0));
    }
  });

  it('follows an altered collection time zone', async () => {
    const client = cluster.client;
    expect(
      (await client.alterCollectionProperties({ collection_name: COLLECTION, properties: { timezone: 'Asia/Kolkata' } })).error_code,
    ).toBe('Success');
    try {
      const described = await client.describeCollection({ collection_name: COLLECTION });
      expect(described.properties).toContainEqual({ key: 'timezone', value: 'Asia/Kolkata' });
      const { ts } = await query('id == 0');
      expect(ts.get(0)).toBe(formatted(instant(0)!, KOLKATA));
    } finally {
      await client.alterCollectionProperties({ collection_name: COLLECTION, properties: { timezone: 'Asia/Shanghai' } });
    }
  });
});

describe('refusals', () => {
  it("refuses bad timestamps and time zones with Milvus's messages", async () => {
    const client = cluster.client;
    const bad = await client.insert({ collection_name: COLLECTION, data: [{ id: 9000, v: vector(0), ts: '2025-04-31 00:00:00' }] });
    expect([bad.status.code, bad.status.reason]).toEqual([
      1100,
      "invalid timestamp string: '2025-04-31 00:00:00'. Does not match any known format",
    ]);
    const offset = await client.insert({
      collection_name: COLLECTION,
      data: [{ id: 9000, v: vector(0), ts: '2025-01-01T00:00:00+15:00' }],
    });
    expect(offset.status.reason).toBe('UTC offset hour 15 is out of the valid range [-12, 14]');
    const zone = await client.alterCollectionProperties({ collection_name: COLLECTION, properties: { timezone: 'Mars/Olympus' } });
    expect([zone.code, zone.reason]).toEqual([1100, 'unknown or invalid IANA Time Zone ID: Mars/Olympus']);
    const param = await client.query({
      collection_name: COLLECTION,
      filter: 'id == 0',
      output_fields: ['ts'],
      params: { timezone: 'Nowhere' },
    });
    expect(param.status.reason).toBe('unknown or invalid IANA Time Zone ID: Nowhere');
    const index = await client.createIndex({ collection_name: COLLECTION, field_name: 'ts', index_type: 'INVERTED' });
    expect(index.reason).toMatch(/INVERTED are not supported on Timestamptz field/);
  });
});

describe('defaults', () => {
  it('fills a default given with an offset and shows it in the collection time zone', async () => {
    const client = cluster.client;
    const created = await client.createCollection({
      collection_name: 'with_default',
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
        { name: 'ts', data_type: DataType.Timestamptz, default_value: '2025-01-01T00:00:00+08:00' },
      ],
    });
    expect(created.error_code).toBe('Success');
    const described = await client.describeCollection({ collection_name: 'with_default' });
    expect(described.properties).toContainEqual({ key: 'timezone', value: 'UTC' });
    const field = described.schema.fields.find((f: { name: string }) => f.name === 'ts') as any;
    // The SDK hands the ValueField over as its one value.
    expect(field.default_value).toBe('2024-12-31T16:00:00Z');
    await client.createIndex({ collection_name: 'with_default', field_name: 'v', index_type: 'FLAT', metric_type: 'L2' });
    await client.loadCollectionSync({ collection_name: 'with_default' });
    expect((await client.insert({ collection_name: 'with_default', data: [{ id: 1, v: vector(1) }] })).status.error_code).toBe('Success');
    const res = await client.query({ collection_name: 'with_default', filter: "ts == ISO '2024-12-31T16:00:00Z'", output_fields: ['ts'] });
    expect(res.data.map((r: any) => r.ts)).toEqual(['2024-12-31T16:00:00Z']);
  });
});

describe('database time zones', () => {
  it("gives a new collection its database's time zone, and checks a database's", async () => {
    const client = cluster.client;
    const refused = await client.createDatabase({ db_name: 'nowhere', properties: { timezone: 'Nowhere/Town' } });
    expect([refused.code, refused.reason]).toEqual([1100, 'unknown or invalid IANA Time Zone ID: Nowhere/Town']);
    expect((await client.createDatabase({ db_name: 'tokyo', properties: { timezone: 'Asia/Tokyo' } })).error_code).toBe('Success');
    const created = await client.createCollection({
      db_name: 'tokyo',
      collection_name: 'local',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      ],
    });
    expect(created.error_code).toBe('Success');
    const described = await client.describeCollection({ db_name: 'tokyo', collection_name: 'local' });
    expect(described.properties).toContainEqual({ key: 'timezone', value: 'Asia/Tokyo' });
  });
});

describe('REST', () => {
  it('inserts ISO strings and queries them back formatted', async () => {
    const inserted = await rest('entities/insert', {
      collectionName: COLLECTION,
      data: [
        { id: 5000, v: [0, 0, 0, 1], ts: '2025-08-01T12:00:00-05:00' },
        { id: 5001, v: [0, 0, 1, 0], ts: '2025-08-01 12:00:00' },
        { id: 5002, v: [0, 1, 0, 0], ts: null },
      ],
    });
    expect(inserted).toMatchObject({ code: 0, data: { insertCount: 3 } });
    const queried = await rest('entities/query', {
      collectionName: COLLECTION,
      filter: "id >= 5000 and (ts > ISO '2025-08-01T00:00:00Z' or ts is null)",
      outputFields: ['id', 'ts'],
    });
    expect(queried.code).toBe(0);
    const byId = Object.fromEntries(queried.data.map((r: { id: number | string; ts: string | null }) => [Number(r.id), r.ts]));
    expect(byId).toEqual({ 5000: '2025-08-02T01:00:00+08:00', 5001: '2025-08-01T12:00:00+08:00', 5002: null });
  });
});
