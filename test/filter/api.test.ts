/** The compileFilter contract: errors and positions, fields, primary keys, candidates, edge data. */
import { describe, expect, it } from 'vitest';
import { ColumnMap } from '../../core/columns.js';
import { DataType } from '../../core/schema.js';
import { compileFilter, FilterError } from '../../filter/index.js';
import { MAX_DEPTH } from '../../filter/parser.js';
import { prng } from '../harness/prng.js';
import { datasets } from './datasets.js';
import { batchOf, field, matching, schemaOf } from './fixtures.js';

const basic = datasets.basic!;
const stat = datasets.static!;

function errorOf(fn: () => unknown): FilterError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FilterError) return e;
    throw e;
  }
  throw new Error('expected a FilterError');
}

describe('FilterError', () => {
  it.each([
    ['static', 'age > 10 and nosuch == 1', 'unknown_field', 13],
    ['basic', 'age == 1.5', 'type_mismatch', 7],
    ['basic', 'name == "\\q"', 'invalid_literal', 9],
    ['basic', 'age >', 'syntax', 5],
    ['basic', 'age > 10 )', 'syntax', 9],
    ['basic', 'vec == 1', 'vector_field', 0],
    ['basic', 'age > {x}', 'template', 6],
    ['basic', 'not age == 1', 'type_mismatch', 0],
    ['basic', 'age << 1 == 2', 'unsupported', 4],
    ['basic', 'age in [1, "x"]', 'type_mismatch', 11],
  ] as const)('[%s] %s -> %s at %i', (key, expr, kind, position) => {
    const e = errorOf(() => compileFilter(expr, datasets[key]!.schema));
    expect(e.kind).toBe(kind);
    expect(e.position).toBe(position);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('FilterError');
    expect(e.message).toContain(`position ${position}`);
  });

  it('names the problem in the message', () => {
    expect(errorOf(() => compileFilter('nosuch == 1', stat.schema)).message).toContain("field 'nosuch' does not exist");
    expect(errorOf(() => compileFilter('name == 1', basic.schema)).message).toMatch(/VarChar field 'name' cannot be compared with Int64/);
    expect(errorOf(() => compileFilter('not age == 1', basic.schema)).message).toContain('not (x == 1)');
  });
});

