import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { float32ToBFloat16, float32ToFloat16 } from '../../core/half-float.js';
import { float32 } from '../../ext-proc/rest/rows.js';
import { startRestCluster, type RestCluster } from './cluster.js';

/**
 * Every vector type over REST v2 through the coordinator of a cluster, in each of the JSON forms
 * Milvus's REST server takes (half floats as float arrays or base64 of their bytes, binary
 * vectors as base64 or byte arrays, int8 vectors as integer arrays, sparse rows as
 * `{"index": value}` or `{"indices", "values"}`): rows inserted over REST, some sealed by a
 * flush; every search equals the SDK's search of the same collection over gRPC (ids and
 * scores, for each type and metric); vectors come back in Milvus's REST rendering (base64 of
 * the bytes, sparse rows as maps); bad values get Milvus's refusals.
 */
const DIM = 16;
const BIN_DIM = 64;
const SEALED = 24;
const GROWING = 8;
const ROWS = SEALED + GROWING;

/** Values exact in float16 and bfloat16 (k / 32, |k| <= 64). */
const halfRow = (i: number) => Array.from({ length: DIM }, (_, j) => Math.round(Math.sin(i * 0.61 + j * 1.7) * 64) / 32);
const int8Row = (i: number) => Array.from({ length: DIM }, (_, j) => ((i * 13 + j * 29) % 255) - 127);
const bitsRow = (i: number) => Array.from({ length: BIN_DIM / 8 }, (_, j) => (i * 37 + j * 101 + ((i * j) % 7) * 29) & 0xff);
/** A few indices out of 40 with positive weights (float32-exact); some rows share none with a query. */
const sparseEntries = (i: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let j = 0; j < 40; j++) if ((i * 7 + j * 3) % 11 === 0) out.push([j, ((i + j) % 9) / 4 + 0.25]);
  return out;
};
const sparseDict = (i: number) => Object.fromEntries(sparseEntries(i).map(([k, v]) => [String(k), v]));

const halfBase64 = (convert: (x: number) => number, values: number[]) =>
  Buffer.from(new Uint8Array(Uint16Array.from(values, convert).buffer)).toString('base64');
const bytesBase64 = (values: number[], signed = false) =>
  Buffer.from(signed ? new Uint8Array(Int8Array.from(values).buffer) : Uint8Array.from(values)).toString('base64');

interface Case {
  name: string;
  dataType: string;
  dim?: number;
  index: string;
  metric: string;
  /** Row `i` over REST, in one of the type's JSON forms by `i`. */
  rest: (i: number) => unknown;
  /** Row `i` (or query) as the SDK takes it. */
  sdk: (i: number) => unknown;
  /** Row `i` as Milvus's REST renders it. */
  rendered: (i: number) => unknown;
}

const cases: Case[] = [];
for (const [dataType, convert] of [
  ['Float16Vector', float32ToFloat16],
  ['BFloat16Vector', float32ToBFloat16],
] as const) {
  for (const metric of ['L2', 'IP', 'COSINE']) {
    cases.push({
      name: `${dataType}_${metric}`,
      dataType,
      dim: DIM,
      index: 'FLAT',
      metric,
      rest: (i) => (i % 2 ? halfRow(i) : halfBase64(convert, halfRow(i))),
      sdk: halfRow,
      rendered: (i) => halfBase64(convert, halfRow(i)),
    });
  }
}
for (const metric of ['L2', 'IP', 'COSINE']) {
  cases.push({
    name: `Int8Vector_${metric}`,
    dataType: 'Int8Vector',
    dim: DIM,
    index: 'FLAT',
    metric,
    rest: int8Row,
    sdk: int8Row,
    rendered: (i) => bytesBase64(int8Row(i), true),
  });
}
for (const metric of ['HAMMING', 'JACCARD']) {
  cases.push({
    name: `BinaryVector_${metric}`,
    dataType: 'BinaryVector',
    dim: BIN_DIM,
    index: 'BIN_FLAT',
    metric,
    rest: (i) => (i % 2 ? bitsRow(i) : bytesBase64(bitsRow(i))),
    sdk: bitsRow,
    rendered: (i) => bytesBase64(bitsRow(i)),
  });
}
cases.push({
  name: 'SparseFloatVector_IP',
  dataType: 'SparseFloatVector',
  index: 'SPARSE_INVERTED_INDEX',
  metric: 'IP',
  rest: (i) => (i % 2 ? sparseDict(i) : { indices: sparseEntries(i).map(([k]) => k), values: sparseEntries(i).map(([, v]) => v) }),
  sdk: sparseDict,
  rendered: sparseDict,
});

