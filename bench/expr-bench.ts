/**
 * `npm run bench:expr`: filter evaluation throughput over 1M rows, on one core.
 * (a) `x > 10` on an Int64 column, (b) a three-clause LlamaIndex-style JSON filter,
 * (c) `id in [1000 ids]` on an Int64 primary key. Each figure is the median of 15 timed
 * runs after 3 warm-up runs; the first (cold) run and the compile time are shown too.
 */
import { ColumnMap, type Column } from '../core/columns.js';
import { DataType, type CollectionSchema } from '../core/schema.js';
import { compileFilter } from '../filter/index.js';
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
const columns = new Map<string, Column>([
  ['id', { type: DataType.Int64, values: ids }],
  ['x', { type: DataType.Int64, values: xs }],
  ['metadata', { type: DataType.JSON, values: docs }],
]);
const batch = new ColumnMap(N, columns);

const pkList = Array.from({ length: 1000 }, () => String(ids[Math.floor(rand() * N)])).join(', ');

const cases: [string, string][] = [
  ['(a) x > 10 (Int64)', 'x > 10'],
  ['(b) LlamaIndex JSON filter', 'metadata["author"] == "Ann" and metadata["year"] >= 2001 or metadata["tag"] in ["a", "b"]'],
  ['(c) id in [1000 ids]', `id in [${pkList}]`],
];

const fmt = (rowsPerSec: number) => `${(rowsPerSec / 1e6).toFixed(1)}M rows/s`;

for (const [label, expr] of cases) {
  const t0 = performance.now();
  const f = compileFilter(expr, schema);
  const compileMs = performance.now() - t0;
  const c0 = performance.now();
  let matched = f.evaluate(batch).reduce((a, b) => a + b, 0);
  const coldMs = performance.now() - c0;
  for (let w = 0; w < 3; w++) f.evaluate(batch);
  const times: number[] = [];
  for (let r = 0; r < 15; r++) {
    const s = performance.now();
    const out = f.evaluate(batch);
    times.push(performance.now() - s);
    matched = out.reduce((a, b) => a + b, 0);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label.padEnd(30)} ${fmt((N / median) * 1000).padStart(16)}  ` +
      `(median ${median.toFixed(2)} ms, cold ${coldMs.toFixed(2)} ms, compile ${compileMs.toFixed(2)} ms, ${matched} matches)`,
  );
}
