import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataType, FunctionType, type MilvusClient, RRFRanker, WeightedRanker } from '@zilliz/milvus2-sdk-node';
import { crc32 } from 'node:zlib';
import { TestCluster } from './harness/cluster.js';
import { connectSdk } from './harness/mishards-process.js';
import { prng } from './harness/prng.js';
import { referenceBm25, referenceTerms } from './harness/bm25-reference.js';

/**
 * Full-text search through the official SDK (docs/full-text.md): a collection with a BM25
 * function over 10,000+ documents whose sealed segments are spread over three reader groups,
 * growing rows on the writer and some deletes. BM25 searches through the coordinator equal a
 * BM25 computed here over every live document, and the writer's own answer (one node holding
 * every row); hybrid searches fuse BM25 and dense results as Milvus's rankers do; text_match
 * filters equal a scan; RunAnalyzer tokenizes and hashes as the BM25 function does.
 */
const PER_SEGMENT = 1000;
const SEALED = 10;
const GROWING = 400;
const ROWS = PER_SEGMENT * SEALED + GROWING;
const DELETED = Array.from({ length: 60 }, (_, i) => i * 173 + 5);
const DIM = 8;
const K = 10;
const NAME = 'docs';
const ANALYZER = { type: 'standard', stop_words: ['_english_'] };

const next = prng(2024);
const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'so', 'ta', 'vi', 'ze', 'po', 'qu', 'an'];
const VOCAB = Array.from({ length: 3000 }, (_, i) => {
  let w = '';
  for (let n = i + 7; n > 0; n = Math.floor(n / syllables.length)) w += syllables[n % syllables.length];
  return w;
});
/** Zipf-like: a few words are in most documents, most words in few. */
const word = () => VOCAB[Math.floor(VOCAB.length * next() ** 2.2)]!;
const filler = ['The', 'and', 'of', 'IS', 'a', 'to'];
function documentText(): string {
  const n = 3 + Math.floor(next() * 60);
  return Array.from({ length: n }, () => (next() < 0.2 ? filler[Math.floor(next() * filler.length)]! : word()))
    .map((w) => (next() < 0.1 ? w.toUpperCase() : w))
    .join(next() < 0.5 ? ' ' : ', ');
}
const texts = Array.from({ length: ROWS }, documentText);
const vectors = Array.from({ length: ROWS }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
const deleted = new Set(DELETED);
const live = Array.from({ length: ROWS }, (_, id) => id).filter((id) => !deleted.has(id));

const terms = referenceTerms;
const bm25 = referenceBm25(texts, live);

const QUERIES = [
  `${VOCAB[3]} ${VOCAB[40]} ${VOCAB[900]}`,
  `The ${VOCAB[1500]!.toUpperCase()} and ${VOCAB[12]}`,
  `${VOCAB[0]} ${VOCAB[0]} ${VOCAB[2999]}`,
  `${VOCAB[250]}, ${VOCAB[251]}; ${VOCAB[252]}!`,
  `${VOCAB[77]}`,
];

type Hit = { id: string; score: number };

/** The hits are the reference's best K: the same scores in order (1e-5 relative), each id's own score, the same ids where scores do not tie at the cut. */
function expectBest(got: Hit[], want: { id: number; score: number }[]): void {
  const best = want.slice(0, K);
  expect(got).toHaveLength(best.length);
  got.forEach((h, i) => {
    expect(Math.abs(h.score - best[i]!.score)).toBeLessThanOrEqual(1e-5 * best[i]!.score);
    const own = want.find((w) => w.id === Number(h.id))!;
    expect(Math.abs(h.score - own.score)).toBeLessThanOrEqual(1e-5 * own.score);
  });
  const cutTies = want.length > K && Math.abs(want[K - 1]!.score - want[K]!.score) <= 1e-5 * want[K]!.score;
  if (!cutTies) expect(new Set(got.map((h) => Number(h.id)))).toEqual(new Set(best.map((w) => w.id)));
}

const cluster = new TestCluster();
let writerClient: MilvusClient;

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
      { name: 'r3', group: 'g3' },
    ],
    PER_SEGMENT,
  );
  const client = cluster.client;
  const created = await client.createCollection({
    collection_name: NAME,
    consistency_level: 'Strong',
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      {
        name: 'text',
        data_type: DataType.VarChar,
        max_length: 2048,
        enable_analyzer: true,
        enable_match: true,
        analyzer_params: ANALYZER,
      },
      { name: 'sparse', data_type: DataType.SparseFloatVector },
      { name: 'dense', data_type: DataType.FloatVector, dim: DIM },
    ],
    functions: [{ name: 'text_bm25', type: FunctionType.BM25, input_field_names: ['text'], output_field_names: ['sparse'], params: {} }],
  });
  expect(created.error_code).toBe('Success');
  for (const [field, index_type, metric_type] of [
    ['dense', 'FLAT', 'L2'],
    ['sparse', 'SPARSE_INVERTED_INDEX', 'BM25'],
  ] as const) {
    const indexed = await client.createIndex({ collection_name: NAME, field_name: field, index_type, metric_type });
    expect(indexed.error_code).toBe('Success');
  }
  await client.loadCollectionSync({ collection_name: NAME });
  const rows = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => ({ id: from + i, text: texts[from + i]!, dense: vectors[from + i]! }));
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
    const all = [...held.values()].flat();
    return new Set(all).size === SEALED && [...held.values()].every((ids) => ids.length > 0);
  });
  writerClient = await connectSdk(cluster.writer.addresses.grpc!);
}, 300_000);