let cluster: RestCluster;
let client: MilvusClient;

async function post(path: string, body: unknown): Promise<any> {
  const res = await fetch(`http://${cluster.http}/v2/vectordb/${path}`, { method: 'POST', body: JSON.stringify(body) });
  return res.json();
}

beforeAll(async () => {
  cluster = await startRestCluster();
  client = new MilvusClient({ address: cluster.grpc, logLevel: 'error' });
  for (const c of cases) {
    const created = await post('collections/create', {
      collectionName: c.name,
      schema: {
        fields: [
          { fieldName: 'id', dataType: 'Int64', isPrimary: true },
          { fieldName: 'v', dataType: c.dataType, ...(c.dim ? { elementTypeParams: { dim: c.dim } } : {}) },
        ],
      },
      indexParams: [{ fieldName: 'v', indexName: 'v', metricType: c.metric, indexType: c.index }],
    });
    expect(created).toEqual({ code: 0, data: {} });
    const rows = (from: number, n: number) => Array.from({ length: n }, (_, k) => ({ id: from + k, v: c.rest(from + k) }));
    expect(await post('entities/insert', { collectionName: c.name, data: rows(0, SEALED) })).toMatchObject({ code: 0 });
    expect(await post('collections/flush', { collectionName: c.name })).toEqual({ code: 0, data: {} });
    expect(await post('entities/insert', { collectionName: c.name, data: rows(SEALED, GROWING) })).toMatchObject({ code: 0 });
  }
}, 240_000);

afterAll(async () => {
  await client?.closeConnection();
  if (cluster) expect(await cluster.stop()).toBe(0);
});

/** Hits ordered by score, then id: two answers with tied scores compare equal. */
const ordered = (hits: { id: number; score: number }[]) => [...hits].sort((a, b) => a.score - b.score || a.id - b.id);

describe.each(cases)('$name over REST', (c) => {
  it('searches equal the SDK search of the same collection, and render the vectors as Milvus does', async () => {
    for (let q = 0; q < 3; q++) {
      const query = 100 + q;
      const rest = await post('entities/search', {
        collectionName: c.name,
        data: [c.rest(query)],
        limit: ROWS,
        outputFields: ['v'],
        consistencyLevel: 'Strong',
      });
      expect(rest.code).toBe(0);
      const sdk = await client.search({
        collection_name: c.name,
        data: [c.sdk(query) as never],
        limit: ROWS,
        consistency_level: 'Strong' as never,
      });
      expect(sdk.status.error_code).toBe('Success');
      expect(sdk.results.length).toBeGreaterThan(0);
      const restHits = (rest.data as { id: string; distance: number }[]).map((h) => ({ id: Number(h.id), score: h.distance }));
      const sdkHits = (sdk.results as { id: string; score: number }[]).map((h) => ({ id: Number(h.id), score: float32(h.score) }));
      expect(ordered(restHits)).toEqual(ordered(sdkHits));
      expect(rest.topks).toEqual([sdkHits.length]);
      for (const h of rest.data as { id: string; v: unknown }[]) expect(h.v).toEqual(c.rendered(Number(h.id)));
    }
  });

  it('queries return the vectors in the REST rendering', async () => {
    const ids = [0, SEALED - 1, ROWS - 1];
    const res = await post('entities/query', {
      collectionName: c.name,
      filter: `id in [${ids.join(', ')}]`,
      outputFields: ['id', 'v'],
      consistencyLevel: 'Strong',
    });
    expect(res.code).toBe(0);
    expect(new Map(res.data.map((r: any) => [Number(r.id), r.v]))).toEqual(new Map(ids.map((id) => [id, c.rendered(id)])));
  });
});

