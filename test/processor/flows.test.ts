import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthService } from '../../proto/health.js';
import { clusterProcesses } from '../harness/child-processes.js';
import { startRestCluster, vec, DIM, type RestCluster } from '../rest/cluster.js';
import { ExtProcDriver, type EnvoyOutcome } from './driver.js';

/**
 * The ext_proc path against a `mishards up` cluster, with the test driver playing Envoy: REST
 * search, query and get bodies answered through the coordinator's ExternalProcessor give the
 * same JSON as its own REST endpoint; 200 concurrent streams; a 10 MiB body; malformed
 * bodies; and a stream cancelled mid fan-out leaves no sub-request running (the coordinator's
 * `mishards_subrequests_in_flight` gauge).
 */

const SEARCH = '/v2/vectordb/entities/search';
const QUERY = '/v2/vectordb/entities/query';
const GET = '/v2/vectordb/entities/get';
const ROWS = 250;
const WIDE_DIM = 1100;
/** Above the REST default deadline and the test's own: only cancellation can end the held search early. */
const MESSAGE_TIMEOUT_MS = 60_000;

/** JSON text with object keys sorted, so equal documents compare equal as strings. */
function normalized(text: string): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return JSON.stringify(sort(JSON.parse(text)));
}

/** A deterministic vector of `dim` floats with many digits each, so bodies get large quickly. */
function wideVec(i: number): number[] {
  return Array.from({ length: WIDE_DIM }, (_, j) => Math.sin(i * 1.37 + j * 0.71) / 3);
}

