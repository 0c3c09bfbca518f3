import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseEmbedding } from '@llamaindex/core/embeddings';
import { NodeRelationship, TextNode, type BaseNode } from '@llamaindex/core/schema';
import { VectorStoreQueryMode, type MetadataFilters } from '@llamaindex/core/vector-store';
import { MilvusVectorStore } from '@llamaindex/milvus';
import type { TestCluster } from '../harness/cluster.js';
import { score } from '../harness/reference.js';
import { keywordVector } from './keyword-vectors.js';
import { startTwoGroupCluster, untilBothGroupsServe } from './two-groups.js';

/**
 * LlamaIndex.TS's Milvus vector store (@llamaindex/milvus) pointed at the coordinator of a
 * cluster with two reader groups, as a user would: one address. Embeddings are keyword counts
 * (keyword-vectors.ts) and the store is queried directly with a query embedding, so no model
 * is called and every expected answer is known.
 */
const VOCABULARY = ['rust', 'go', 'python', 'typescript', 'haskell', 'ocaml'] as const;
/** The store creates its collection with this dimension, whatever the embedding model. */
const DIM = 1536;

class KeywordEmbedding extends BaseEmbedding {
  // biome-ignore lint/complexity/noUselessConstructor: BaseEmbedding's constructor is protected; this one is public
  constructor() {
    super();
  }
  async getTextEmbedding(text: string): Promise<number[]> {
    return keywordVector(text, VOCABULARY, DIM);
  }
}

/** One node per language, two per source document; each text names one vocabulary word. */
const LANGUAGES = [
  { id: 'rust', doc: 'doc-systems', family: 'systems', year: 2015, text: 'Rust checks ownership at compile time.' },
  { id: 'go', doc: 'doc-systems', family: 'systems', year: 2012, text: 'Go runs goroutines on a few threads.' },
  { id: 'python', doc: 'doc-scripting', family: 'scripting', year: 1991, text: 'Python reads like pseudocode.' },
  { id: 'typescript', doc: 'doc-scripting', family: 'scripting', year: 2012, text: 'TypeScript adds types to JavaScript.' },
  { id: 'haskell', doc: 'doc-functional', family: 'functional', year: 1990, text: 'Haskell is lazy and pure.' },
  { id: 'ocaml', doc: 'doc-functional', family: 'functional', year: 1996, text: 'OCaml infers the types of programs.' },
];

/** Each word repeated by its rank: the most similar nodes are, in order, those of `RANKING`. */
const RANKING = ['rust', 'typescript', 'python', 'go', 'haskell', 'ocaml'];
const QUERY = RANKING.map((word, i) => `${word} `.repeat(RANKING.length - i)).join('');
/** Seals every 3 rows: each batch of three nodes becomes one segment. */
const SEAL_ROWS = 3;
const COLLECTION = 'li_languages';

let cluster: TestCluster;
let store: MilvusVectorStore;
const embedding = new KeywordEmbedding();
const queryEmbedding = keywordVector(QUERY, VOCABULARY, DIM);

function nodesOf(languages: typeof LANGUAGES): TextNode[] {
  return languages.map(
    ({ id, doc, family, year, text }) =>
      new TextNode({
        id_: id,
        text,
        metadata: { family, year },
        relationships: { [NodeRelationship.SOURCE]: { nodeId: doc, metadata: {} } },
      }),
  );
}

/** The ids of the `topK` nodes most similar to the query that pass `filters`. */
async function queryIds(topK: number, filters?: MetadataFilters): Promise<string[]> {
  const res = await store.query({ queryEmbedding, similarityTopK: topK, mode: VectorStoreQueryMode.DEFAULT, filters });
  return res.ids;
}

beforeAll(async () => {
  cluster = await startTwoGroupCluster(SEAL_ROWS);
  store = new MilvusVectorStore({
    // The SDK the store brings logs every request unless told otherwise.
    params: { configOrAddress: { address: cluster.coordinator.addresses.grpc!, logLevel: 'error' } },
    collection: COLLECTION,
    embedModel: embedding,
  });
});

afterAll(async () => {
  await store?.client().closeConnection();
  await cluster?.stop();
});

