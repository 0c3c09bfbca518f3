import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../harness/wait.js';
import { startRestCluster, vec, DIM, type RestCluster } from './cluster.js';

/**
 * The REST v2 API with plain `fetch`: bodies of any content-type, malformed and mis-shaped
 * bodies, Milvus's error codes, the size limit, int64 rendering and what is not supported.
 */
/** An Int64 array element (the writer keeps array elements exact only up to 2^53). */
const BIG_ELEMENT = 2 ** 50;

describe('REST v2 edge cases over HTTP', () => {
  let cluster: RestCluster;
  let base: string;

  /** POSTs `body` (sent as is when a string) and returns the HTTP status and parsed answer. */
  async function post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: any; text: string }> {
    const res = await fetch(`${base}/v2/vectordb/${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text), text };
  }

  beforeAll(async () => {
    cluster = await startRestCluster();
    base = `http://${cluster.http}`;
    const created = await post('collections/create', {
      collectionName: 'items',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
          { fieldName: 'big', dataType: 'Int64' },
          { fieldName: 'counts', dataType: 'Array', elementDataType: 'Int64', elementTypeParams: { max_capacity: 4 } },
        ],
      },
      indexParams: [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2', indexType: 'FLAT' }],
    });
    expect(created.json).toEqual({ code: 0, data: {} });
    const rows = Array.from({ length: 10 }, (_, i) => ({
      id: i,
      vector: vec(i),
      big: `${9007199254740993n + BigInt(i)}`,
      counts: [i, BIG_ELEMENT],
    }));
    expect((await post('entities/insert', { collectionName: 'items', data: rows })).json.code).toBe(0);
  });

  afterAll(async () => {
    if (cluster) expect(await cluster.stop()).toBe(0);
  });

  it('reads JSON bodies whatever the content-type says, and accepts Authorization: Bearer', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, {}] as Record<
      string,
      string
    >[]) {
      expect((await post('collections/has', { collectionName: 'items' }, headers)).json).toEqual({ code: 0, data: { has: true } });
    }
    for (const token of ['root:Milvus', 'any-api-key']) {
      const res = await post('collections/list', {}, { authorization: `Bearer ${token}` });
      expect(res.json).toEqual({ code: 0, data: ['items'] });
    }
  });

  it('answers malformed JSON and bodies of the wrong shape with 1801 / 1802 and the reason', async () => {
    const malformed = await post('collections/describe', '{"collectionName": ');
    expect(malformed.status).toBe(200);
    expect(malformed.json.code).toBe(1801);
    expect(malformed.json.message).toMatch(/json/);
    expect((await post('collections/describe', '[1, 2]')).json.code).toBe(1801);
    expect((await post('collections/describe', '')).json.code).toBe(1801);
    const wrongType = await post('collections/describe', { collectionName: 42 });
    expect(wrongType.json.code).toBe(1801);
    expect(wrongType.json.message).toMatch(/collectionName/);
    const missing = await post('entities/search', { collectionName: 'items', limit: 3 });
    expect(missing.json).toEqual({ code: 1802, message: 'missing required parameters, error: data is required' });
    expect((await post('entities/query', { collectionName: '' })).json.code).toBe(1802);
    expect((await post('entities/search', { collectionName: 'items', data: [['x']] })).json).toEqual({
      code: 1801,
      message:
        'can only accept json format request, error: json: cannot unmarshal string into Go value of type float32: invalid parameter[expected=FloatVector][actual=[["x"]]]',
    });
  });

  it('passes Milvus business errors through with their codes', async () => {
    expect((await post('collections/describe', { collectionName: 'nope' })).json).toEqual({
      code: 100,
      message: 'collection not found[collection=nope]',
    });
    expect((await post('entities/search', { collectionName: 'nope', data: [vec(1)] })).json.code).toBe(100);
    expect((await post('entities/query', { collectionName: 'nope', filter: 'id > 0' })).json.code).toBe(100);
    expect((await post('entities/insert', { collectionName: 'nope', data: [{ id: 1 }] })).json.code).toBe(100);
    const badFilter = await post('entities/query', { collectionName: 'items', filter: 'nope >' });
    expect(badFilter.json.code).toBe(1100);
    expect((await post('collections/list', { dbName: 'other' })).json.code).toBe(800);
    expect((await post('collections/list', {}, { 'db-name': 'other' })).json.code).toBe(800);
    expect((await post('collections/list', { dbName: 'default' })).json.code).toBe(0);
    expect((await post('entities/query', { collectionName: 'items', filter: 'id > 0', consistencyLevel: 'Sometimes' })).json.code).toBe(
      1100,
    );
  });

  it('answers unknown paths with 404 and other methods with 405, both as JSON', async () => {
    const res = await fetch(`${base}/v2/vectordb/collections/nothing`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).message).toMatch(/no REST endpoint at \/v2\/vectordb\/collections\/nothing/);
    const get = await fetch(`${base}/v2/vectordb/collections/list`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect(((await get.json()) as any).code).toBe(405);
  });

  it('writes int64 as strings, or as exact JSON numbers when Accept-Type-Allow-Int64 is true', async () => {
    const asStrings = await post('entities/query', { collectionName: 'items', filter: 'id == 3', outputFields: ['big', 'counts'] });
    expect(asStrings.json.data).toEqual([{ id: '3', big: '9007199254740996', counts: ['3', String(BIG_ELEMENT)] }]);
    const asNumbers = await post(
      'entities/query',
      { collectionName: 'items', filter: 'id == 3', outputFields: ['big', 'counts'] },
      { 'accept-type-allow-int64': 'true' },
    );
    expect(asNumbers.text).toContain('"big":9007199254740996');
    expect(asNumbers.text).toContain(`"counts":[3,${BIG_ELEMENT}]`);
    const inserted = await post(
      'entities/insert',
      { collectionName: 'items', data: [{ id: 20, vector: vec(20), big: 1, counts: [] }] },
      { 'accept-type-allow-int64': 'true' },
    );
    expect(inserted.json.data).toEqual({ insertCount: 1, insertIds: [20] });
  });

  it('searches with several vectors: rows carry distance, topks splits them', async () => {
    const res = await post('entities/search', { collectionName: 'items', data: [vec(2), vec(5)], limit: 2, outputFields: ['big'] });
    expect(res.json.code).toBe(0);
    expect(res.json.topks).toEqual([2, 2]);
    const rows = res.json.data as any[];
    expect(rows.map((r) => r.id)).toHaveLength(4);
    expect(rows[0]).toMatchObject({ id: '2', big: '9007199254740995', distance: 0 });
    expect(rows[2]).toMatchObject({ id: '5', distance: 0 });
    expect(rows[1].distance).toBeGreaterThan(0);
  });

  it('gets and deletes by id, binds exprParams, and checks key types', async () => {
    const got = await post('entities/get', { collectionName: 'items', id: ['4', 6], outputFields: ['id'] });
    expect(got.json.data).toEqual([{ id: '4' }, { id: '6' }]);
    expect((await post('entities/get', { collectionName: 'items', id: 1.5 })).json.code).toBe(1806);
    const bound = await post('entities/query', {
      collectionName: 'items',
      filter: 'id in {ids}',
      exprParams: { ids: [7, 8] },
      outputFields: ['id'],
    });
    expect(bound.json.data).toEqual([{ id: '7' }, { id: '8' }]);
    expect((await post('entities/delete', { collectionName: 'items', id: [7, 8] })).json).toEqual({ code: 0, data: { deleteCount: 2 } });
    expect((await post('entities/get', { collectionName: 'items', id: [7, 8] })).json.data).toEqual([]);
    expect((await post('entities/delete', { collectionName: 'items' })).json.code).toBe(1802);
  });

  it('refuses insert rows that do not fit the schema with 1804', async () => {
    const extra = await post('entities/insert', {
      collectionName: 'items',
      data: [{ id: 30, vector: vec(30), big: 1, counts: [], color: 'red' }],
    });
    expect(extra.json.code).toBe(1804);
    expect(extra.json.message).toMatch(/color.*dynamic field is disabled/);
    const shortVector = await post('entities/insert', { collectionName: 'items', data: [{ id: 31, vector: [1, 2], big: 1, counts: [] }] });
    expect(shortVector.json.code).toBe(1804);
    const missingField = await post('entities/insert', { collectionName: 'items', data: [{ id: 32, vector: vec(32), counts: [] }] });
    expect(missingField.json.message).toMatch(/missing field big/);
    expect((await post('entities/insert', { collectionName: 'items', data: [] })).json.code).toBe(1804);
  });

  it('counts REST requests in the coordinator metrics, by path and result code', async () => {
    await post('collections/describe', { collectionName: 'nope' });
    const metrics = await (await fetch(`http://${cluster.metrics}/metrics`)).text();
    expect(metrics).toMatch(/mishards_requests_total\{service="REST",method="\/v2\/vectordb\/entities\/insert",code="0"[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /mishards_requests_total\{service="REST",method="\/v2\/vectordb\/collections\/describe",code="100"[^}]*\} [1-9]/,
    );
  });

  it('compacts a collection, reports the compaction, and refreshes a load', async () => {
    // Two flushed batches make two small segments, which a manual compaction merges.
    for (const from of [100, 110]) {
      const rows = Array.from({ length: 5 }, (_, i) => ({ id: from + i, vector: vec(from + i), big: '1', counts: [] }));
      expect((await post('entities/insert', { collectionName: 'items', data: rows })).json.code).toBe(0);
      expect((await post('collections/flush', { collectionName: 'items' })).json.code).toBe(0);
    }
    const compact = await post('collections/compact', { collectionName: 'items' });
    expect(compact.json.code).toBe(0);
    const jobID = compact.json.data.compactionID;
    expect(jobID).toBeGreaterThan(0);
    let state: Record<string, unknown> = {};
    await waitUntil('the compaction completes', async () => {
      const res = await post('collections/get_compaction_state', { jobID });
      expect(res.json.code).toBe(0);
      state = res.json.data;
      return state.state === 'Completed';
    });
    expect(state).toMatchObject({ compactionID: jobID, executingPlanNumber: 0, timeoutPlanNumber: 0 });
    expect(state.completedPlanNumber).toBeGreaterThan(0);
    expect((await post('collections/refresh_load', { collectionName: 'items' })).json).toEqual({ code: 0, data: {} });
    const clustering = await post('collections/compact', { collectionName: 'items', isClustering: true });
    expect(clustering.json.code).toBe(1100);
    expect(clustering.json.message).toMatch(/clustering key/);
  });

  it('answers range searches and grouping searches', async () => {
    const created = await post('collections/create', {
      collectionName: 'ranged',
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
          { fieldName: 'kind', dataType: 'Int64' },
        ],
      },
      indexParams: [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2', indexType: 'FLAT' }],
    });
    expect(created.json.code).toBe(0);
    const rows = Array.from({ length: 12 }, (_, id) => ({ id, vector: vec(id), kind: id % 4 }));
    expect((await post('entities/insert', { collectionName: 'ranged', data: rows })).json.code).toBe(0);
    const q = vec(3);
    const l2 = (v: number[]) => v.reduce((s, x, j) => s + (Math.fround(x) - Math.fround(q[j]!)) ** 2, 0);
    const order = rows.map((r) => ({ ...r, d: l2(r.vector) })).sort((a, b) => a.d - b.d);
    const between = (i: number) => (order[i - 1]!.d + order[i]!.d) / 2;
    // The window holds ranks 1 to 3: the nearest row is closer than range_filter, rank 4 beyond the radius.
    const range = await post('entities/search', {
      collectionName: 'ranged',
      data: [q],
      limit: 10,
      searchParams: { params: { radius: between(4), range_filter: between(1) } },
    });
    expect(range.json.code).toBe(0);
    expect(range.json.data.map((r: any) => Number(r.id))).toEqual(order.slice(1, 4).map((r) => r.id));
    // Two groups of `kind`, two rows each: by each group's best row, then the group's next best.
    const grouped = await post('entities/search', {
      collectionName: 'ranged',
      data: [q],
      limit: 2,
      groupingField: 'kind',
      groupSize: 2,
      strictGroupSize: true,
      outputFields: ['kind'],
    });
    expect(grouped.json.code).toBe(0);
    const kinds = [...new Set(order.map((r) => r.kind))].slice(0, 2);
    const want = kinds.flatMap((k) => order.filter((r) => r.kind === k).slice(0, 2));
    expect(grouped.json.data.map((r: any) => [Number(r.id), Number(r.kind)])).toEqual(want.map((r) => [r.id, r.kind]));
  });

  it('says clearly what Mishards does not support', async () => {
    const hybrid = await post('entities/hybrid_search', { collectionName: 'items', search: [], rerank: {} });
    expect(hybrid.json.code).toBe(1100);
    expect(hybrid.json.message).toMatch(/hybrid search needs at least one search request/);
    // advanced_search is Milvus's earlier path for the same endpoint.
    const advanced = await post('entities/advanced_search', { collectionName: 'items', search: [], rerank: {} });
    expect(advanced.json).toEqual(hybrid.json);
    // A key the endpoint does not read is refused, naming it, where Milvus's decoder would drop it.
    const unread = await post('entities/search', { collectionName: 'items', data: [vec(1)], highlighter: { type: 'lexical' } });
    expect(unread.json.code).toBe(1801);
    expect(unread.json.message).toBe('highlighter: not supported by Mishards (see docs/compatibility.md)');
    const grouping = await post('entities/hybrid_search', {
      collectionName: 'items',
      search: [{ data: [vec(1)], annsField: 'vector', limit: 3, groupingField: 'big' }],
    });
    expect(grouping.json.code).toBe(1100);
    expect(grouping.json.message).toMatch(/groupingField in a hybrid search is not supported/);
    expect(
      (await post('collections/create', { collectionName: 'odd', schema: { fields: [{ fieldName: 'id', dataType: 'int64' }] } })).json
        .message,
    ).toMatch(/invalid\(case sensitive\)/);
  });
  // Last: the refused uploads can leave a pooled connection that the next request would fail on.
  it('refuses bodies above 64 MiB with HTTP 413, declared or streamed', async () => {
    const declared = await post('entities/insert', ' '.repeat(64 * 1024 * 1024 + 1));
    expect(declared.status).toBe(413);
    expect(declared.json.message).toMatch(/exceeds the limit/);
    // Chunked, without a Content-Length: refused once the limit is crossed.
    const url = new URL(base);
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: '/v2/vectordb/entities/insert', method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
        res.on('error', reject);
      });
      // The server closes the connection after answering: writes still in flight may fail.
      req.on('error', () => {});
      const chunk = Buffer.alloc(1024 * 1024, ' ');
      for (let i = 0; i < 65; i++) req.write(chunk);
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).code).toBe(413);
  });
});