afterAll(async () => {
  await writerClient?.closeConnection();
  await cluster.stop();
});

/** One text query's search of the BM25 output (its hits as `results`). */
async function textSearch(client: MilvusClient, query: string, extra: Record<string, unknown> = {}) {
  const res = await client.search({
    collection_name: NAME,
    data: [query],
    anns_field: 'sparse',
    limit: K,
    output_fields: ['text'],
    ...extra,
  });
  return { status: res.status, results: res.results as unknown as (Hit & { text: string })[] };
}

describe('BM25 search', () => {
  it('describes the function and its output field as Milvus does', async () => {
    const d: any = await cluster.client.describeCollection({ collection_name: NAME });
    expect(d.schema.functions).toEqual([
      expect.objectContaining({ name: 'text_bm25', type: 'BM25', input_field_names: ['text'], output_field_names: ['sparse'] }),
    ]);
    const sparse = d.schema.fields.find((f: any) => f.name === 'sparse');
    expect(sparse.is_function_output).toBe(true);
    const text = d.schema.fields.find((f: any) => f.name === 'text');
    expect(text.type_params).toEqual(
      expect.arrayContaining([
        { key: 'enable_analyzer', value: 'true' },
        { key: 'enable_match', value: 'true' },
        { key: 'analyzer_params', value: JSON.stringify(ANALYZER) },
      ]),
    );
  });

  it.each(QUERIES)('over three reader groups and the writer equals a BM25 of every live document: %s', async (query) => {
    const res = await textSearch(cluster.client, query);
    expect(res.status.error_code).toBe('Success');
    expectBest(res.results as Hit[], bm25(query));
    for (const h of res.results as (Hit & { text: string })[]) expect(h.text).toBe(texts[Number(h.id)]);
  });

  it('equals the answer of the writer alone, which holds every row', async () => {
    for (const query of QUERIES) {
      const coordinator = (await textSearch(cluster.client, query)).results as Hit[];
      const alone = await textSearch(writerClient, query);
      expect(alone.status.error_code).toBe('Success');
      const one = alone.results as Hit[];
      expect(coordinator.map((h) => h.id)).toEqual(one.map((h) => h.id));
      coordinator.forEach((h, i) => {
        expect(Math.abs(h.score - one[i]!.score)).toBeLessThanOrEqual(1e-5 * one[i]!.score);
      });
    }
  });

  it('takes bm25_k1 and bm25_b, nq > 1 and a filter (statistics stay those of every row)', async () => {
    const res = await cluster.client.search({
      collection_name: NAME,
      data: [QUERIES[0]!, QUERIES[3]!],
      anns_field: 'sparse',
      limit: K,
      params: { bm25_k1: 2, bm25_b: 0.3 },
      filter: 'id % 2 == 0',
    });
    expect(res.status.error_code).toBe('Success');
    const [first, second] = res.results as unknown as Hit[][];
    expectBest(
      first!,
      bm25(QUERIES[0]!, 2, 0.3).filter((h) => h.id % 2 === 0),
    );
    expectBest(
      second!,
      bm25(QUERIES[3]!, 2, 0.3).filter((h) => h.id % 2 === 0),
    );
  });

  it('finds nothing for a query of stop words only', async () => {
    const res = await textSearch(cluster.client, 'The and OF');
    expect(res.status.error_code).toBe('Success');
    expect(res.results).toEqual([]);
  });

  it("refuses another metric and the function's output in output fields, with Milvus's messages", async () => {
    const metric = await textSearch(cluster.client, QUERIES[0]!, { metric_type: 'IP' });
    expect(metric.status.reason).toBe('must use BM25 metric type when searching against BM25 Function output field');
    const output = await cluster.client.query({ collection_name: NAME, filter: 'id < 3', output_fields: ['id', 'sparse'] });
    expect(output.status.reason).toBe('not allowed to retrieve raw data of field sparse');
    const all: any = await cluster.client.query({ collection_name: NAME, filter: 'id < 3', output_fields: ['*'] });
    expect(Object.keys(all.data[0]).sort()).toEqual(['dense', 'id', 'text']);
    const index = await cluster.client.createIndex({
      collection_name: NAME,
      field_name: 'sparse',
      index_type: 'SPARSE_WAND',
      metric_type: 'IP',
    });
    expect(index.reason).toBe('index metric type of BM25 function output field must be BM25, got IP');
    const k1 = await cluster.client.createIndex({
      collection_name: NAME,
      field_name: 'sparse',
      index_type: 'SPARSE_INVERTED_INDEX',
      metric_type: 'BM25',
      params: { bm25_k1: 1.5 },
    });
    expect([k1.code, k1.reason]).toEqual([10, expect.stringContaining("pass bm25_k1 in each search's params")]);
  });
});