describe('MilvusVectorStore', () => {
  it('creates, loads and fills its collection, one batch of embedded nodes at a time', async () => {
    for (const batch of [LANGUAGES.slice(0, 3), LANGUAGES.slice(3)]) {
      const nodes = (await embedding(nodesOf(batch))) as BaseNode[];
      expect(await store.add(nodes)).toEqual(batch.map((l) => l.id));
    }
    const desc = await cluster.client.describeCollection({ collection_name: COLLECTION });
    expect(desc.schema.fields.map((f: any) => [f.name, f.data_type])).toEqual([
      ['id', 'VarChar'],
      ['embedding', 'FloatVector'],
      ['content', 'VarChar'],
      ['metadata', 'JSON'],
    ]);
    // The store loads the collection before its first insert: both sealed segments reach readers.
    await untilBothGroupsServe(cluster, COLLECTION, 2);
  });

  it('answers a query embedding with the most similar nodes, their cosine similarities and the nodes restored', async () => {
    const res = await store.query({ queryEmbedding, similarityTopK: 3, mode: VectorStoreQueryMode.DEFAULT });
    expect(res.ids).toEqual(['rust', 'typescript', 'python']);
    const vectorOf = (id: string) => keywordVector(LANGUAGES.find((l) => l.id === id)!.text, VOCABULARY, DIM);
    expect(res.similarities).toHaveLength(3);
    for (const [i, s] of res.similarities.entries()) expect(s).toBeCloseTo(score.COSINE(queryEmbedding, vectorOf(res.ids[i]!)), 4);
    const rust = res.nodes![0] as TextNode;
    expect(rust.id_).toBe('rust');
    expect(rust.getText()).toBe(LANGUAGES[0]!.text);
    expect(rust.metadata).toEqual({ family: 'systems', year: 2015 });
    expect(rust.sourceNode?.nodeId).toBe('doc-systems');
  });

  it.each<[string, MetadataFilters, string[]]>([
    ['EQ', { filters: [{ key: 'family', value: 'functional', operator: '==' }] }, ['haskell', 'ocaml']],
    // The store quotes every EQ value, and a JSON number never equals a string, as in Milvus.
    ['EQ on a number', { filters: [{ key: 'year', value: 2012, operator: '==' }] }, []],
    ['NE', { filters: [{ key: 'family', value: 'systems', operator: '!=' }] }, ['typescript', 'python', 'haskell', 'ocaml']],
    ['IN', { filters: [{ key: 'family', value: ['systems', 'functional'], operator: 'in' }] }, ['rust', 'go', 'haskell', 'ocaml']],
    ['NIN', { filters: [{ key: 'family', value: ['systems', 'scripting'], operator: 'nin' }] }, ['haskell', 'ocaml']],
    ['GT', { filters: [{ key: 'year', value: 2012, operator: '>' }] }, ['rust']],
    ['GTE', { filters: [{ key: 'year', value: 2012, operator: '>=' }] }, ['rust', 'typescript', 'go']],
    ['LT', { filters: [{ key: 'year', value: 1991, operator: '<' }] }, ['haskell']],
    ['LTE', { filters: [{ key: 'year', value: 1991, operator: '<=' }] }, ['python', 'haskell']],
    [
      'AND',
      {
        filters: [
          { key: 'family', value: 'scripting', operator: '==' },
          { key: 'year', value: 2000, operator: '>' },
        ],
        condition: 'and',
      },
      ['typescript'],
    ],
    [
      'OR',
      {
        filters: [
          { key: 'family', value: 'functional', operator: '==' },
          { key: 'year', value: 2015, operator: '>=' },
        ],
        condition: 'or',
      },
      ['rust', 'haskell', 'ocaml'],
    ],
  ])('filters on metadata with %s', async (_name, filters, want) => {
    expect(await queryIds(LANGUAGES.length, filters)).toEqual(want);
  });

  it('deletes every node of a source document when the delete options filter on its ref_doc_id', async () => {
    // delete(refDocId) alone deletes the primary key refDocId (next test). The options are
    // spread into the SDK's Delete request, where a filter replaces the ids; their type
    // (Omit<DeleteReq, 'ids'> of a union) leaves `filter` out, hence the cast.
    const byRefDoc = { collection_name: COLLECTION, filter: 'metadata["ref_doc_id"] == "doc-functional"' } as Parameters<
      MilvusVectorStore['delete']
    >[1];
    await store.delete('doc-functional', byRefDoc);
    expect(await queryIds(LANGUAGES.length)).toEqual(['rust', 'typescript', 'python', 'go']);
  });

  it('deletes the node whose id it is given otherwise (a document added whole is its own ref doc)', async () => {
    await store.delete('go');
    expect(await queryIds(LANGUAGES.length)).toEqual(['rust', 'typescript', 'python']);
  });
});
