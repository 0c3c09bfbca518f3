/**
 * Property test: filters answered with scalar indexes (filter/scalar-index.ts) return exactly
 * the rows the scan returns. Random rows (every indexable type, nulls, duplicates, Int64s
 * beyond 2^53, float32 rounding, strings sharing prefixes) and random expressions of the shapes
 * the index serves and of those it does not (!=, like with wildcards inside, arithmetic,
 * is null), combined with and / or / not, evaluated with and without candidates; and
 * conjunctions whose indexed clauses select few rows, which restrict the other clauses to those
 * rows. Seeded.
 */
import { describe, expect, it } from 'vitest';
import type { ColumnBatch } from '../../core/columns.js';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import { buildScalarIndex } from '../../filter/scalar-index.js';
import { prng } from '../harness/prng.js';
import { batchOf, field, schemaOf, type Row } from './fixtures.js';

const rand = prng(7_2026);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const schema = schemaOf([
  field('id', DataType.Int64, { isPrimaryKey: true }),
  field('i8', DataType.Int8, { nullable: true }),
  field('i32', DataType.Int32),
  field('i64', DataType.Int64, { nullable: true }),
  field('f32', DataType.Float),
  field('f64', DataType.Double, { nullable: true }),
  field('s', DataType.VarChar, { maxLength: 32, nullable: true }),
  field('b', DataType.Bool),
]);

const WORDS = ['', 'a', 'ab', 'abc', 'abd', 'b', 'ba', 'x_y', 'x%y', 'zz', 'é', 'éa'];
const BIG = 2n ** 53n;

function row(id: number): Row {
  const maybeNull = <T>(v: T) => (rand() < 0.1 ? null : v);
  return {
    id: BigInt(id),
    i8: maybeNull(int(11) - 5),
    i32: int(2000) - 1000,
    i64: maybeNull(pick([BigInt(int(50)), BIG + BigInt(int(3)), -BIG - 1n, BigInt(int(7)) * 1000n])),
    f32: Math.fround((int(400) - 200) / 8 + rand() / 3),
    f64: maybeNull(pick([int(20) / 4, -0.5, 1e300, 2.5])),
    s: maybeNull(pick(WORDS) + (rand() < 0.3 ? pick(WORDS) : '')),
    b: rand() < 0.5,
  };
}

const NUMERIC = ['i8', 'i32', 'i64', 'f32', 'f64'];
const numberLit = () =>
  pick(['0', '-1', '3', '2.5', '-0.5', '1000', '9007199254740993', '-9007199254740993', '1e300', String(int(20) - 10)]);
const stringLit = () => JSON.stringify(pick(WORDS));
const CMP = ['==', '!=', '<', '<=', '>', '>='];

function leaf(): string {
  switch (int(9)) {
    case 0:
    case 1:
      return `${pick(NUMERIC)} ${pick(CMP)} ${numberLit()}`;
    case 2:
      return `${numberLit()} ${pick(['<', '<='])} ${pick(NUMERIC)} ${pick(['<', '<='])} ${numberLit()}`;
    case 3:
      return `${pick(NUMERIC)} ${pick(['in', 'not in'])} [${Array.from({ length: 1 + int(4) }, numberLit).join(', ')}]`;
    case 4:
      return `s ${pick(CMP)} ${stringLit()}`;
    case 5:
      return `s ${pick(['in', 'not in'])} [${Array.from({ length: 1 + int(3) }, stringLit).join(', ')}]`;
    case 6:
      return `s like "${pick(['a%', 'ab%', '%', 'é%', 'a_%', '%b', 'x\\\\%%', 'a%c'])}"`;
    case 7:
      return `b == ${pick(['true', 'false'])}`;
    default:
      return pick(['i8 is null', 's is not null', 'i32 % 3 == 1', 'i64 + 1 > 40', 'f64 is null']);
  }
}

function expr(depth: number): string {
  if (depth === 0 || rand() < 0.35) return leaf();
  switch (int(3)) {
    case 0:
      return `(${expr(depth - 1)}) and (${expr(depth - 1)})`;
    case 1:
      return `(${expr(depth - 1)}) or (${expr(depth - 1)})`;
    default:
      return `not (${expr(depth - 1)})`;
  }
}

/**
 * A leaf an index answers that selects few rows (one i32 value, a short i32 range, a string
 * prefix, one i8 or s value): a conjunction holding one evaluates its other clauses on the
 * rows it selected only (filter/evaluator.ts), several are intersected, an `or` of them united.
 */