describe('compiled filter', () => {
  it('treats an empty expression as match-all and honours candidates', () => {
    const f = compileFilter('   ', basic.schema);
    expect(f.matchesAll).toBe(true);
    expect(f.fields).toEqual([]);
    expect(f.primaryKeys()).toBeNull();
    expect(matching(f.evaluate(basic.batch))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matching(f.evaluate(basic.batch, Uint8Array.from([0, 1, 0, 7, 0, 0])))).toEqual([1, 3]);
    expect(compileFilter('age > 1', basic.schema).matchesAll).toBe(false);
  });

  it('lists the fields it reads, $meta for dynamic keys', () => {
    expect(compileFilter('age > 1 and color == "red" or meta["a"] == 1', basic.schema).fields).toEqual(['age', '$meta', 'meta']);
    expect(compileFilter('score < f32 and name is null', basic.schema).fields).toEqual(['score', 'f32', 'name']);
    expect(compileFilter('1 == 1', basic.schema).fields).toEqual([]);
  });

  it.each([
    ['id in [1, 2, 2]', [1n, 2n]],
    ['id == 5', [5n]],
    ['5 == id', [5n]],
    ['id == 1 or id in [2, 3] or (id == 4)', [1n, 2n, 3n, 4n]],
    ['id in []', []],
    ['id in [1] and age > 1', null],
    ['id > 1', null],
    ['age in [1]', null],
    ['not (id in [1])', null],
    ['id in [1] or age == 1', null],
  ] as const)('primaryKeys(%s)', (expr, keys) => {
    expect(compileFilter(expr, basic.schema).primaryKeys()).toEqual(keys);
  });

  it('gives VarChar keys as strings, template lists included, as a fresh array', () => {
    const llama = datasets.llama!;
    expect(compileFilter('id in ["n1","n3"]', llama.schema).primaryKeys()).toEqual(['n1', 'n3']);
    const f = compileFilter('id in {ids}', llama.schema, { templateValues: { ids: ['a', 'b'] } });
    const keys = f.primaryKeys()!;
    keys.push('c');
    expect(f.primaryKeys()).toEqual(['a', 'b']);
  });

  it('evaluates only candidates, with the same result as a full evaluation', () => {
    const exprs = [
      'age > 10',
      'id in [1, 3, 9007199254740993]',
      'name like "%a%"',
      'not (age > 10) or flag == true',
      'not (meta["a"] == 1 and age < 40)',
      'age > 0 and (name != "bob" or not exists meta["nested"])',
      'color == "red" or size == 1 or id == 2',
      'meta["a"] != 1 and not (score > 2 or f32 < 0)',
      '1 == 1',
    ];
    const rand = prng(7);
    for (const expr of exprs) {
      const f = compileFilter(expr, basic.schema);
      const full = f.evaluate(basic.batch);
      for (let k = 0; k < 20; k++) {
        const cand = Uint8Array.from({ length: 6 }, () => (rand() < 0.5 ? 1 : 0));
        const got = f.evaluate(basic.batch, cand);
        expect([...got], expr).toEqual([...full].map((v, i) => v & cand[i]!));
      }
    }
  });

  it('is compiled once and evaluated over several batches', () => {
    const f = compileFilter('age >= 20 and color == "red"', basic.schema);
    expect(matching(f.evaluate(basic.batch))).toEqual([3]);
    const other = batchOf(basic.schema, [
      { id: 1, age: 50, color: 'red' },
      { id: 2, age: 50 },
    ]);
    expect(matching(f.evaluate(other))).toEqual([0]);
  });
});

describe('data edge cases', () => {
  const schema = schemaOf([field('id', DataType.Int64, { isPrimaryKey: true }), field('d', DataType.Double), field('j', DataType.JSON)]);
  const extremes = [-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n, 0n];
  const batch = batchOf(
    schema,
    extremes.map((id, i) => ({ id, d: i === 0 ? Number.NaN : i, j: i === 1 ? { constructor: 1 } : { k: i } })),
  );
  const run = (expr: string) => matching(compileFilter(expr, schema).evaluate(batch));

  it('compares Int64 values exactly over the whole range', () => {
    expect(run('id == -9223372036854775807 - 1')).toEqual([0]);
    expect(run('id == 9223372036854775807')).toEqual([1]);
    expect(run('id in [9223372036854775807, 9007199254740993]')).toEqual([1, 2]);
    expect(run('id > 9007199254740992')).toEqual([1, 2]);
    expect(run('id < -9007199254740992')).toEqual([0, 3]);
    expect(run('id != 0')).toEqual([0, 1, 2, 3]);
    expect(run('-9007199254740994 < id < 9007199254740994')).toEqual([2, 3, 4]);
    expect(run('id % 2 == 1')).toEqual([1, 2]);
    expect(run('id + 1 == -9223372036854775807 - 1')).toEqual([1]);
  });

  it('treats NaN as unordered', () => {
    expect(run('d > 0')).toEqual([1, 2, 3, 4]);
    expect(run('d != 1')).toEqual([0, 2, 3, 4]);
    expect(run('not (d == 1)')).toEqual([0, 2, 3, 4]);
  });

  it('reads only own JSON keys', () => {
    expect(run('j["constructor"] == 1')).toEqual([1]);
    expect(run('exists j["toString"]')).toEqual([]);
    expect(run('j["__proto__"] != 1')).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads a missing column as nulls, and a missing $meta as no dynamic keys', () => {
    const sparse = new ColumnMap(2, new Map());
    const dyn = datasets.basic!.schema;
    const f = (e: string) => matching(compileFilter(e, dyn).evaluate(sparse));
    expect(f('age > 1')).toEqual([]);
    expect(f('not (age > 1)')).toEqual([]);
    expect(f('age is null')).toEqual([0, 1]);
    expect(f('color == "red"')).toEqual([]);
    expect(f('color != "red"')).toEqual([0, 1]);
    expect(f('age < score')).toEqual([]);
  });
});

