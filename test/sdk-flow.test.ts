import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { createTestDatabase } from './harness/databases.js';
import { connectSdk, onFreePorts, startMishards, type MishardsProcess } from './harness/mishards-process.js';
import { bookRow } from './harness/book-rows.js';
import { httpsRequest, makeCertificates, type TestCertificates } from './harness/tls.js';

/**
 * The official Milvus Node SDK against `mishards writer` started by the CLI: every call of
 * the data-node issue, with both metadata backends; and against a whole cluster, also with
 * authentication and mutual TLS on, the SDK signed in as root with a client certificate.
 */
const DIM = 8;

function vec(i: number): number[] {
  return Array.from({ length: DIM }, (_, j) => Math.sin(i * 0.37 + j * 1.1) + (j === i % DIM ? 1 : 0));
}

const ROOT_PASSWORD = 'Root-pw-flow-82c1';

/**
 * What the SDK talks to: the writer alone (each metadata backend), or a whole cluster, alone,
 * secured (authentication and mutual TLS) or behind Nginx (`up --nginx`: membership from etcd,
 * the control plane and the agent).
 */
const targets: [string, string, () => Promise<string>][] = [
  ['the writer', 'sqlite', async () => 'sqlite'],
  ['the writer', 'mysql', async () => createTestDatabase(inject('mariadb'), 'sdk_flow')],
  ['the coordinator of mishards up', 'sqlite', async () => 'sqlite'],
  ['the coordinator of mishards up --auth --tls-cert --tls-key --tls-ca', 'sqlite', async () => 'sqlite'],
  ['Nginx in front of mishards up --nginx', 'sqlite', async () => 'sqlite'],
];

const COMMANDS: Record<string, () => string[]> = {
  'the writer': () => ['writer'],
  'the coordinator of mishards up': () => ['up', '--readers', '3'],
  'the coordinator of mishards up --auth --tls-cert --tls-key --tls-ca': () => ['up', '--readers', '3'],
  'Nginx in front of mishards up --nginx': () => [
    'up',
    '--readers',
    '3',
    '--nginx',
    '--etcd',
    inject('etcd').endpoint,
    '--etcd-prefix',
    `/test-sdk-nginx-${randomBytes(4).toString('hex')}`,
  ],
};