describe('hybrid search of BM25 and dense results', () => {
  const denseQuery = vectors[4242]!.map((x) => x * 0.9);
  const requests = (query: string) => [
    { data: query, anns_field: 'sparse', limit: K, params: {} },
    { data: denseQuery, anns_field: 'dense', limit: K, params: {} },
  ];
  const l2 = (v: number[]) => v.reduce((s, x, j) => s + (x - denseQuery[j]!) ** 2, 0);
  const denseBest = () =>
    live
      .map((id) => ({ id, score: l2(vectors[id]!) }))
      .sort((a, b) => a.score - b.score)
      .slice(0, K);

  /** Milvus's fusion of the two lists (RRF, or weighted with normalized scores). */
  function fused(query: string, ranker: { rrf: number } | { weights: [number, number] }): Map<number, number> {
    const lists = [bm25(query).slice(0, K), denseBest()];
    const norm = [(s: number) => (2 * Math.atan(s)) / Math.PI, (d: number) => 1 - (2 * Math.atan(d)) / Math.PI];
    const out = new Map<number, number>();
    lists.forEach((list, l) => {
      list.forEach((h, rank) => {
        const add = 'rrf' in ranker ? 1 / (ranker.rrf + rank + 1) : ranker.weights[l]! * norm[l]!(h.score);
        out.set(h.id, (out.get(h.id) ?? 0) + add);
      });
    });
    return out;
  }

  function expectFused(got: Hit[], want: Map<number, number>): void {
    const best = [...want].sort((a, b) => b[1] - a[1]).slice(0, K);
    expect(got.map((h) => h.score)).toEqual(best.map(([, s]) => expect.closeTo(s, 5)));
    for (const h of got) expect(h.score).toBeCloseTo(want.get(Number(h.id))!, 5);
  }

  it('fuses with RRF', async () => {
    const res = await cluster.client.hybridSearch({
      collection_name: NAME,
      data: requests(QUERIES[1]!),
      rerank: RRFRanker(60),
      limit: K,
      output_fields: ['text'],
    });
    expect(res.status.error_code).toBe('Success');
    expectFused(res.results as Hit[], fused(QUERIES[1]!, { rrf: 60 }));
  });

  it('fuses with Weighted, each list normalized by its own metric', async () => {
    const res = await cluster.client.hybridSearch({
      collection_name: NAME,
      data: requests(QUERIES[2]!),
      rerank: WeightedRanker([0.7, 0.3]),
      limit: K,
    });
    expect(res.status.error_code).toBe('Success');
    expectFused(res.results as Hit[], fused(QUERIES[2]!, { weights: [0.7, 0.3] }));
    const alone = await writerClient.hybridSearch({
      collection_name: NAME,
      data: requests(QUERIES[2]!),
      rerank: WeightedRanker([0.7, 0.3]),
      limit: K,
    });
    expect((alone.results as Hit[]).map((h) => h.id)).toEqual((res.results as Hit[]).map((h) => h.id));
  });
});