describe('size limits', () => {
  const { schema, batch } = basic;

  it('handles long lists and long or-chains without deep recursion', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => i);
    expect(matching(compileFilter(`id in [${ids.join(',')}]`, schema).evaluate(batch))).toEqual([0, 1, 2, 3]);
    const chain = Array.from({ length: 5000 }, (_, i) => `id == ${i}`).join(' or ');
    const f = compileFilter(chain, schema);
    expect(f.primaryKeys()!.length).toBe(5000);
    expect(matching(f.evaluate(batch))).toEqual([0, 1, 2, 3]);
    const ands = Array.from({ length: 5000 }, () => 'age >= 0').join(' and ');
    expect(matching(compileFilter(ands, schema).evaluate(batch))).toEqual([0, 1, 2, 3, 5]);
  });

  it('compiles and evaluates inputs that grow with their length without growing the stack', () => {
    // `id in [0..499999]` is 3.9 MB of text: every pass over its list must loop, not recurse or spread.
    const keys = Array.from({ length: 500_000 }, (_, i) => i);
    const list = `[${keys.join(', ')}]`;
    const inList = compileFilter(`id in ${list}`, schema);
    expect(inList.primaryKeys()).toHaveLength(500_000);
    expect(matching(inList.evaluate(batch))).toEqual([0, 1, 2, 3]);
    expect(matching(compileFilter(`id not in ${list}`, schema).evaluate(batch))).toEqual([4, 5]);
    // Two lists on one column are merged into one before evaluation.
    const halves = `id in [${keys.slice(0, 250_000).join(', ')}] or id in [${keys.slice(250_000).join(', ')}]`;
    expect(matching(compileFilter(halves, schema).evaluate(batch))).toEqual([0, 1, 2, 3]);
    // A parenthesised chain is inlined into the chain around it.
    const chain = `age < 0 or (${keys
      .slice(0, 200_000)
      .map((k) => `id == ${k}`)
      .join(' or ')})`;
    const inlined = compileFilter(chain, schema);
    expect(inlined.primaryKeys()).toBeNull();
    expect(matching(inlined.evaluate(batch))).toEqual([0, 1, 2, 3, 4]);
    expect(matching(compileFilter(Array(200_000).fill('true').join(' and '), schema).evaluate(batch))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(matching(compileFilter(`name like "${'a'.repeat(200_000)}%"`, schema).evaluate(batch))).toEqual([]);
    // An error quotes a few of the elements, not all of them.
    const e = errorOf(() => compileFilter(`id == ${list}`, schema));
    expect(e.kind).toBe('type_mismatch');
    expect(e.message).toContain('[0, 1, 2, 3, 4, 5, 6, 7, ... (500000 elements)]');
    expect(e.message.length).toBeLessThan(200);
  });

  it('accepts nesting up to the limit and rejects deeper nesting with a syntax error', () => {
    const nested = (d: number) => `${'('.repeat(d)}age > 10${')'.repeat(d)}`;
    expect(matching(compileFilter(nested(100), schema).evaluate(batch))).toEqual([1, 2, 3]);
    expect(errorOf(() => compileFilter(nested(MAX_DEPTH + 1), schema)).kind).toBe('syntax');
    expect(errorOf(() => compileFilter(`${'not '.repeat(300)}(age > 1)`, schema)).kind).toBe('syntax');
    expect(errorOf(() => compileFilter(`age == ${Array(400).fill('1').join(' + ')}`, schema)).kind).toBe('syntax');
    expect(errorOf(() => compileFilter('('.repeat(100_000), schema)).kind).toBe('syntax');
  });
});