describe.each(targets)('SDK flow against %s (%s metadata)', (target, _name, metaSpec) => {
  let dir: string;
  let writer: MishardsProcess;
  let client: MilvusClient;
  let certs: TestCertificates | undefined;
  const secured = target.includes('--auth');

  /** A GET on the metrics port, over mutual TLS when the cluster is secured. */
  async function metricsGet(path: string): Promise<{ status: number; text: string }> {
    const url = `${secured ? 'https' : 'http'}://${writer.addresses.metrics}${path}`;
    if (certs) return httpsRequest(url, { ca: certs.ca, cert: certs.client.cert, key: certs.client.key });
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mishards-sdk-'));
    const spec = await metaSpec();
    const meta = spec === 'sqlite' ? `sqlite:${join(dir, 'meta.sqlite')}` : spec;
    const command = COMMANDS[target]!();
    if (secured) {
      certs = makeCertificates();
      command.push('--auth', '--tls-cert', certs.node.cert, '--tls-key', certs.node.key, '--tls-ca', certs.ca);
    }
    writer = await startMishards([...command, ...onFreePorts(dir), '--meta', meta, '--seal-rows', '100'], {
      MISHARDS_ROOT_PASSWORD: ROOT_PASSWORD,
    });
    if (!certs) client = await connectSdk(writer.addresses.grpc!);
    else {
      client = new MilvusClient({
        address: writer.addresses.grpc!,
        username: 'root',
        password: ROOT_PASSWORD,
        timeout: 30_000,
        logLevel: 'error',
        tls: { rootCertPath: certs.ca, privateKeyPath: certs.client.key, certChainPath: certs.client.cert },
      });
      await client.connectPromise;
    }
  });

  afterAll(async () => {
    await client?.closeConnection();
    if (writer) expect(await writer.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
    certs?.remove();
  });

  it('answers session calls', async () => {
    const version: any = await client.getVersion();
    expect(version.status.error_code).toBe('Success');
    expect(version.version).toMatch(/^v2\./);
    const health = await client.checkHealth();
    expect(health.isHealthy).toBe(true);
  });

  it('quick-creates a collection, inserts with dynamic fields and searches it', async () => {
    const created = await client.createCollection({ collection_name: 'quick', dimension: DIM });
    expect(created.error_code).toBe('Success');
    const index = await client.describeIndex({ collection_name: 'quick' });
    expect(index.status.error_code).toBe('Success');
    const params = Object.fromEntries(index.index_descriptions[0]!.params.map((p) => [p.key, p.value]));
    expect(params.metric_type).toBe('COSINE');
    expect((await client.getLoadState({ collection_name: 'quick' })).state).toBe('LoadStateLoaded');
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i, vector: vec(i), color: i % 2 ? 'red' : 'blue', n: i }));
    const ins = await client.insert({ collection_name: 'quick', data: rows });
    expect(ins.status.error_code).toBe('Success');
    expect(Number(ins.insert_cnt)).toBe(30);
    // Strong: read-your-writes right after the insert (Bounded, the default, may lag, as in Milvus).
    const res = await client.search({
      collection_name: 'quick',
      data: vec(7),
      limit: 3,
      filter: 'color == "red"',
      output_fields: ['color', 'n'],
      consistency_level: 'Strong' as any,
    });
    expect(res.status.error_code).toBe('Success');
    expect(res.results.length).toBe(3);
    expect(res.results[0]!.id).toBe('7');
    expect(res.results[0]!.color).toBe('red');
    expect(res.results.every((r: any) => r.n % 2 === 1)).toBe(true);
  });

  it('runs the full schema flow: DDL, partitions, index, load, DML, search, query', async () => {
    const name = 'books';
    const created = await client.createCollection({
      collection_name: name,
      enable_dynamic_field: true,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true, autoID: false },
        { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
        { name: 'title', data_type: DataType.VarChar, max_length: 64 },
        { name: 'year', data_type: DataType.Int32 },
        { name: 'price', data_type: DataType.Double },
        { name: 'rank', data_type: DataType.Int8 },
        { name: 'small', data_type: DataType.Int16 },
        { name: 'big', data_type: DataType.Int64 },
        { name: 'ratio', data_type: DataType.Float },
        { name: 'available', data_type: DataType.Bool },
        { name: 'info', data_type: DataType.JSON },
        { name: 'tags', data_type: DataType.Array, element_type: DataType.VarChar, max_capacity: 4, max_length: 16 },
        { name: 'note', data_type: DataType.VarChar, max_length: 32, nullable: true },
      ],
    });
    expect(created.error_code).toBe('Success');
    expect((await client.hasCollection({ collection_name: name })).value).toBe(true);
    expect((await client.hasCollection({ collection_name: 'nope' })).value).toBe(false);
    const shown = await client.showCollections();
    expect(shown.data.map((c: any) => c.name)).toContain(name);

    const desc = await client.describeCollection({ collection_name: name });
    expect(desc.status.error_code).toBe('Success');
    expect(desc.schema.enable_dynamic_field).toBe(true);
    const fieldNames = desc.schema.fields.map((f: any) => f.name);
    expect(fieldNames).toEqual([
      'id',
      'vector',
      'title',
      'year',
      'price',
      'rank',
      'small',
      'big',
      'ratio',
      'available',
      'info',
      'tags',
      'note',
    ]);
    const vectorField: any = desc.schema.fields.find((f: any) => f.name === 'vector');
    expect(Number(vectorField.dim)).toBe(DIM);

    expect((await client.createPartition({ collection_name: name, partition_name: 'p1' })).error_code).toBe('Success');
    expect((await client.hasPartition({ collection_name: name, partition_name: 'p1' })).value).toBe(true);
    const parts = await client.showPartitions({ collection_name: name });
    expect(parts.partition_names.sort()).toEqual(['_default', 'p1']);
    expect((await client.createPartition({ collection_name: name, partition_name: 'tmp' })).error_code).toBe('Success');
    expect((await client.dropPartition({ collection_name: name, partition_name: 'tmp' })).error_code).toBe('Success');
    expect((await client.hasPartition({ collection_name: name, partition_name: 'tmp' })).value).toBe(false);

    // Loading without an index is refused, as in Milvus.
    await expect(client.loadCollection({ collection_name: name })).rejects.toThrow(/IndexNotExist.*index not found/);

    const idx = await client.createIndex({
      collection_name: name,
      field_name: 'vector',
      index_type: 'HNSW',
      metric_type: 'L2',
      params: { M: 16, efConstruction: 64 },
    });
    expect(idx.error_code).toBe('Success');
    const di = await client.describeIndex({ collection_name: name });
    const diParams = Object.fromEntries(di.index_descriptions[0]!.params.map((p) => [p.key, p.value]));
    expect(diParams.index_type).toBe('HNSW');
    expect(diParams.metric_type).toBe('L2');

    await client.loadCollectionSync({ collection_name: name });
    expect((await client.getLoadState({ collection_name: name })).state).toBe('LoadStateLoaded');
    expect(Number((await client.getLoadingProgress({ collection_name: name })).progress)).toBe(100);

    const row = (i: number) => bookRow(i, vec(i));
    const first = await client.insert({ collection_name: name, data: Array.from({ length: 150 }, (_, i) => row(i)) });
    expect(first.status.error_code).toBe('Success');
    const inP1 = await client.insert({
      collection_name: name,
      partition_name: 'p1',
      data: Array.from({ length: 20 }, (_, i) => row(1000 + i)),
    });
    expect(inP1.status.error_code).toBe('Success');
    const stats = await client.getCollectionStatistics({ collection_name: name });
    expect(Number(stats.data.row_count)).toBe(170);

    const up = await client.upsert({ collection_name: name, data: [{ ...row(5), title: 'replaced' }] });
    expect(up.status.error_code).toBe('Success');
    const del = await client.delete({ collection_name: name, filter: 'id in [1, 2, 3]' });
    expect(del.status.error_code).toBe('Success');
    const delExpr = await client.delete({ collection_name: name, filter: 'year == 1999 and id < 100' });
    expect(delExpr.status.error_code).toBe('Success');
    expect(Number(delExpr.delete_cnt)).toBeGreaterThan(0);

    const flushed = await client.flushSync({ collection_names: [name] });
    expect(flushed.status.error_code).toBe('Success');
    const afterFlush = await client.getCollectionStatistics({ collection_name: name });
    const removedByYear = Array.from({ length: 100 }, (_, i) => i).filter((i) => 1990 + (i % 30) === 1999 && ![1, 2, 3].includes(i)).length;
    expect(Number(afterFlush.data.row_count)).toBe(170 - 3 - removedByYear);

    const got = await client.query({
      collection_name: name,
      filter: 'id in [4, 5, 1]',
      output_fields: ['title', 'note', 'big', 'tags', 'info', 'shelf'],
    });
    expect(got.status.error_code).toBe('Success');
    const byId = Object.fromEntries(got.data.map((r: any) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['4', '5']);
    expect(byId['5'].title).toBe('replaced');
    expect(byId['5'].note).toBe(null);
    expect(byId['4'].note).toBe('n4');
    expect(String(byId['4'].big)).toBe(`${9007199254740993n + 4n}`);
    expect(byId['4'].tags).toEqual(['c']);
    expect(byId['4'].info).toEqual({ author: 'Bob', pages: 40 });
    // Query rows carry dynamic keys inside `$meta`, holding only the keys asked for.
    expect(byId['4'].$meta).toEqual({ shelf: 's0' });

    const page = await client.query({ collection_name: name, filter: 'year >= 2000', output_fields: ['year'], limit: 5, offset: 2 });
    const allMatching = Array.from({ length: 150 }, (_, i) => i)
      .filter((i) => 1990 + (i % 30) >= 2000 && ![1, 2, 3].includes(i))
      .concat(Array.from({ length: 20 }, (_, i) => 1000 + i).filter((i) => 1990 + (i % 30) >= 2000));
    allMatching.sort((a, b) => a - b);
    expect(page.data.map((r: any) => Number(r.id))).toEqual(allMatching.slice(2, 7));

    const count = await client.count({ collection_name: name, expr: 'info["author"] == "Ann"' });
    expect(count.data).toBe(
      Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 2 === 1 && ![1, 3].includes(i) && !(1990 + (i % 30) === 1999 && i < 100))
        .length + 10,
    );

    const inPartition = await client.query({ collection_name: name, partition_names: ['p1'], filter: 'id > 0', output_fields: ['id'] });
    expect(inPartition.data.length).toBe(20);

    const search = await client.search({
      collection_name: name,
      data: [vec(10), vec(11)],
      limit: 4,
      offset: 1,
      filter: 'available == true or id == 11',
      output_fields: ['title', 'shelf'],
      params: { ef: 32 },
    });
    expect(search.status.error_code).toBe('Success');
    expect(search.results.length).toBe(2);
    const [q0, q1] = search.results as any[];
    expect(q0.length).toBe(4);
    expect(q0.every((h: any) => Number(h.id) % 3 === 0 || h.id === '11')).toBe(true);
    // offset 1 skips the best hit (id 11 matches query 1 exactly)
    expect(q1.map((h: any) => h.id)).not.toContain('11');
    expect(q0[0].score).toBeLessThanOrEqual(q0[1].score);
    expect(q0[0].title).toMatch(/^book /);

    expect((await client.releaseCollection({ collection_name: name })).error_code).toBe('Success');
    expect((await client.getLoadState({ collection_name: name })).state).toBe('LoadStateNotLoad');
    const notLoaded = await client.search({ collection_name: name, data: vec(1), limit: 1 });
    expect(notLoaded.status.error_code).not.toBe('Success');
    expect(notLoaded.status.reason).toMatch(/not loaded/);
    expect((await client.dropIndex({ collection_name: name, field_name: 'vector' })).error_code).toBe('Success');
    expect((await client.describeIndex({ collection_name: name })).status.error_code).toBe('IndexNotExist');
    expect((await client.dropCollection({ collection_name: name })).error_code).toBe('Success');
    expect((await client.hasCollection({ collection_name: name })).value).toBe(false);
  });

  it('generates keys for an autoID VarChar collection and deletes by string keys', async () => {
    const name = 'docs';
    await client.createCollection({
      collection_name: name,
      fields: [
        { name: 'pk', data_type: DataType.VarChar, is_primary_key: true, autoID: true, max_length: 36 },
        { name: 'embedding', data_type: DataType.FloatVector, dim: DIM },
      ],
    });
    await client.createIndex({ collection_name: name, field_name: 'embedding', index_type: 'FLAT', metric_type: 'IP' });
    await client.loadCollectionSync({ collection_name: name });
    const ins = await client.insert({ collection_name: name, data: Array.from({ length: 5 }, (_, i) => ({ embedding: vec(i) })) });
    expect(ins.status.error_code).toBe('Success');
    const ids = (ins.IDs as any).str_id.data as string[];
    expect(new Set(ids).size).toBe(5);
    const del = await client.delete({ collection_name: name, filter: `pk in ["${ids[0]}", "${ids[1]}"]` });
    expect(del.status.error_code).toBe('Success');
    const left = await client.query({ collection_name: name, filter: 'pk != ""', output_fields: ['pk'] });
    expect(left.data.map((r: any) => r.pk).sort()).toEqual(ids.slice(2).sort());
  });

  it('exposes Prometheus metrics and health on the metrics port', async () => {
    const metrics = (await metricsGet('/metrics')).text;
    // The metrics port is the coordinator's (the writer's, alone); behind Nginx, inserts go
    // straight to the writer, and the coordinator counts only what is routed to it.
    const insert = /mishards_requests_total\{[^}]*method="Insert"[^}]*code="0"[^}]*\} [1-9]/;
    if (target.startsWith('Nginx')) expect(metrics).not.toMatch(insert);
    else expect(metrics).toMatch(insert);
    expect(metrics).toMatch(/mishards_requests_total\{[^}]*method="Search"[^}]*code="101"[^}]*\} 1/);
    expect(metrics).toMatch(/mishards_request_duration_seconds_bucket\{/);
    const health = await metricsGet('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ status: 'ok' });
  });
});