describe('text_match', () => {
  const matches = (query: string) => {
    const wanted = new Set(terms(query));
    return live.filter((id) => terms(texts[id]!).some((t) => wanted.has(t)));
  };

  it.each([`${VOCAB[1200]} ${VOCAB[2500]}`, `${VOCAB[30]}`, 'the and of'])('equals a scan of every live document: %s', async (query) => {
    const res = await cluster.client.query({ collection_name: NAME, filter: `text_match(text, '${query}')`, output_fields: ['id'] });
    expect(res.status.error_code).toBe('Success');
    expect(res.data.map((r: any) => Number(r.id)).sort((a, b) => a - b)).toEqual(matches(query));
  });

  it('filters a BM25 search', async () => {
    const filter = `${VOCAB[5]}`;
    const res = await textSearch(cluster.client, QUERIES[0]!, { filter: `text_match(text, '${filter}')` });
    expect(res.status.error_code).toBe('Success');
    const allowed = new Set(matches(filter));
    expectBest(
      res.results as Hit[],
      bm25(QUERIES[0]!).filter((h) => allowed.has(h.id)),
    );
  });
});

describe('RunAnalyzer', () => {
  it("tokenizes with the params given or the field's analyzer, with offsets and the BM25 function's hashes", async () => {
    const res: any = await cluster.client.runAnalyzer({
      text: ['The Quick fox, the END'],
      analyzer_params: ANALYZER,
      with_detail: true,
      with_hash: true,
    });
    expect(res.status.error_code).toBe('Success');
    expect(
      res.results[0].tokens.map((t: any) => [t.token, Number(t.start_offset), Number(t.end_offset), Number(t.position), t.hash]),
    ).toEqual([
      ['quick', 4, 9, 1, crc32('quick')],
      ['fox', 10, 13, 2, crc32('fox')],
      ['end', 19, 22, 4, crc32('end')],
    ]);
    const byField: any = await cluster.client.runAnalyzer({ text: 'Is THIS it', collection_name: NAME, field_name: 'text' });
    expect(byField.results[0].tokens.map((t: any) => t.token)).toEqual([]);
    const bad: any = await cluster.client.runAnalyzer({ text: 'x', analyzer_params: { tokenizer: 'klingon' } });
    expect(bad.status.reason).toBe('create analyzer failed: unsupported tokenizer: klingon');
  });
});