/** Sum of a gauge's series in a Prometheus text exposition. */
function gaugeSum(text: string, name: string): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('ext_proc against a mishards up cluster', () => {
  let cluster: RestCluster;
  let driver: ExtProcDriver;

  async function rest(
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; contentType: string | null; text: string }> {
    const res = await fetch(`http://${cluster.http}${path}`, { method: 'POST', headers, body });
    return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
  }

  /** The driver's answer, which must be an immediate response. */
  function answered(out: EnvoyOutcome): { status: number; contentType: string | undefined; text: string } {
    if (out.kind !== 'immediate') throw new Error(`expected an immediate response, got ${JSON.stringify(out)}`);
    return { status: out.status, contentType: out.headers['content-type'], text: out.body.toString('utf8') };
  }

  /** The same request through ext_proc and through the REST endpoint: the same answer. */
  async function same(path: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    const [viaEnvoy, direct] = await Promise.all([
      driver.request({ method: 'POST', path, headers, body: text }).then(answered),
      rest(path, text, headers),
    ]);
    expect(viaEnvoy.status).toBe(direct.status);
    expect(viaEnvoy.contentType).toBe(direct.contentType);
    expect(normalized(viaEnvoy.text)).toBe(normalized(direct.text));
    // One serializer behind both: not only the same document, the same bytes.
    expect(viaEnvoy.text).toBe(direct.text);
    return JSON.parse(direct.text);
  }

  async function post(path: string, body: unknown): Promise<any> {
    const r = await rest(path, JSON.stringify(body));
    const json = JSON.parse(r.text);
    expect(json.code, r.text).toBe(0);
    return json;
  }

  beforeAll(async () => {
    cluster = await startRestCluster();
    driver = new ExtProcDriver(cluster.grpc, { messageTimeoutMs: MESSAGE_TIMEOUT_MS });
    await post('/v2/vectordb/collections/create', {
      collectionName: 'items',
      schema: {
        enableDynamicField: true,
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'vector', dataType: 'FloatVector', elementTypeParams: { dim: DIM } },
          { fieldName: 'tag', dataType: 'VarChar', elementTypeParams: { max_length: 16 } },
          { fieldName: 'big', dataType: 'Int64' },
        ],
      },
      indexParams: [{ fieldName: 'vector', indexName: 'vector', metricType: 'L2', indexType: 'FLAT' }],
    });
    // 250 rows with --seal-rows 100: two sealed segments spread over the readers plus growing rows.
    for (let start = 0; start < ROWS; start += 50) {
      const data = Array.from({ length: 50 }, (_, k) => {
        const i = start + k;
        return { id: i, vector: vec(i), tag: `t${i % 5}`, big: `${9007199254740993n + BigInt(i)}`, extra: i % 3 };
      });
      await post('/v2/vectordb/entities/insert', { collectionName: 'items', data });
    }
    await post('/v2/vectordb/collections/create', { collectionName: 'wide', dimension: WIDE_DIM, metricType: 'L2' });
    await post('/v2/vectordb/entities/insert', {
      collectionName: 'wide',
      data: Array.from({ length: 100 }, (_, i) => ({ id: i, vector: wideVec(i) })),
    });
  });

  afterAll(async () => {
    driver?.close();
    if (cluster) expect(await cluster.stop()).toBe(0);
  });

  it('answers REST search bodies as the REST endpoint does', async () => {
    const one = await same(SEARCH, { collectionName: 'items', data: [vec(3)], limit: 5, outputFields: ['tag', 'big'] });
    expect(one.data).toHaveLength(5);
    expect(one.data[0]).toMatchObject({ id: '3', tag: 't3', big: '9007199254740996', distance: 0 });
    const many = await same(SEARCH, {
      collectionName: 'items',
      data: [vec(1), vec(120), vec(249)],
      limit: 4,
      offset: 1,
      filter: 'tag != "t0"',
      outputFields: ['*'],
    });
    expect(many.topks).toEqual([4, 4, 4]);
    await same(
      SEARCH,
      { collectionName: 'items', data: [vec(7)], limit: 3, searchParams: { metricType: 'L2', params: {} }, consistencyLevel: 'Strong' },
      { 'accept-type-allow-int64': 'true' },
    );
    await same(
      SEARCH,
      { collectionName: 'items', data: [vec(8)], limit: 3, filter: 'extra == {x}', exprParams: { x: 2 }, outputFields: ['extra'] },
      { 'content-type': 'text/plain', authorization: 'Bearer root:Milvus' },
    );
  });

  it('answers REST query and get bodies as the REST endpoint does', async () => {
    const rows = await same(QUERY, {
      collectionName: 'items',
      filter: 'id >= 90 and id < 130',
      outputFields: ['id', 'tag', 'big'],
      limit: 10,
      offset: 5,
    });
    expect(rows.data.map((r: any) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => String(95 + i)));
    const count = await same(QUERY, { collectionName: 'items', filter: 'tag == "t1"', outputFields: ['count(*)'] });
    expect(count.data).toEqual([{ 'count(*)': String(ROWS / 5) }]);
    await same(QUERY, { collectionName: 'items', filter: 'id in [1, 2, 3]' }, { 'accept-type-allow-int64': 'true' });
    const got = await same(GET, { collectionName: 'items', id: [5, 150, 249], outputFields: ['tag'] });
    expect(got.data.map((r: any) => r.id)).toEqual(['5', '150', '249']);
    await same(GET, { collectionName: 'items', id: 17 });
  });

  it('answers malformed bodies and business errors with the REST error JSON', async () => {
    for (const [path, body] of [
      [SEARCH, '{"collectionName": '],
      [SEARCH, '[1, 2]'],
      [QUERY, '{"collectionName": ""}'],
      [SEARCH, '{"collectionName": "items", "limit": 3}'],
      [SEARCH, '{"collectionName": "items", "data": [["x"]]}'],
      [GET, '{"collectionName": "items", "id": 1.5}'],
      [SEARCH, '{"collectionName": "nope", "data": [[1,2,3,4,5,6,7,8]]}'],
      [QUERY, '{"collectionName": "items", "filter": "nope >"}'],
      [SEARCH, '{"collectionName": "items", "data": [[1,2,3,4,5,6,7,8]], "dbName": "other"}'],
      ['/v2/vectordb/entities/hybrid_search', '{"collectionName": "items"}'],
    ] as const) {
      const json = await same(path, body);
      expect(json.code, body).toBeGreaterThan(0);
    }
    // An empty POST: Envoy sends headers with end_of_stream and no body message.
    const empty = answered(await driver.request({ method: 'POST', path: SEARCH }));
    expect(JSON.parse(empty.text).code).toBe(1801);
  });

  it('reports the ExternalProcessor in grpc.health.v1, for Envoy health checks of the processor cluster', async () => {
    const client = new HealthService(cluster.grpc, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
    try {
      const res = await new Promise<any>((resolve, reject) =>
        client.Check({ service: 'envoy.service.ext_proc.v3.ExternalProcessor' }, (e: Error | null, r: unknown) =>
          e ? reject(e) : resolve(r),
        ),
      );
      expect(res.status).toBe('SERVING');
    } finally {
      client.close();
    }
  });

  it('forwards every other request to the route upstream untouched', async () => {
    for (const [method, path] of [
      ['POST', '/v2/vectordb/collections/describe'],
      ['POST', '/v2/vectordb/entities/insert'],
      ['GET', SEARCH],
    ] as const) {
      expect(await driver.request({ method, path, body: '{"collectionName":"items"}' })).toMatchObject({
        kind: 'forwarded',
        bodySent: false,
      });
    }
  });

  it('completes 200 concurrent streams with the right answers', async () => {
    const bodies = Array.from({ length: 200 }, (_, i) => {
      if (i % 4 === 3) return [QUERY, { collectionName: 'items', filter: `id >= ${i} and id < ${i + 3}`, outputFields: ['tag'] }] as const;
      if (i % 4 === 2) return [GET, { collectionName: 'items', id: [i, (i * 7) % ROWS] }] as const;
      return [SEARCH, { collectionName: 'items', data: [vec(i)], limit: 3, outputFields: ['tag'] }] as const;
    });
    const viaEnvoy = await Promise.all(
      bodies.map(([path, body]) => driver.request({ method: 'POST', path, body: JSON.stringify(body) }).then(answered)),
    );
    const direct: string[] = [];
    for (const [path, body] of bodies) direct.push((await rest(path, JSON.stringify(body))).text);
    viaEnvoy.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(normalized(a.text)).toBe(normalized(direct[i]!));
    });
    // The search for vec(i) finds row i first: answers did not get crossed between streams.
    viaEnvoy.forEach((a, i) => {
      if (bodies[i]![0] === SEARCH) expect(JSON.parse(a.text).data[0].id).toBe(String(i % ROWS));
    });
  });

  it('answers a 10 MiB body with nq = 500', async () => {
    const body = JSON.stringify({ collectionName: 'wide', data: Array.from({ length: 500 }, (_, i) => wideVec(i % 100)), limit: 3 });
    expect(body.length).toBeGreaterThan(10 * 1024 * 1024);
    const json = await same(SEARCH, body);
    expect(json.topks).toHaveLength(500);
    expect(json.data[0]).toMatchObject({ id: '0', distance: 0 });
  });

  it('leaves no sub-request running when Envoy cancels the stream mid fan-out', async () => {
    const metrics = async () => gaugeSum(await (await fetch(`http://${cluster.metrics}/metrics`)).text(), 'mishards_subrequests_in_flight');
    expect(await metrics()).toBe(0);
    // Stopped data nodes hold every sub-request open until its deadline (Request-Timeout, 120 s).
    const nodes = (await clusterProcesses(cluster.pid)).filter((p) => p.role === 'writer' || p.role === 'reader');
    expect(nodes).toHaveLength(4);
    for (const n of nodes) process.kill(n.pid, 'SIGSTOP');
    try {
      const controller = new AbortController();
      const outcome = driver.request({
        method: 'POST',
        path: SEARCH,
        headers: { 'request-timeout': '120' },
        body: JSON.stringify({ collectionName: 'items', data: [vec(1)], limit: 3, consistencyLevel: 'Strong' }),
        signal: controller.signal,
      });
      await expect.poll(metrics, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
      controller.abort();
      expect(await outcome).toEqual({ kind: 'cancelled' });
      // Well before the 120 s deadline: only the cancellation can have ended them.
      await expect.poll(metrics, { timeout: 5_000, interval: 50 }).toBe(0);
    } finally {
      for (const n of nodes) process.kill(n.pid, 'SIGCONT');
    }
    // The cluster still answers afterwards.
    await same(SEARCH, { collectionName: 'items', data: [vec(2)], limit: 1 });
  });
});
