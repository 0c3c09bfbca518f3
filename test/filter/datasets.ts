/** The datasets of the filter tests: every column type, nulls, dynamic keys, client shapes. */
import type { ColumnMap } from '../../core/columns.js';
import { DataType, type CollectionSchema } from '../../core/schema.js';
import { batchOf, field, schemaOf, type Row } from './fixtures.js';

const basicFields = [
  field('id', DataType.Int64, { isPrimaryKey: true }),
  field('age', DataType.Int32),
  field('score', DataType.Double),
  field('f32', DataType.Float),
  field('name', DataType.VarChar, { maxLength: 64 }),
  field('flag', DataType.Bool),
  field('tags', DataType.Array, { elementType: DataType.VarChar, maxCapacity: 8 }),
  field('nums', DataType.Array, { elementType: DataType.Int64, maxCapacity: 8 }),
  field('meta', DataType.JSON),
  field('vec', DataType.FloatVector, { dim: 2 }),
];

const basicRows: Row[] = [
  {
    id: 1,
    age: 10,
    score: 1.5,
    f32: 0.1,
    name: 'alice',
    flag: true,
    tags: ['a', 'b'],
    nums: [1, 2, 3],
    meta: { a: 1, b: 'x', arr: [1, 2, 3], nested: { k: 'v' }, f: 1.5 },
    color: 'red',
    size: 1,
  },
  {
    id: 2,
    age: 20,
    score: 2.5,
    f32: 0.2,
    name: 'bob',
    flag: false,
    tags: ['b'],
    nums: [4],
    meta: { a: 2, b: 'y', arr: [4], nested: { k: 'w' } },
    color: 'blue',
    size: '1',
  },
  { id: 3, age: 30, score: -1, f32: 0.3, name: 'carol', flag: true, tags: [], nums: [], meta: { a: '1', arr: [], n: null } },
  {
    id: 4,
    age: 40,
    score: 0,
    f32: 1.0,
    name: 'dave_x',
    flag: false,
    tags: ['c', 'a'],
    nums: [5, 6],
    meta: { a: 1.0, b: 'x', arr: [[1, 2], 3], nested: { k: null } },
    color: 'red',
    size: 2.5,
  },
  {
    id: 9007199254740993n,
    age: -5,
    score: 100,
    f32: -0.5,
    name: 'Eve%',
    flag: true,
    tags: ['x'],
    nums: [9],
    meta: null,
    color: 'green',
    n: null,
  },
  { id: -1, age: 0, score: 3.25, f32: 2.5, name: '', flag: false, tags: ['a'], nums: [1], meta: { b: true, a: [1, 2] }, size: 1 },
];

const stringRows: Row[] = ["it's", 'say "hi"', 'tab\there', 'back\\slash', '中文', 'new\nline', 'emoji 😀', 'A', '😀'].map((s, i) => ({
  id: i,
  s,
}));

const nullableRows: Row[] = [
  { id: 1, n: 1, s: 'a', j: { k: 1 }, b: true },
  { id: 2, n: null, s: 'b', j: null, b: false },
  { id: 3, n: 3, s: null, j: { k: null }, b: null },
  { id: 4, n: null, s: null, j: {}, b: null },
];

// LlamaIndex.TS keeps node metadata in one JSON field and deletes by VarChar id.
const llamaRows: Row[] = [
  { id: 'n1', content: 'one', metadata: { author: 'Ann', year: 2001, tag: 'a', private: false, tags: ['x', 'y'] } },
  { id: 'n2', content: 'two', metadata: { author: 'Ann', year: 1999, tag: 'c' } },
  { id: 'n3', content: 'three', metadata: { author: 'Bob', year: 2005, tag: 'b' } },
  { id: 'n4', content: 'four', metadata: { author: 'Bob', year: '2005', tag: 'd', private: true } },
  { id: 'n5', content: 'five', metadata: {} },
];

// LangChain.js: auto-id Int64 key, metadata keys as fields (or dynamic keys).
const langchainRows: Row[] = [
  { langchain_primaryid: 449, langchain_text: 'alpha', source: 'a.pdf', page: 1, lang: 'en' },
  { langchain_primaryid: 450, langchain_text: 'beta', source: 'b.pdf', page: 2, lang: 'de' },
  { langchain_primaryid: 451, langchain_text: 'gamma', source: 'a.pdf', page: 3 },
];

export const datasets: Record<string, { schema: CollectionSchema; batch: ColumnMap }> = {};
function dataset(key: string, schema: CollectionSchema, rows: Row[]): void {
  datasets[key] = { schema, batch: batchOf(schema, rows) };
}
dataset('basic', schemaOf(basicFields, true), basicRows);
dataset('static', schemaOf(basicFields, false), basicRows);
dataset('strings', schemaOf([field('id', DataType.Int64, { isPrimaryKey: true }), field('s', DataType.VarChar)]), stringRows);
dataset(
  'nullable',
  schemaOf([
    field('id', DataType.Int64, { isPrimaryKey: true }),
    field('n', DataType.Int64, { nullable: true }),
    field('s', DataType.VarChar, { nullable: true }),
    field('j', DataType.JSON, { nullable: true }),
    field('b', DataType.Bool, { nullable: true }),
  ]),
  nullableRows,
);
dataset(
  'llama',
  schemaOf([
    field('id', DataType.VarChar, { isPrimaryKey: true, maxLength: 64 }),
    field('content', DataType.VarChar),
    field('metadata', DataType.JSON),
    field('embedding', DataType.FloatVector, { dim: 2 }),
  ]),
  llamaRows,
);
dataset(
  'langchain',
  schemaOf(
    [
      field('langchain_primaryid', DataType.Int64, { isPrimaryKey: true, autoId: true }),
      field('langchain_text', DataType.VarChar),
      field('langchain_vector', DataType.FloatVector, { dim: 2 }),
      field('source', DataType.VarChar),
      // LangChain.js creates number metadata as Float fields.
      field('page', DataType.Float),
    ],
    true,
  ),
  langchainRows,
);