function selectiveLeaf(): string {
  switch (int(6)) {
    case 0:
      return `i32 == ${int(2000) - 1000}`;
    case 1:
      return `i32 in [${Array.from({ length: 1 + int(20) }, () => int(2000) - 1000).join(', ')}]`;
    case 2: {
      const lo = int(2000) - 1000;
      return `${lo} <= i32 < ${lo + int(150)}`;
    }
    case 3:
      return `s like "${pick(['ab', 'abd', 'é', 'x_'])}%"`;
    case 4:
      return `i8 == ${int(11) - 5}`;
    default:
      return `s == ${stringLit()}`;
  }
}

/** Conjunctions (and disjunctions, negations) mixing selective indexed leaves with any other clauses. */
function mixedExpr(): string {
  const other = () => expr(2);
  switch (int(7)) {
    case 0:
      return `${selectiveLeaf()} and (${other()})`;
    case 1:
      return `(${other()}) and ${selectiveLeaf()} and (${other()})`;
    case 2:
      return `(${selectiveLeaf()} or ${selectiveLeaf()}) and (${other()})`;
    case 3:
      return `${selectiveLeaf()} and ${selectiveLeaf()} and (${other()})`;
    case 4:
      return `${selectiveLeaf()} and ((${other()}) or ${selectiveLeaf()})`;
    case 5:
      return `not (${selectiveLeaf()} and (${other()}))`;
    default:
      return `${selectiveLeaf()} and not (${other()}) and (${selectiveLeaf()} or (${other()}))`;
  }
}

const ROWS = 3000;
const rows = Array.from({ length: ROWS }, (_, i) => row(i));
const plain = batchOf(schema, rows);
const indexes = new Map(['i8', 'i32', 'i64', 'f32', 'f64', 's', 'b'].map((name) => [name, buildScalarIndex(plain.column(name)!, ROWS)!]));
const indexed: ColumnBatch = { length: ROWS, column: (name) => plain.column(name), scalarIndex: (name) => indexes.get(name) };

describe('filters with scalar indexes', () => {
  it('builds an index of every indexable column', () => {
    for (const [name, index] of indexes) {
      expect(index, name).toBeDefined();
      const nonNull = rows.filter((r) => r[name] !== null).length;
      expect(index.order.length, name).toBe(nonNull);
    }
  });

  it('return exactly the rows the scan returns, over 1500 random expressions', () => {
    let served = 0;
    for (let t = 0; t < 1500; t++) {
      const e = expr(3);
      let f: ReturnType<typeof compileFilter>;
      try {
        f = compileFilter(e, schema);
      } catch {
        continue;
      }
      const candidates = t % 3 === 0 ? Uint8Array.from({ length: ROWS }, () => (rand() < 0.5 ? 1 : 0)) : undefined;
      const want = f.evaluate(plain, candidates);
      const got = f.evaluate(indexed, candidates);
      expect(Array.from(got), e).toEqual(Array.from(want));
      served++;
    }
    expect(served).toBeGreaterThan(1000);
  });

  it('return exactly the rows the scan returns for conjunctions of indexed and other clauses, over 1500 expressions', () => {
    let served = 0;
    for (let t = 0; t < 1500; t++) {
      const e = mixedExpr();
      let f: ReturnType<typeof compileFilter>;
      try {
        f = compileFilter(e, schema);
      } catch {
        continue;
      }
      const candidates = t % 3 === 0 ? Uint8Array.from({ length: ROWS }, () => (rand() < 0.5 ? 1 : 0)) : undefined;
      expect(Array.from(f.evaluate(indexed, candidates)), e).toEqual(Array.from(f.evaluate(plain, candidates)));
      served++;
    }
    expect(served).toBeGreaterThan(1000);
  });

  it('answer selective leaves from the index without reading the column', () => {
    // A batch whose columns lie: only the index can give the right answer.
    const lying: ColumnBatch = {
      length: ROWS,
      column: (name) => {
        const col = plain.column(name)!;
        return {
          ...col,
          values: col.values instanceof BigInt64Array ? new BigInt64Array(ROWS) : new (col.values.constructor as any)(ROWS),
        };
      },
      scalarIndex: (name) => indexes.get(name),
    };
    for (const e of ['i32 == 17', 'i32 in [5, 6, 7]', 'i64 >= 9007199254740993', 's like "abd%"', '-3 < i32 <= -1']) {
      const f = compileFilter(e, schema);
      expect(Array.from(f.evaluate(lying)), e).toEqual(Array.from(f.evaluate(plain)));
    }
  });

  it('leaves a column holding NaN unindexed', () => {
    expect(buildScalarIndex({ type: DataType.Double, values: Float64Array.of(1, Number.NaN, 2) }, 3)).toBeUndefined();
  });
});
