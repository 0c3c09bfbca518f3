import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Embeddings } from '@langchain/core/embeddings';
import { Document } from '@langchain/core/documents';
import { Milvus } from '@langchain/community/vectorstores/milvus';
import type { TestCluster } from '../harness/cluster.js';
import { score } from '../harness/reference.js';
import { keywordVector } from './keyword-vectors.js';
import { startTwoGroupCluster, untilBothGroupsServe } from './two-groups.js';

/**
 * LangChain.js's Milvus vector store (@langchain/community) pointed at the coordinator of a
 * cluster with two reader groups, as a user would: one `url`. Embeddings are keyword counts
 * (keyword-vectors.ts), so every expected answer is known.
 */
const VOCABULARY = ['apple', 'banana', 'cherry', 'carrot', 'kale', 'salmon'] as const;

class KeywordEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => keywordVector(t, VOCABULARY));
  }
  async embedQuery(text: string): Promise<number[]> {
    return keywordVector(text, VOCABULARY);
  }
}

interface Food extends Record<string, unknown> {
  id: string;
  kind: string;
  year: number;
  origin: { country: string };
}

/** Each text names one vocabulary word, so its vector is one-hot at that word. */
const FOODS: { text: string; metadata: Food }[] = [
  { text: 'An apple a day keeps the doctor away.', metadata: { id: 'apple', kind: 'fruit', year: 2019, origin: { country: 'NZ' } } },
  { text: 'A banana is rich in potassium.', metadata: { id: 'banana', kind: 'fruit', year: 2020, origin: { country: 'EC' } } },
  { text: 'A ripe cherry is dark and sweet.', metadata: { id: 'cherry', kind: 'fruit', year: 2021, origin: { country: 'TR' } } },
  { text: 'A carrot grows underground.', metadata: { id: 'carrot', kind: 'vegetable', year: 2019, origin: { country: 'CN' } } },
  { text: 'Kale is a leafy green.', metadata: { id: 'kale', kind: 'vegetable', year: 2022, origin: { country: 'US' } } },
  { text: 'A salmon swims upstream to spawn.', metadata: { id: 'salmon', kind: 'fish', year: 2020, origin: { country: 'NO' } } },
];
const metadataOf = (id: string) => FOODS.find((f) => f.metadata.id === id)!.metadata;

/** Each word repeated by its rank: the nearest documents are, in order, those of `RANKING`. */
const RANKING = ['apple', 'cherry', 'carrot', 'banana', 'kale', 'salmon'];
const QUERY = RANKING.map((word, i) => `${word} `.repeat(RANKING.length - i)).join('');
/** Seals every 3 rows: each batch of three documents becomes one segment. */
const SEAL_ROWS = 3;
const COLLECTION = 'lc_foods';

let cluster: TestCluster;
let address: string;
const embeddings = new KeywordEmbeddings();
const stores: Milvus[] = [];

const ids = (docs: Document[]) => docs.map((d) => d.metadata.id);

beforeAll(async () => {
  cluster = await startTwoGroupCluster(SEAL_ROWS);
  address = cluster.coordinator.addresses.grpc!;
});

afterAll(async () => {
  for (const s of stores) await s.client.closeConnection();
  await cluster?.stop();
});

