/**
 * Table-driven filter test: each case is (dataset, expression, expected matching rows or
 * expected error kind[, template values]). The datasets hold every column type, nulls,
 * dynamic keys and the metadata shapes LangChain.js and LlamaIndex.TS write.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnMap } from '../../core/columns.js';
import { DataType, type CollectionSchema } from '../../core/schema.js';
import { compileFilter, FilterError, type FilterErrorKind } from '../../filter/index.js';
import { batchOf, field, matching, schemaOf, type Row } from './fixtures.js';

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
  { id: 1, age: 10, score: 1.5, f32: 0.1, name: 'alice', flag: true, tags: ['a', 'b'], nums: [1, 2, 3], meta: { a: 1, b: 'x', arr: [1, 2, 3], nested: { k: 'v' }, f: 1.5 }, color: 'red', size: 1 },
  { id: 2, age: 20, score: 2.5, f32: 0.2, name: 'bob', flag: false, tags: ['b'], nums: [4], meta: { a: 2, b: 'y', arr: [4], nested: { k: 'w' } }, color: 'blue', size: '1' },
  { id: 3, age: 30, score: -1, f32: 0.3, name: 'carol', flag: true, tags: [], nums: [], meta: { a: '1', arr: [], n: null } },
  { id: 4, age: 40, score: 0, f32: 1.0, name: 'dave_x', flag: false, tags: ['c', 'a'], nums: [5, 6], meta: { a: 1.0, b: 'x', arr: [[1, 2], 3], nested: { k: null } }, color: 'red', size: 2.5 },
  { id: 9007199254740993n, age: -5, score: 100, f32: -0.5, name: 'Eve%', flag: true, tags: ['x'], nums: [9], meta: null, color: 'green', n: null },
  { id: -1, age: 0, score: 3.25, f32: 2.5, name: '', flag: false, tags: ['a'], nums: [1], meta: { b: true, a: [1, 2] }, size: 1 },
];

const stringRows: Row[] = ["it's", 'say "hi"', 'tab\there', 'back\\slash', '中文', 'new\nline', 'emoji 😀', 'A', '😀'].map(
  (s, i) => ({ id: i, s }),
);

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

// LangChain.js: auto-id Int64 key, metadata as fields or dynamic keys.
const langchainRows: Row[] = [
  { langchain_primaryid: 449, langchain_text: 'alpha', source: 'a.pdf', page: 1, lang: 'en' },
  { langchain_primaryid: 450, langchain_text: 'beta', source: 'b.pdf', page: 2, lang: 'de' },
  { langchain_primaryid: 451, langchain_text: 'gamma', source: 'a.pdf', page: 3 },
];

const datasets: Record<string, { schema: CollectionSchema; batch: ColumnMap }> = {};
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
      field('page', DataType.Int64),
    ],
    true,
  ),
  langchainRows,
);

const ALL6 = [0, 1, 2, 3, 4, 5];
type Case = [dataset: string, expr: string, expected: number[] | FilterErrorKind, templates?: Record<string, unknown>];

const cases: Case[] = [
  // ---- scalar comparisons ----
  ['basic', 'age > 10', [1, 2, 3]],
  ['basic', 'age >= 10', [0, 1, 2, 3]],
  ['basic', 'age < 0', [4]],
  ['basic', 'age <= 0', [4, 5]],
  ['basic', 'age == 20', [1]],
  ['basic', 'age != 20', [0, 2, 3, 4, 5]],
  ['basic', '10 < age', [1, 2, 3]],
  ['basic', '20 == age', [1]],
  ['basic', 'id == 9007199254740993', [4]],
  ['basic', 'id == 9007199254740992', []],
  ['basic', 'id > 9007199254740992', [4]],
  ['basic', 'id < 0', [5]],
  ['basic', 'id == -1', [5]],
  ['basic', 'score > 2', [1, 4, 5]],
  ['basic', 'score == 1.5', [0]],
  ['basic', 'score >= 3', [4, 5]],
  ['basic', 'f32 == 0.1', [0]],
  ['basic', 'f32 > 0.2', [2, 3, 5]],
  ['basic', 'name == "bob"', [1]],
  ['basic', 'name != "bob"', [0, 2, 3, 4, 5]],
  ['basic', 'name > "c"', [2, 3]],
  ['basic', "name == ''", [5]],
  ['basic', 'flag == true', [0, 2, 4]],
  ['basic', 'flag != true', [1, 3, 5]],
  ['basic', 'flag == false', [1, 3, 5]],
  ['basic', 'flag > false', [0, 2, 4]],
  ['basic', 'age == 1.5', 'type_mismatch'],
  ['basic', 'age == 10.0', 'type_mismatch'],
  ['basic', 'name == 1', 'type_mismatch'],
  ['basic', 'flag == 1', 'type_mismatch'],
  ['basic', 'age == "10"', 'type_mismatch'],
  ['basic', 'score == "1.5"', 'type_mismatch'],

  // ---- literal spellings ----
  ['basic', 'age == 0x14', [1]],
  ['basic', 'age == 0X14', [1]],
  ['basic', 'age == 024', [1]],
  ['basic', 'age == 0b10100', [1]],
  ['basic', 'age == 0', [5]],
  ['basic', 'score == 15e-1', [0]],
  ['basic', 'score == .25e1', [1]],
  ['basic', 'score == 0x1.8p0', [0]],
  ['basic', 'score > 1.', [0, 1, 4, 5]],
  ['basic', 'flag == True', [0, 2, 4]],
  ['basic', 'flag == TRUE', [0, 2, 4]],
  ['basic', 'flag == False', [1, 3, 5]],
  ['static', 'flag == tRUE', 'unknown_field'],
  ['basic', 'age == 9223372036854775807', []],
  ['basic', 'age > -9223372036854775807', ALL6],
  ['basic', 'age == 9223372036854775808', 'invalid_literal'],
  ['basic', 'age == -9223372036854775808', 'invalid_literal'],
  ['basic', 'id == -9223372036854775807 - 1', []],
  ['basic', 'age == 08', 'syntax'],
  ['basic', 'score == 1e400', 'invalid_literal'],
  ['basic', 'age==20and name=="bob"', [1]],

  // ---- strings and escapes ----
  ['strings', `s == "it's"`, [0]],
  ['strings', `s == 'it\\'s'`, [0]],
  ['strings', `s == "it\\'s"`, [0]],
  ['strings', `s == 'say "hi"'`, [1]],
  ['strings', `s == "say \\"hi\\""`, [1]],
  ['strings', 's == "tab\\there"', [2]],
  ['strings', 's == "back\\\\slash"', [3]],
  ['strings', 's == r"back\\slash"', [3]],
  ['strings', 's == "\\u4e2d\\u6587"', [4]],
  ['strings', 's == "中文"', [4]],
  ['strings', 's == "\\xe4\\xb8\\xad\\xe6\\x96\\x87"', [4]],
  ['strings', 's == "new\\nline"', [5]],
  ['strings', 's == "emoji \\U0001F600"', [6]],
  ['strings', 's == "\\x41"', [7]],
  ['strings', 's == "\\101"', [7]],
  ['strings', `s in ["A", 'it\\'s']`, [0, 7]],
  ['strings', 's > "中"', [4, 8]],
  ['strings', 's > "\\uffff"', [8]],
  ['strings', 's < "\\uffff"', [0, 1, 2, 3, 4, 5, 6, 7]],
  ['strings', 's == "\\q"', 'invalid_literal'],
  ['strings', 's == "\\x4"', 'invalid_literal'],
  ['strings', 's == "\\1"', 'invalid_literal'],
  ['strings', 's == "\\ud800"', 'invalid_literal'],
  ['strings', 's == "unterminated', 'syntax'],
  ['strings', 's == "line\nbreak"', 'syntax'],

  // ---- like ----
  ['basic', 'name like "a%"', [0]],
  ['basic', 'name like "%e"', [0]],
  ['basic', 'name like "%o%"', [1, 2]],
  ['basic', 'name like "%a%"', [0, 2, 3]],
  ['basic', 'name like "b_b"', [1]],
  ['basic', 'name like "_ob"', [1]],
  ['basic', 'name like "bo_"', [1]],
  ['basic', 'name like "b_"', []],
  ['basic', 'name like "%"', ALL6],
  ['basic', 'name like ""', [5]],
  ['basic', 'name like "dave\\\\_x"', [3]],
  ['basic', 'name like "dave_x"', [3]],
  ['basic', 'name like "Eve\\\\%"', [4]],
  ['basic', 'name like "%\\\\%"', [4]],
  ['basic', 'name like "a%e"', [0]],
  ['basic', 'name like "c%r%l"', [2]],
  ['basic', 'name LIKE "B%"', []],
  ['strings', 's like "%😀"', [6, 8]],
  ['strings', 's like "emoji _"', [6]],
  ['strings', 's like "_"', [7, 8]],
  ['basic', 'age like "1%"', 'type_mismatch'],
  ['basic', 'name like 1', 'type_mismatch'],
  ['basic', 'meta["b"] like "x%"', [0, 3]],

  // ---- precedence ----
  ['basic', 'flag == false and age > 10 or name == "alice"', [0, 1, 3]],
  ['basic', 'flag == false and (age > 10 or name == "alice")', [1, 3]],
  ['basic', 'name == "alice" or flag == false and age > 10', [0, 1, 3]],
  ['basic', 'not age > 10', 'type_mismatch'],
  ['basic', 'not age == 10', 'type_mismatch'],
  ['basic', 'not (age > 10)', [0, 4, 5]],
  ['basic', '!(age > 10)', [0, 4, 5]],
  ['basic', 'not not (age > 10)', [1, 2, 3]],
  ['basic', 'age > 10 && age < 40 || name == "alice"', [0, 1, 2]],
  ['basic', 'age > 10 AND age < 40 OR name == "alice"', [0, 1, 2]],
  ['basic', 'age > 10 And age < 40', 'syntax'],
  ['basic', 'age + 10 * 2 == 30', [0]],
  ['basic', 'age * 2 + 10 == 30', 'unsupported'],
  ['basic', 'score > 2 ** 6', [4]],
  ['basic', '-2 ** 2 == -4', ALL6],
  ['basic', '-2 ** 2 == 4', []],
  ['basic', 'age == 2 ** 3 + 12', 'type_mismatch'],
  ['basic', 'age in [10, 20] == true', 'type_mismatch'],

  // ---- ranges ----
  ['basic', '1 < age < 30', [0, 1]],
  ['basic', '1 <= age <= 30', [0, 1, 2]],
  ['basic', '30 > age > 1', [0, 1]],
  ['basic', '30 >= age >= 10', [0, 1, 2]],
  ['basic', '10 <= age <= 10', [0]],
  ['basic', '"a" < name < "c"', [0, 1]],
  ['basic', '1.5 < score < 3', [1]],
  ['basic', '1.5 <= score < 3', [0, 1]],
  ['basic', '1 < age > 0', 'type_mismatch'],
  ['basic', '40 < age < 10', 'invalid_literal'],
  ['basic', '10 < age < 10', 'invalid_literal'],
  ['basic', '1 < age + 1 < 30', 'type_mismatch'],
  ['basic', '1 < age < 2.5', 'type_mismatch'],
  ['basic', 'false < flag < true', 'type_mismatch'],

  // ---- in / not in ----
  ['basic', 'age in [10, 30]', [0, 2]],
  ['basic', 'age not in [10, 30]', [1, 3, 4, 5]],
  ['basic', 'age NOT IN [10, 30]', [1, 3, 4, 5]],
  ['basic', 'age ! in [10]', [1, 2, 3, 4, 5]],
  ['basic', 'age in []', []],
  ['basic', 'age not in []', ALL6],
  ['basic', 'age in [10,]', [0]],
  ['basic', 'age in [-5, 0]', [4, 5]],
  ['basic', 'age in [5 + 5, 60 / 2]', [0, 2]],
  ['basic', 'name in ["alice", "bob"]', [0, 1]],
  ['basic', 'id in [1, 9007199254740993]', [0, 4]],
  ['basic', 'score in [1.5, 3]', [0]],
  ['basic', 'f32 in [0.1, 2.5]', [0, 5]],
  ['basic', 'flag in [true]', [0, 2, 4]],
  ['basic', 'age in [10, 20.5]', 'type_mismatch'],
  ['basic', 'age in (10, 20)', 'syntax'],
  ['basic', 'age in 10', 'type_mismatch'],
  ['basic', '10 in [10]', 'type_mismatch'],
  ['basic', 'age in [age]', 'type_mismatch'],
  ['basic', 'age not [10]', 'syntax'],
  ['basic', 'age in [1, 2', 'syntax'],

  // ---- JSON paths ----
  ['basic', 'meta["a"] == 1', [0, 3]],
  ['basic', 'meta["a"] == "1"', [2]],
  ['basic', 'meta["a"] != 1', [1, 2, 4, 5]],
  ['basic', 'meta["a"] > 1', [1]],
  ['basic', 'meta["a"] >= 1', [0, 1, 3]],
  ['basic', 'meta["b"] == "x"', [0, 3]],
  ['basic', 'meta["b"] == true', [5]],
  ['basic', 'meta["nested"]["k"] == "v"', [0]],
  ["basic", "meta['nested']['k'] == 'w'", [1]],
  ['basic', 'meta["arr"][0] == 1', [0]],
  ['basic', 'meta["arr"][1] == 3', [3]],
  ['basic', 'meta["arr"] == [1, 2, 3]', [0]],
  ['basic', 'meta["arr"] == []', [2]],
  ['basic', 'meta["arr"] != [4]', [0, 2, 3, 4, 5]],
  ['basic', 'meta["a"] == [1, 2]', [5]],
  ['basic', 'meta["a"] in [1, "1"]', [0, 2, 3]],
  ['basic', 'meta["a"] not in [1]', [1, 2, 4, 5]],
  ['basic', 'meta["missing"] == 1', []],
  ['basic', 'meta["missing"] != 1', ALL6],
  ['basic', 'meta["a"]["b"] == 1', []],
  ['basic', 'meta == 1', []],
  ['basic', 'meta["a"] + 1 == 2', [0, 3]],
  ['basic', 'meta["a"] * 2 > 3', [1]],
  ['basic', 'meta["a"] % 2 == 0', [1]],
  ['basic', '1 < meta["a"] < 3', [1]],
  ['basic', '"a" < meta["b"] <= "x"', [0, 3]],
  ['basic', 'meta["nested"]["k"] is null', [2, 3, 4, 5]],
  ['basic', 'meta["nested"]["k"] is not null', [0, 1]],
  ['basic', 'exists meta["n"]', []],
  ['basic', 'exists meta["nested"]', [0, 1]],
  ['basic', 'exists meta["arr"]', [0, 1, 3]],
  ['basic', 'EXISTS meta["a"]', [0, 1, 2, 3, 5]],
  ['basic', 'not exists meta["nested"]', [2, 3, 4, 5]],
  ['basic', 'meta["a"] < [1]', 'unsupported'],
  ['basic', 'meta[""] == 1', 'invalid_literal'],
  ['basic', 'meta ["a"] == 1', 'syntax'],
  ['basic', 'meta[a] == 1', 'syntax'],
  ['basic', 'meta["a"] > meta["b"]', 'unsupported'],
  ['basic', 'age > meta["a"]', 'unsupported'],
  ['basic', 'age["a"] == 1', 'type_mismatch'],
  ['basic', 'exists age', 'type_mismatch'],
  ['basic', 'exists meta', 'type_mismatch'],

  // ---- dynamic field ----
  ['basic', 'color == "red"', [0, 3]],
  ['basic', '$meta["color"] == "red"', [0, 3]],
  ['basic', 'size == 1', [0, 5]],
  ['basic', 'size == "1"', [1]],
  ['basic', 'size != 1', [1, 2, 3, 4]],
  ['basic', 'size > 2', [3]],
  ['basic', 'unknown_key == 1', []],
  ['basic', 'n is null', ALL6],
  ['basic', 'color in ["red", "green"]', [0, 3, 4]],
  ['basic', 'color like "r%"', [0, 3]],
  ['basic', 'exists color', [0, 1, 3, 4]],
  ['static', 'color == "red"', 'unknown_field'],
  ['static', '$meta["color"] == "red"', 'unknown_field'],
  ['static', 'age == 1 and nosuch > 2', 'unknown_field'],

  // ---- Array fields ----
  ['basic', 'array_contains(tags, "a")', [0, 3, 5]],
  ['basic', 'ARRAY_CONTAINS(tags, "a")', [0, 3, 5]],
  ['basic', 'array_contains_all(tags, ["a", "b"])', [0]],
  ['basic', 'array_contains_any(tags, ["c", "x"])', [3, 4]],
  ['basic', 'array_contains_any(nums, [1, 9])', [0, 4, 5]],
  ['basic', 'array_contains_all(nums, [])', ALL6],
  ['basic', 'array_contains_any(nums, [])', []],
  ['basic', 'array_contains(tags, 1)', 'type_mismatch'],
  ['basic', 'array_contains(nums, 1.5)', 'type_mismatch'],
  ['basic', 'array_contains_all(tags, "a")', 'type_mismatch'],
  ['basic', 'array_length(tags) == 0', [2]],
  ['basic', 'array_length(nums) > 1', [0, 3]],
  ['basic', 'array_length(tags) == 1.5', 'type_mismatch'],
  ['basic', 'array_length(tags) + 1 == 2', 'unsupported'],
  ['basic', 'array_length(1) == 1', 'syntax'],
  ['basic', 'tags[0] == "a"', [0, 5]],
  ['basic', 'nums[1] > 2', [3]],
  ['basic', 'nums[1] != 2', [3]],
  ['basic', 'nums[0] in [4, 9]', [1, 4]],
  ['basic', 'tags[0] like "a%"', [0, 5]],
  ['basic', 'tags == ["a", "b"]', [0]],
  ['basic', 'tags != ["b"]', [0, 2, 3, 4, 5]],
  ['basic', 'tags["a"] == 1', 'type_mismatch'],
  ['basic', 'tags > ["a"]', 'type_mismatch'],
  ['basic', 'nums == []', 'type_mismatch'],
  ['basic', 'json_contains(meta["arr"], 4)', [1]],
  ['basic', 'json_contains(meta["arr"], [1, 2])', [3]],
  ['basic', 'json_contains_any(meta["arr"], [3, 4])', [0, 1, 3]],
  ['basic', 'json_contains_all(meta["arr"], [1, 2])', [0]],
  ['basic', 'JSON_CONTAINS(meta["a"], 1)', [5]],
  ['basic', 'json_contains(age, 1)', 'type_mismatch'],
  ['basic', 'json_contains(tags)', 'syntax'],
  ['basic', 'array_length(meta["arr"]) == 1', [1]],
  ['basic', 'array_length(meta["a"]) == 2', [5]],

  // ---- nulls ----
  ['nullable', 'n == 1', [0]],
  ['nullable', 'n != 1', [2]],
  ['nullable', 'n > 0', [0, 2]],
  ['nullable', 'n == 0', []],
  ['nullable', 's == ""', []],
  ['nullable', 'not (n == 1)', [2]],
  ['nullable', 'n is null', [1, 3]],
  ['nullable', 'n is not null', [0, 2]],
  ['nullable', 'n IS NULL', [1, 3]],
  ['nullable', 'n IS NOT NULL', [0, 2]],
  ['nullable', 'n is  null', 'syntax'],
  ['nullable', 'n Is Null', 'syntax'],
  ['nullable', 'not (n is null)', [0, 2]],
  ['nullable', 'n in [1, 3]', [0, 2]],
  ['nullable', 'n not in [1]', [2]],
  ['nullable', 'n == 1 or s == "b"', [0, 1]],
  ['nullable', 'not (n == 1 or s == "b")', [2]],
  ['nullable', 'not (n == 1 and s == "x")', [0, 1, 2]],
  ['nullable', 's like "%"', [0, 1]],
  ['nullable', 'j["k"] == 1', [0]],
  ['nullable', 'j["k"] != 1', [2, 3]],
  ['nullable', 'j is null', [1]],
  ['nullable', 'j is not null', [0, 2, 3]],
  ['nullable', 'j["k"] is null', [2, 3]],
  ['nullable', 'j["k"] is not null', [0]],
  ['nullable', 'exists j["k"]', [0]],
  ['nullable', 'not (j["k"] == 1)', [2, 3]],
  ['nullable', 'b == true', [0]],
  ['nullable', 'b != true', [1]],
  ['nullable', 'n + 1 == 2', [0]],
  ['nullable', '0 < n < 5', [0, 2]],
  ['nullable', 'n >= id', [0, 2]],
  ['nullable', 'n > id', []],
  ['nullable', 'not (n >= id)', []],
  ['nullable', 'n == s', 'type_mismatch'],

  // ---- templates ----
  ['basic', 'age > {a}', [1, 2, 3], { a: 15 }],
  ['basic', 'age in {list}', [0, 1], { list: [10, 20] }],
  ['basic', 'name == {n}', [1], { n: 'bob' }],
  ['basic', 'id in {ids}', [0, 4], { ids: [1n, 9007199254740993n] }],
  ['basic', 'id in {ids}', [0, 1], { ids: [1, 2] }],
  ['basic', 'score > {x}', [4, 5], { x: 2.5 }],
  ['basic', 'age == { a }', [1], { a: 20 }],
  ['basic', '1 < age < {hi}', [0, 1], { hi: 25 }],
  ['basic', 'flag == {t}', [0, 2, 4], { t: true }],
  ['basic', 'meta["a"] == {v}', [2], { v: '1' }],
  ['basic', 'array_contains_any(tags, {t})', [3], { t: ['c'] }],
  ['basic', 'age > {a} and name like {p}', [1], { a: 0, p: 'b%' }],
  ['basic', 'age > {missing}', 'template', {}],
  ['basic', 'age > {a}', 'template', { a: {} }],
  ['basic', 'age > {a}', 'template', { a: null }],
  ['basic', 'age > {a}', 'template', { a: Number.NaN }],
  ['basic', 'age > {a}', 'type_mismatch', { a: 1.5 }],
  ['basic', 'age in [{a}]', 'template', { a: 1 }],
  ['basic', '{a} + 1 == age', 'template', { a: 1 }],
  ['basic', '{a} == {b}', 'template', { a: 1, b: 1 }],
  ['basic', 'age == {1}', 'syntax', {}],

  // ---- LlamaIndex.TS shapes ----
  ['llama', 'metadata["author"] == "Ann" and metadata["year"] >= 2001 or metadata["tag"] in ["a", "b"]', [0, 2]],
  ['llama', 'id in ["n1","n3"]', [0, 2]],
  ['llama', 'id in ["n1", "n3"]', [0, 2]],
  ['llama', 'id in ["n1"]', [0]],
  ['llama', 'id in [1, 2]', 'type_mismatch'],
  ['llama', 'metadata["author"] == "Ann"', [0, 1]],
  ['llama', "metadata[\"author\"] == 'Ann'", [0, 1]],
  ['llama', 'metadata["author"] != "Ann"', [2, 3, 4]],
  ['llama', 'metadata["year"] > 2000', [0, 2]],
  ['llama', 'metadata["year"] == "2005"', [3]],
  ['llama', 'metadata["year"] >= 2001 and metadata["year"] <= 2005', [0, 2]],
  ['llama', 'metadata["tag"] in ["a", "b"]', [0, 2]],
  ['llama', 'metadata["tag"] not in ["a", "b"]', [1, 3, 4]],
  ['llama', 'metadata["private"] == false', [0]],
  ['llama', 'metadata["private"] != true', [0, 1, 2, 4]],
  ['llama', 'metadata["author"] == "Ann" and metadata["year"] < 2000', [1]],
  ['llama', '(metadata["author"] == "Bob") or (metadata["tag"] == "a")', [0, 2, 3]],
  ['llama', 'metadata["author"] like "A%"', [0, 1]],
  ['llama', 'array_contains(metadata["tags"], "x")', [0]],
  ['llama', 'embedding == 1', 'vector_field'],

  // ---- LangChain.js shapes ----
  ['langchain', 'langchain_primaryid in [449, 450]', [0, 1]],
  ['langchain', 'langchain_primaryid in [449,451]', [0, 2]],
  ['langchain', 'langchain_primaryid in ["449"]', 'type_mismatch'],
  ['langchain', 'langchain_primaryid == 449 or langchain_primaryid == 451', [0, 2]],
  ['langchain', 'source == "a.pdf"', [0, 2]],
  ['langchain', 'source == "a.pdf" and page > 1', [2]],
  ['langchain', 'page in [1, 3]', [0, 2]],
  ['langchain', 'lang == "en"', [0]],
  ['langchain', 'lang != "en"', [1, 2]],
  ['langchain', 'langchain_text like "%a"', [0, 1, 2]],
  ['langchain', 'langchain_vector is null', 'vector_field'],

  // ---- rejected expressions ----
  ['basic', 'age >', 'syntax'],
  ['basic', 'age > 10 and', 'syntax'],
  ['basic', '(age > 10', 'syntax'],
  ['basic', 'age > 10)', 'syntax'],
  ['basic', 'age ==', 'syntax'],
  ['basic', '$', 'syntax'],
  ['basic', 'age == 1 # comment', 'syntax'],
  ['basic', 'age == 1;', 'syntax'],
  ['basic', '{}', 'syntax'],
  ['basic', 'age >> 1 == 0', 'unsupported'],
  ['basic', 'age & 1 == 1', 'unsupported'],
  ['basic', '~age == 1', 'unsupported'],
  ['basic', 'name =~ "a.*"', 'unsupported'],
  ['basic', 'text_match(name, "a")', 'unsupported'],
  ['basic', 'random_sample(0.5)', 'unsupported'],
  ['basic', 'age == vec', 'vector_field'],
  ['basic', 'nosuch == 1', []],
  ['static', 'nosuch == 1', 'unknown_field'],
  ['basic', 'age', 'type_mismatch'],
  ['basic', 'flag', 'type_mismatch'],
  ['basic', 'true', 'type_mismatch'],
  ['basic', '"abc"', 'type_mismatch'],
  ['basic', '1 == 1', ALL6],
  ['basic', '1 == 1 and age > 10', 'type_mismatch'],
  ['basic', 'age > 10 or false', 'type_mismatch'],
  ['basic', 'age + score == 1', 'unsupported'],
  ['basic', '2 - age == 1', 'unsupported'],
  ['basic', '2 + age == 12', [0]],
  ['basic', '-age == 1', 'unsupported'],
  ['basic', 'age == -(-20)', [1]],
  ['basic', 'age == +20', [1]],
  ['basic', 'age / 0 == 1', 'invalid_literal'],
  ['basic', 'age % 2.5 == 1', 'type_mismatch'],
  ['basic', 'score % 2 == 1', 'type_mismatch'],
  ['basic', 'age % 3 == 1', [0, 3]],
  ['basic', 'age % 3 == -2', [4]],
  ['basic', 'age / 3 == 3', [0]],
  ['basic', 'age / 3 == -1', [4]],
  ['basic', '', ALL6],
  ['basic', ' \t\n ', ALL6],
];

describe('filter table', () => {
  it('has at least 150 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases.map((c, i) => [i, ...c] as const))('#%i [%s] %s', (_i, key, expr, expected, templates) => {
    const { schema, batch } = datasets[key]!;
    const run = () => {
      const f = compileFilter(expr, schema, templates === undefined ? {} : { templateValues: templates });
      return matching(f.evaluate(batch));
    };
    if (typeof expected === 'string') {
      let err: unknown;
      try {
        run();
      } catch (e) {
        err = e;
      }
      expect(err, `expected a ${expected} error`).toBeInstanceOf(FilterError);
      const fe = err as FilterError;
      expect(fe.kind, fe.message).toBe(expected);
      expect(fe.position).toBeGreaterThanOrEqual(0);
      expect(fe.position).toBeLessThanOrEqual(expr.length);
    } else {
      expect(run()).toEqual(expected);
    }
  });
});
