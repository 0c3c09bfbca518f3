/**
 * `npm run bench:expr`: filter evaluation throughput over 1M rows, on one core.
 * (a) `x > 10` on an Int64 column, (b) a three-clause LlamaIndex-style JSON filter,
 * (c) `id in [1000 ids]` on an Int64 primary key. Each figure is the median of 15 timed
 * runs after 3 warm-up runs; the first (cold) run and the compile time are shown too.
 * Then filters of 0.1% selectivity on an Int64 and a VarChar column, scanned and answered by
 * scalar indexes (filter/scalar-index.ts), with the indexes' build times; and conjunctions of
 * indexed clauses (one, an `or` of two, two intersected) with an unindexed one, which is then
 * evaluated on the rows the indexed ones selected.
 */
import { ColumnMap, type Column } from '../core/columns.js';
import { DataType, type CollectionSchema } from '../core/schema.js';
import type { ColumnBatch } from '../core/columns.js';
import { compileFilter } from '../filter/index.js';
import { buildScalarIndex } from '../filter/scalar-index.js';
import { field } from '../test/filter/fixtures.js';
import { prng as rng } from '../test/harness/prng.js';

const N = 1_000_000;

const schema: CollectionSchema = {
  name: 'bench',
  description: '',
  enableDynamicField: false,
  fields: [
    field('id', DataType.Int64, { isPrimaryKey: true }),
    field('x', DataType.Int64),
    field('metadata', DataType.JSON),
    field('k', DataType.Int64),
    field('tag', DataType.VarChar, { maxLength: 16 }),
    field('vector', DataType.FloatVector, { dim: 4 }),
  ],
};

const rand = rng(42);
const ids = new BigInt64Array(N);
const xs = new BigInt64Array(N);
const docs: unknown[] = new Array(N);
const authors = ['Ann', 'Bob', 'Cid', 'Dee', 'Eve'];
const tags = ['a', 'b', 'c', 'd', 'e', 'f'];
for (let i = 0; i < N; i++) {
  ids[i] = BigInt(i) * 7n + 1_000_000_000_000n;
  xs[i] = BigInt(Math.floor(rand() * 21));
  // Parsed from text, like the JSON a segment decodes.
  docs[i] = JSON.parse(
    JSON.stringify({
      author: authors[Math.floor(rand() * authors.length)],
      year: 1990 + Math.floor(rand() * 35),
      tag: tags[Math.floor(rand() * tags.length)],
    }),
  );
}
/** 1000 distinct values each: one value selects 0.1% of the rows. */
const ks = BigInt64Array.from({ length: N }, () => BigInt(Math.floor(rand() * 1000)));
const tagsOf = Array.from({ length: N }, () => `t${String(Math.floor(rand() * 1000)).padStart(3, '0')}x`);
const columns = new Map<string, Column>([
  ['id', { type: DataType.Int64, values: ids }],
  ['x', { type: DataType.Int64, values: xs }],
  ['metadata', { type: DataType.JSON, values: docs }],
  ['k', { type: DataType.Int64, values: ks }],
  ['tag', { type: DataType.VarChar, values: tagsOf }],
]);
const batch = new ColumnMap(N, columns);

const pkList = Array.from({ length: 1000 }, () => String(ids[Math.floor(rand() * N)])).join(', ');

const cases: [string, string][] = [
  ['(a) x > 10 (Int64)', 'x > 10'],
  ['(b) LlamaIndex JSON filter', 'metadata["author"] == "Ann" and metadata["year"] >= 2001 or metadata["tag"] in ["a", "b"]'],
  ['(c) id in [1000 ids]', `id in [${pkList}]`],
];

const fmt = (rowsPerSec: number) => `${(rowsPerSec / 1e6).toFixed(1)}M rows/s`;

/** Times an expression over a batch; prints and returns the median milliseconds. */
function measure(label: string, expr: string, over: ColumnBatch): number {
  const t0 = performance.now();
  const f = compileFilter(expr, schema);
  const compileMs = performance.now() - t0;
  const c0 = performance.now();
  let matched = f.evaluate(over).reduce((a, b) => a + b, 0);
  const coldMs = performance.now() - c0;
  for (let w = 0; w < 3; w++) f.evaluate(over);
  const times: number[] = [];
  for (let r = 0; r < 15; r++) {
    const s = performance.now();
    const out = f.evaluate(over);
    times.push(performance.now() - s);
    matched = out.reduce((a, b) => a + b, 0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label.padEnd(38)} ${fmt((N / median) * 1000).padStart(16)}  ` +
      `(median ${median.toFixed(2)} ms, cold ${coldMs.toFixed(2)} ms, compile ${compileMs.toFixed(2)} ms, ${matched} matches)`,
  );
  return median;
}

for (const [label, expr] of cases) measure(label, expr, batch);

console.log('\nScalar indexes, 0.1% selectivity (1000 distinct values per column):');
const built: string[] = [];
const indexes = new Map(
  ['k', 'tag'].map((name) => {
    const s = performance.now();
    const index = buildScalarIndex(batch.column(name)!, N)!;
    built.push(`${name} ${((performance.now() - s) / 1000).toFixed(2)} s`);
    return [name, index];
  }),
);
console.log(`index builds (1M rows, once per sealed segment): ${built.join(', ')}`);
const indexed: ColumnBatch = { length: N, column: (name) => batch.column(name), scalarIndex: (name) => indexes.get(name) };
const selective: [string, string][] = [
  ['k == 417 (Int64)', 'k == 417'],
  ['417 <= k < 418 (Int64 range)', '417 <= k < 418'],
  ['tag == "t417x" (VarChar)', 'tag == "t417x"'],
  ['tag like "t417%" (VarChar prefix)', 'tag like "t417%"'],
  ['k == 417 and x > 10', 'k == 417 and x > 10'],
  ['(k == 417 or tag == "t417x") and x > 10', '(k == 417 or tag == "t417x") and x > 10'],
  ['k < 10 and tag like "t41%" and x > 10', 'k < 10 and tag like "t41%" and x > 10'],
];
for (const [label, expr] of selective) {
  const scan = measure(`${label}, scan`, expr, batch);
  const fast = measure(`${label}, indexed`, expr, indexed);
  console.log(`${''.padEnd(38)} speed-up ${(scan / fast).toFixed(1)}x`);
}