describe('refusals of bad vector values, in Milvus words', () => {
  const insert = async (collectionName: string, v: unknown) => post('entities/insert', { collectionName, data: [{ id: 9000, v }] });
  const search = async (collectionName: string, data: unknown[]) => post('entities/search', { collectionName, data, limit: 3 });
  const insertRefusal = (message: string) => ({ code: 1804, message: `fail to deal the insert data, error: row 0: ${message}` });

  it('refuses inserts of the wrong dimension, kind or range', async () => {
    expect(await insert('BinaryVector_HAMMING', 'AAEC')).toEqual(
      insertRefusal("[]byte size 3 doesn't equal to vector dimension 64 of BinaryVector: invalid parameter"),
    );
    expect(await insert('BinaryVector_HAMMING', 'AA*C')).toEqual(
      insertRefusal('illegal base64 data at input byte 2: invalid parameter[expected=BinaryVector][actual="AA*C"]'),
    );
    expect(await insert('BinaryVector_HAMMING', [1, 2, 256, 4, 5, 6, 7, 8])).toEqual(
      insertRefusal(
        'json: cannot unmarshal number 256 into Go value of type uint8: invalid parameter[expected=BinaryVector][actual=[1,2,256,4,5,6,7,8]]',
      ),
    );
    expect((await insert('Int8Vector_L2', [...int8Row(1).slice(1), 128])).message).toMatch(
      /row 0: json: cannot unmarshal number 128 into Go value of type int8: invalid parameter\[expected=Int8Vector\]/,
    );
    expect(await insert('Int8Vector_L2', int8Row(1).slice(2))).toEqual(
      insertRefusal("[]int8 size 14 doesn't equal to vector dimension 16 of Int8Vector: invalid parameter"),
    );
    expect(await insert('Float16Vector_L2', halfRow(1).slice(1))).toEqual(
      insertRefusal("[]byte size 30 doesn't equal to vector dimension 16 of Float16Vector: invalid parameter"),
    );
    expect(await insert('BFloat16Vector_L2', { a: 1 })).toEqual(
      insertRefusal('invalid vector field: v: invalid parameter[expected=BFloat16Vector][actual={"a":1}]'),
    );
    expect(await insert('SparseFloatVector_IP', { '3': -1 })).toEqual(
      insertRefusal('negative value in sparse float vector: invalid parameter[expected=SparseFloatVector][actual={"3":-1}]'),
    );
    expect((await insert('SparseFloatVector_IP', { x: 1 })).message).toMatch(/invalid index "x" in sparse float vector/);
    expect((await insert('SparseFloatVector_IP', { indices: [1, 2], values: [1] })).message).toMatch(/same length/);
  });

  it('refuses search data of the wrong dimension or kind with 1801', async () => {
    expect(await search('Int8Vector_L2', [int8Row(1).slice(1)])).toEqual({
      code: 1801,
      message: `can only accept json format request, error: dimension: 16, but length of []int8: 15: invalid parameter[expected=Int8Vector][actual=${JSON.stringify([int8Row(1).slice(1)])}]`,
    });
    expect((await search('BinaryVector_JACCARD', ['AAEC'])).message).toBe(
      'can only accept json format request, error: dimension: 64, bytesLen: 8, but length of []byte: 3: invalid parameter[expected=BinaryVector][actual=["AAEC"]]',
    );
    expect((await search('Float16Vector_IP', [halfRow(1).slice(3)])).message).toMatch(/dimension: 16, but length of \[\]float: 13/);
    expect((await search('BFloat16Vector_IP', [halfBase64(float32ToBFloat16, halfRow(1).slice(1))])).message).toMatch(
      /dimension: 16, bytesLen: 32, but length of \[\]byte: 30/,
    );
    expect((await search('SparseFloatVector_IP', [[1, 2]])).message).toMatch(
      /json: cannot unmarshal array into Go value of type map\[string\]interface \{\}/,
    );
    expect((await post('entities/search', { collectionName: 'Int8Vector_L2', data: [int8Row(1)], annsField: 'nope' })).message).toBe(
      'can only accept json format request, error: cannot find a vector field named: nope',
    );
  });
});
