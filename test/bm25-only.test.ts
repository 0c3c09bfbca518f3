import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, FunctionType, type MilvusClient, RRFRanker } from '@zilliz/milvus2-sdk-node';
import { TestCluster } from './harness/cluster.js';
import { connectSdk } from './harness/mishards-process.js';
import { prng } from './harness/prng.js';
import { referenceBm25 } from './harness/bm25-reference.js';

/**
 * A collection whose only vector field is a BM25 output (docs/full-text.md), through the
 * official SDK: created with its index and loaded in one call, sealed segments over two reader
 * groups, growing rows on the writer, deletes. Text searches through the coordinator equal a
 * BM25 computed here over every live document, and the writer's own answer.
 */
const PER_SEGMENT = 300;
const SEALED = 3;
const ROWS = PER_SEGMENT * SEALED + 100;
const DELETED = Array.from({ length: 25 }, (_, i) => i * 37 + 3);
const K = 10;
const NAME = 'texts_only';

const next = prng(77);
const VOCAB = Array.from({ length: 400 }, (_, i) => `w${(i * 7919) % 1000}x`);
const word = () => VOCAB[Math.floor(VOCAB.length * next() ** 2)]!;
const texts = Array.from({ length: ROWS }, () => Array.from({ length: 2 + Math.floor(next() * 30) }, word).join(next() < 0.5 ? ' ' : ', '));
const deleted = new Set(DELETED);
const live = Array.from({ length: ROWS }, (_, id) => id).filter((id) => !deleted.has(id));
const bm25 = referenceBm25(texts, live);
/** The rows live after the tests' own deletes. */
let alive = live;
const QUERIES = [`${VOCAB[0]} ${VOCAB[5]} ${VOCAB[300]}`, `${VOCAB[2]}, ${VOCAB[2]} and ${VOCAB[120]}`, VOCAB[60]!];

type Hit = { id: string; score: number };

/** The hits are the reference's best K: scores in order within 1e-5 relative, each hit its own score. */
function expectBest(got: Hit[], want: { id: number; score: number }[]): void {
  const best = want.slice(0, K);
  expect(got).toHaveLength(best.length);
  got.forEach((h, i) => {
    expect(Math.abs(h.score - best[i]!.score)).toBeLessThanOrEqual(1e-5 * best[i]!.score);
    const own = want.find((w) => w.id === Number(h.id))!;
    expect(Math.abs(h.score - own.score)).toBeLessThanOrEqual(1e-5 * own.score);
  });
}

const cluster = new TestCluster();
let writerClient: MilvusClient;

type TextHit = Hit & { text: string };

/** One text query's search (its hits as `results`). */
async function textSearch(client: MilvusClient, query: string, extra: Record<string, unknown> = {}) {
  const res = await client.search({ collection_name: NAME, data: [query], limit: K, output_fields: ['text'], ...extra });
  return { status: res.status, results: res.results as unknown as TextHit[] };
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
  // The SDK creates the collection, then its indexes, then loads it.
  const created = await client.createCollection({
    collection_name: NAME,
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'text', data_type: DataType.VarChar, max_length: 1024, enable_analyzer: true, enable_match: true },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
    ],
    functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    index_params: [
      { field_name: 'sparse', index_type: 'AUTOINDEX', metric_type: 'BM25', params: { inverted_index_algo: 'DAAT_MAXSCORE' } },
    ],
  });
  expect(created.error_code).toBe('Success');
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => ({ id: from + i, text: texts[from + i]! }));
  for (let s = 0; s < SEALED; s++) {
    const inserted = await client.insert({ collection_name: NAME, data: rows(s * PER_SEGMENT, (s + 1) * PER_SEGMENT) });
    expect(inserted.status.error_code).toBe('Success');
  }
  await client.flushSync({ collection_names: [NAME] });
  expect((await client.insert({ collection_name: NAME, data: rows(SEALED * PER_SEGMENT, ROWS) })).status.error_code).toBe('Success');
  const removed = await client.delete({ collection_name: NAME, filter: `id in [${DELETED.join(', ')}]` });
  expect(removed.status.error_code).toBe('Success');
  await cluster.until('every reader group holds sealed segments of the collection', async () => {
    const held = await cluster.holdings(NAME);
    return new Set([...held.values()].flat()).size === SEALED && [...held.values()].every((ids) => ids.length > 0);
  });
  writerClient = await connectSdk(cluster.writer.addresses.grpc!);
}, 240_000);

afterAll(async () => {
  await writerClient?.closeConnection();
  await cluster.stop();
});