describe('typed-column kernels', () => {
  it('agree with a reference evaluation on random data, nulls included', () => {
    const rand = prng(99);
    const schema = schemaOf([
      field('id', DataType.Int64, { isPrimaryKey: true }),
      field('i64', DataType.Int64, { nullable: true }),
      field('i32', DataType.Int32),
      field('f', DataType.Float),
      field('d', DataType.Double, { nullable: true }),
      field('b', DataType.Bool),
    ]);
    const bigs = [
      0n,
      1n,
      -1n,
      2n ** 32n,
      -(2n ** 32n),
      2n ** 32n + 5n,
      2n ** 53n + 1n,
      -(2n ** 63n),
      2n ** 63n - 1n,
      4294967295n,
      -4294967296n,
    ];
    const rows = Array.from({ length: 400 }, (_, i) => ({
      id: i,
      i64: rand() < 0.1 ? null : rand() < 0.5 ? bigs[Math.floor(rand() * bigs.length)]! : BigInt(Math.floor(rand() * 200) - 100),
      i32: Math.floor(rand() * 200) - 100,
      f: Math.fround((Math.floor(rand() * 40) - 20) / 4),
      d: rand() < 0.1 ? null : (Math.floor(rand() * 40) - 20) / 4,
      b: rand() < 0.5,
    }));
    const batch = batchOf(schema, rows);
    const ops = ['==', '!=', '<', '<=', '>', '>='] as const;
    // Numbers and bigints compare by value; equality as both <= and >= (=== would tell 1 from 1n).
    const cmp = (op: (typeof ops)[number], a: number | bigint, b: number | bigint) =>
      op === '=='
        ? a <= b && a >= b
        : op === '!='
          ? !(a <= b && a >= b)
          : op === '<'
            ? a < b
            : op === '<='
              ? a <= b
              : op === '>'
                ? a > b
                : a >= b;
    for (let k = 0; k < 300; k++) {
      const op = ops[Math.floor(rand() * ops.length)]!;
      const which = Math.floor(rand() * 4);
      let expr: string;
      let ref: (r: (typeof rows)[number]) => boolean;
      if (which === 0) {
        const c = rand() < 0.5 ? bigs[Math.floor(rand() * bigs.length)]! : BigInt(Math.floor(rand() * 200) - 100);
        expr = `i64 ${op} ${c}`;
        ref = (r) => r.i64 !== null && cmp(op, r.i64, c);
        if (c === -(2n ** 63n)) expr = `i64 ${op} -9223372036854775807 - 1`;
      } else if (which === 1) {
        const c = Math.floor(rand() * 220) - 110;
        expr = `i32 ${op} ${c}`;
        ref = (r) => cmp(op, r.i32, c);
      } else if (which === 2) {
        const c = (Math.floor(rand() * 44) - 22) / 4;
        const col = rand() < 0.5 ? 'f' : 'd';
        expr = `${col} ${op} ${c.toFixed(2)}`;
        ref = (r) => r[col] !== null && cmp(op, r[col]!, c);
      } else {
        const c = rand() < 0.5;
        expr = `b ${op === '<' || op === '>' ? '==' : op} ${c}`;
        ref = (r) => (op === '!=' ? r.b !== c : op === '<=' ? r.b <= c : op === '>=' ? r.b >= c : r.b === c);
      }
      const f = compileFilter(expr, schema);
      expect(matching(f.evaluate(batch)), expr).toEqual(rows.flatMap((r, i) => (ref(r) ? [i] : [])));
    }
    const set = [
      ...new Set(
        rows
          .slice(0, 40)
          .map((r) => r.i64)
          .filter((v) => v !== null),
      ),
    ];
    const inExpr = `i64 in [${set.join(', ').replace('-9223372036854775808', '-9223372036854775807 - 1')}]`;
    expect(matching(compileFilter(inExpr, schema).evaluate(batch)), inExpr).toEqual(
      rows.flatMap((r, i) => (r.i64 !== null && set.includes(r.i64) ? [i] : [])),
    );
  });
});