describe('a store with string ids from metadata (autoId false: upserts)', () => {
  let store: Milvus;
  /** The primary key is the metadata's `id`, as in LangChain's own Milvus examples. */
  const options = () => ({ collectionName: COLLECTION, url: address, autoId: false, primaryField: 'id' });

  beforeAll(async () => {
    const [first, second] = [FOODS.slice(0, 3), FOODS.slice(3)];
    store = await Milvus.fromTexts(
      first.map((f) => f.text),
      first.map((f) => f.metadata),
      embeddings,
      options(),
    );
    stores.push(store);
    await store.addDocuments(second.map((f) => new Document({ pageContent: f.text, metadata: f.metadata })));
    // LangChain loads the collection on its first search; loading it here lets both segments
    // reach their reader groups first, so every answer below is merged from both.
    await cluster.client.loadCollectionSync({ collection_name: COLLECTION });
    await untilBothGroupsServe(cluster, COLLECTION, 2);
  });

  // The next collection is placed alone (see untilBothGroupsServe).
  afterAll(() => cluster.client.dropCollection({ collection_name: COLLECTION }));

  it('created the collection LangChain describes from the metadata', async () => {
    const desc = await cluster.client.describeCollection({ collection_name: COLLECTION });
    expect(desc.status.error_code).toBe('Success');
    const fields = Object.fromEntries(desc.schema.fields.map((f: any) => [f.name, f.data_type]));
    expect(fields).toEqual({
      kind: 'VarChar',
      year: 'Float',
      origin: 'VarChar',
      id: 'VarChar',
      langchain_text: 'VarChar',
      langchain_vector: 'FloatVector',
    });
    const count = await cluster.client.count({ collection_name: COLLECTION });
    expect(count.data).toBe(FOODS.length);
  });

  it('answers similaritySearch with the nearest documents, metadata restored', async () => {
    const docs = await store.similaritySearch(QUERY, 3);
    expect(ids(docs)).toEqual(['apple', 'cherry', 'carrot']);
    expect(docs[0]!.pageContent).toBe(FOODS[0]!.text);
    // The object metadata round-trips through its JSON string column.
    expect(docs[0]!.metadata).toEqual(metadataOf('apple'));
  });

  it('answers similaritySearchWithScore with the L2 distances', async () => {
    const hits = await store.similaritySearchWithScore(QUERY, 3);
    const q = keywordVector(QUERY, VOCABULARY);
    expect(hits.map(([d]) => d.metadata.id)).toEqual(['apple', 'cherry', 'carrot']);
    for (const [doc, s] of hits) expect(s).toBeCloseTo(score.L2(q, keywordVector(doc.pageContent, VOCABULARY)), 4);
  });

  it('refuses more results than its default search ef (10), as Milvus does', async () => {
    await expect(store.similaritySearch(QUERY, 11)).rejects.toThrow(/ef\(10\) should be larger than k\(11\)/);
  });

  it.each([
    ['kind == "vegetable"', ['carrot', 'kale']],
    ['year >= 2020', ['cherry', 'banana', 'kale', 'salmon']],
    ['kind like "veg%" or year < 2020', ['apple', 'carrot', 'kale']],
    ['id in ["banana", "salmon"]', ['banana', 'salmon']],
    ['origin like "%TR%"', ['cherry']],
  ])('filters with %s', async (filter, want) => {
    expect(ids(await store.similaritySearch(QUERY, 6, filter))).toEqual(want);
  });

  it('reopens the collection with fromExistingCollection', async () => {
    const reopened = await Milvus.fromExistingCollection(embeddings, options());
    stores.push(reopened);
    expect(ids(await reopened.similaritySearch('kale', 1))).toEqual(['kale']);
  });

  it('deletes by ids and by filter', async () => {
    await store.delete({ ids: ['apple'] });
    expect(ids(await store.similaritySearch(QUERY, 2))).toEqual(['cherry', 'carrot']);
    await store.delete({ filter: 'kind == "vegetable"' });
    expect(ids(await store.similaritySearch(QUERY, 6))).toEqual(['cherry', 'banana', 'salmon']);
  });
});

describe('a store with generated ids (autoId: inserts)', () => {
  const collection = 'lc_auto';
  let store: Milvus;

  beforeAll(async () => {
    store = new Milvus(embeddings, { collectionName: collection, url: address });
    stores.push(store);
    const docs = FOODS.map(({ text, metadata: { kind, year } }) => new Document({ pageContent: text, metadata: { kind, year } }));
    await store.addDocuments(docs.slice(0, 3));
    await store.addDocuments(docs.slice(3));
    await cluster.client.loadCollectionSync({ collection_name: collection });
    await untilBothGroupsServe(cluster, collection, 2);
  });

  it('searches and deletes by the generated primary keys', async () => {
    const hits = await store.similaritySearch(QUERY, 2);
    expect(hits.map((d) => d.pageContent)).toEqual([FOODS[0]!.text, FOODS[2]!.text]);
    const keys = hits.map((d) => d.metadata.langchain_primaryid);
    expect(keys.every((k) => /^\d+$/.test(String(k)))).toBe(true);
    await store.delete({ ids: keys });
    const after = await store.similaritySearch(QUERY, 1);
    expect(after.map((d) => d.pageContent)).toEqual([FOODS[3]!.text]);
  });
});