describe('a collection whose only vector field is a BM25 output', () => {
  it('lists the index created with the collection, with metric BM25 and its params', async () => {
    const d = await cluster.client.describeIndex({ collection_name: NAME });
    expect(d.status.error_code).toBe('Success');
    expect(d.index_descriptions).toHaveLength(1);
    const [index] = d.index_descriptions;
    expect(index!.field_name).toBe('sparse');
    expect(index!.params).toEqual(
      expect.arrayContaining([
        { key: 'index_type', value: 'AUTOINDEX' },
        { key: 'metric_type', value: 'BM25' },
        { key: 'inverted_index_algo', value: 'DAAT_MAXSCORE' },
      ]),
    );
    const listed = await cluster.client.listIndexes({ collection_name: NAME });
    expect(listed.indexes).toEqual(['sparse']);
  });

  it.each(QUERIES)('searches by text, with no field named, over the reader groups and the writer: %s', async (query) => {
    const res = await textSearch(cluster.client, query);
    expect(res.status.error_code).toBe('Success');
    expectBest(res.results, bm25(query));
    for (const h of res.results) expect(h.text).toBe(texts[Number(h.id)]);
    const alone = await textSearch(writerClient, query, { anns_field: 'sparse' });
    expect(alone.status.error_code).toBe('Success');
    expectBest(alone.results, bm25(query));
  });

  it('filters a text search, and queries and deletes rows', async () => {
    const query = QUERIES[0]!;
    const filtered = await textSearch(cluster.client, query, { filter: `text_match(text, '${VOCAB[5]}') and id > 100` });
    expect(filtered.status.error_code).toBe('Success');
    const matching = new Set(live.filter((id) => id > 100 && texts[id]!.split(/[ ,]+/).includes(VOCAB[5]!)));
    expectBest(
      filtered.results,
      bm25(query).filter((h) => matching.has(h.id)),
    );
    const count = await cluster.client.query({ collection_name: NAME, filter: '', output_fields: ['count(*)'] });
    expect(Number(count.data[0]!['count(*)'])).toBe(live.length);
    const rows = await cluster.client.query({ collection_name: NAME, filter: 'id in [0, 1, 3]', output_fields: ['*'] });
    expect(rows.data.map((r) => [Number(r.id), r.text, Object.keys(r).sort()])).toEqual([
      [0, texts[0], ['id', 'text']],
      [1, texts[1], ['id', 'text']],
    ]);
    const top = Number((await textSearch(cluster.client, query)).results[0]!.id);
    expect((await cluster.client.delete({ collection_name: NAME, filter: `id == ${top}` })).status.error_code).toBe('Success');
    const after = await textSearch(cluster.client, query);
    expect(after.results.map((h) => Number(h.id))).not.toContain(top);
    alive = live.filter((id) => id !== top);
    expectBest(after.results, referenceBm25(texts, alive)(query));
  });

  it('answers a range search of a BM25 output with the hits inside its window', async () => {
    const query = QUERIES[1]!;
    const want = referenceBm25(texts, alive)(query);
    // Bounds halfway between reference scores, clear of float32 rounding at the edges.
    const between = (i: number) => (want[i]!.score + want[i + 1]!.score) / 2;
    const [radius, rangeFilter] = [between(8), between(2)];
    const inside = want.filter((h) => h.score > radius && h.score <= rangeFilter);
    // Fewer than the limit: both bounds cut the answer.
    expect(inside.length).toBe(6);
    for (const client of [cluster.client, writerClient]) {
      const res = await textSearch(client, query, { params: { radius, range_filter: rangeFilter } });
      expect(res.status.error_code).toBe('Success');
      expectBest(res.results, inside);
    }
  });

  it('filters queries and text searches with phrase_match over the reader groups and the writer', async () => {
    const [a, b] = [VOCAB[0]!, VOCAB[1]!];
    const adjacent = (id: number) => {
      const words = texts[id]!.split(/[ ,]+/);
      return words.some((w, i) => w === a && words[i + 1] === b);
    };
    const queried = await cluster.client.query({
      collection_name: NAME,
      filter: `phrase_match(text, '${a} ${b}', 0)`,
      output_fields: ['id'],
      limit: ROWS,
    });
    expect(queried.status.error_code).toBe('Success');
    const want = alive.filter(adjacent);
    expect(want.length).toBeGreaterThan(0);
    expect(queried.data.map((r) => Number(r.id)).sort((x, y) => x - y)).toEqual(want);
    const searched = await textSearch(cluster.client, `${a} ${b}`, { filter: `phrase_match(text, '${a} ${b}')` });
    expect(searched.status.error_code).toBe('Success');
    expectBest(
      searched.results,
      referenceBm25(texts, alive)(`${a} ${b}`).filter((h) => adjacent(h.id)),
    );
  });

  it('searches by text over REST, alone and in a hybrid search, as over gRPC', async () => {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`http://${cluster.coordinator.addresses.http}/v2/vectordb/entities/${path}`, {
        method: 'POST',
        body: JSON.stringify({ collectionName: NAME, ...(body as object) }),
      });
      return (await res.json()) as { code: number; message?: string; data: { id: number; distance: number; text: string }[] };
    };
    const [first, second] = QUERIES as [string, string];
    const rest = await post('search', { data: [first], annsField: 'sparse', limit: K, outputFields: ['text'] });
    expect(rest.code).toBe(0);
    expectBest(
      rest.data.map((r) => ({ id: String(r.id), score: r.distance })),
      referenceBm25(texts, alive)(first),
    );
    expect(rest.data.map((r) => r.text)).toEqual(rest.data.map((r) => texts[r.id]));
    const subs = [first, second].map((q) => ({ data: [q], annsField: 'sparse', limit: K }));
    const hybrid = await post('hybrid_search', { search: subs, rerank: { strategy: 'rrf', params: { k: 60 } }, limit: K });
    expect(hybrid.code).toBe(0);
    const sdk = await cluster.client.hybridSearch({
      collection_name: NAME,
      data: subs.map((s) => ({ data: s.data[0]!, anns_field: s.annsField, limit: K })),
      rerank: RRFRanker(60),
      limit: K,
    });
    expect(sdk.status.error_code).toBe('Success');
    expect(hybrid.data.map((r) => String(r.id))).toEqual(sdk.results.map((h) => String(h.id)));
    // Milvus's REST sends any other JSON value as its JSON text: ["a b"] is searched as the text ["a b"].
    const wrapped = await post('search', { data: [[first]], annsField: 'sparse', limit: K });
    expect(wrapped.code).toBe(0);
    expect(wrapped.data.map((r) => String(r.id))).toEqual(rest.data.map((r) => String(r.id)));
  });

  it('refuses to drop its index while loaded, then drops it once released', async () => {
    const loaded = await cluster.client.dropIndex({ collection_name: NAME, field_name: 'sparse' });
    expect(loaded.reason).toBe('index cannot be dropped, collection is loaded, please release it first');
    expect((await cluster.client.releaseCollection({ collection_name: NAME })).error_code).toBe('Success');
    expect((await cluster.client.dropIndex({ collection_name: NAME, field_name: 'sparse' })).error_code).toBe('Success');
    const gone = await cluster.client.describeIndex({ collection_name: NAME });
    expect(gone.status.error_code).toBe('IndexNotExist');
    const again = await cluster.client.createIndex({
      collection_name: NAME,
      field_name: 'sparse',
      index_type: 'SPARSE_INVERTED_INDEX',
      metric_type: 'BM25',
    });
    expect(again.error_code).toBe('Success');
    expect((await cluster.client.loadCollectionSync({ collection_name: NAME })).error_code).toBe('Success');
  });

  it('refuses to load a collection whose BM25 output has no index, naming the field as Milvus does', async () => {
    const name = 'mixed_unindexed';
    const created = await cluster.client.createCollection({
      collection_name: name,
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'text', data_type: DataType.VarChar, max_length: 64, enable_analyzer: true },
        { name: 'sparse', data_type: DataType.SparseFloatVector },
        { name: 'dense', data_type: DataType.FloatVector, dim: 4 },
      ],
      functions: [{ name: 'bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
    });
    expect(created.error_code).toBe('Success');
    const dense = await cluster.client.createIndex({ collection_name: name, field_name: 'dense', index_type: 'FLAT', metric_type: 'L2' });
    expect(dense.error_code).toBe('Success');
    await expect(cluster.client.loadCollection({ collection_name: name })).rejects.toThrow(
      'Reason: there is no vector index on field: [sparse], please create index firstly',
    );
    const sparse = await cluster.client.createIndex({
      collection_name: name,
      field_name: 'sparse',
      index_type: 'SPARSE_INVERTED_INDEX',
      metric_type: 'BM25',
    });
    expect(sparse.error_code).toBe('Success');
    const d = await cluster.client.describeIndex({ collection_name: name });
    expect(d.index_descriptions.map((i) => [i.field_name, i.params.find((p) => p.key === 'metric_type')?.value])).toEqual([
      ['dense', 'L2'],
      ['sparse', 'BM25'],
    ]);
    const one = await cluster.client.describeIndex({ collection_name: name, field_name: 'sparse' });
    expect(one.index_descriptions.map((i) => i.index_name)).toEqual(['sparse']);
    expect((await cluster.client.loadCollectionSync({ collection_name: name })).error_code).toBe('Success');
  });
});
