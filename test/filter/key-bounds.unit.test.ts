/**
 * What a filter tells of the partition key (CompiledFilter.partitionKeys): the shapes that
 * bound it (and so prune partitions) and those that must not, plus a seeded property test
 * that every row a random filter matches holds a key the bound allows.
 */
import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import { prng } from '../harness/prng.js';
import { batchOf, field, matching, schemaOf, type Row } from './fixtures.js';

const intKey = schemaOf(
  [
    field('id', DataType.Int64, { isPrimaryKey: true }),
    field('tenant', DataType.Int64, { isPartitionKey: true }),
    field('other', DataType.Int64),
    field('age', DataType.Int32),
    field('name', DataType.VarChar, { maxLength: 64 }),
    field('meta', DataType.JSON),
  ],
  true,
);
const strKey = schemaOf([
  field('id', DataType.Int64, { isPrimaryKey: true }),
  field('tag', DataType.VarChar, { maxLength: 64, isPartitionKey: true }),
]);
const noKey = schemaOf([field('id', DataType.Int64, { isPrimaryKey: true }), field('tenant', DataType.Int64)]);

const bounds = (expr: string, schema = intKey, templateValues?: Record<string, unknown>) => {
  const keys = compileFilter(expr, schema, { templateValues }).partitionKeys();
  return keys && [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
};

describe('partition key bounds', () => {
  it.each([
    ['tenant == 5', [5n]],
    ['5 == tenant', [5n]],
    ['tenant in [3, 1, 2, 1]', [1n, 2n, 3n]],
    ['tenant == 5 and age > 3', [5n]],
    ['age > 3 and tenant in [1, 2] and name like "a%"', [1n, 2n]],
    ['tenant in [1, 2] and tenant in [2, 3]', [2n]],
    ['tenant == 1 or tenant == 2', [1n, 2n]],
    ['tenant == 1 or tenant in [2, 3]', [1n, 2n, 3n]],
    ['(tenant == 1 or tenant == 2) and (age > 3 or tenant == 7)', [1n, 2n]],
    ['(tenant == 1 and age > 3) or (tenant == 2 and age < 1)', [1n, 2n]],
    ['tenant == 9223372036854775807', [9223372036854775807n]],
  ])('%s bounds the key', (expr, keys) => {
    expect(bounds(expr)).toEqual(keys);
  });

  it('reads template values', () => {
    expect(bounds('tenant in {ids}', intKey, { ids: [4, 6] })).toEqual([4n, 6n]);
    expect(bounds('tenant == {t}', intKey, { t: 8 })).toEqual([8n]);
  });

  it('bounds a VarChar key to its strings', () => {
    expect(bounds('tag == "a"', strKey)).toEqual(['a']);
    expect(bounds('tag in ["b", "a"] and id > 0', strKey)).toEqual(['a', 'b']);
    expect(bounds('tag like "a%"', strKey)).toBeNull();
    expect(bounds('tag > "a"', strKey)).toBeNull();
  });

  it('bounds a contradiction to no key at all', () => {
    expect(bounds('tenant == 1 and tenant == 2')).toEqual([]);
    expect(bounds('tenant in []')).toEqual([]);
  });

  // Each of these can match rows of any key: pruning on them would lose answers.
  it.each([
    '',
    'age > 3',
    'tenant == 1 or age > 3',
    'age > 3 or tenant == 1',
    'not (tenant == 1)',
    'tenant != 1',
    'tenant not in [1, 2]',
    'tenant > 1',
    'tenant >= 1 and tenant <= 1',
    '0 < tenant < 2',
    'tenant + 1 == 2',
    'tenant % 4 == 1',
    'tenant == other',
    'tenant is not null',
    'meta["tenant"] == 1',
    '$meta["tenant"] == 1',
    'other == 1',
    'id in [1, 2]',
    'not (not (tenant == 1))',
    '(tenant == 1 or age > 3) and (tenant == 2 or age > 4)',
  ])('%j does not bound the key', (expr) => {
    expect(bounds(expr)).toBeNull();
  });

  it('never bounds a collection without a partition key', () => {
    expect(bounds('tenant == 1', noKey)).toBeNull();
    expect(bounds('id == 1', noKey)).toBeNull();
  });

  it('holds every key of every matching row, for random filters over random rows', () => {
    const rand = prng(7);
    const int = (n: number) => Math.floor(rand() * n);
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => ({
      id: i,
      tenant: int(12),
      other: int(12),
      age: int(50),
      name: `n${int(5)}`,
    }));
    const batch = batchOf(intKey, rows);
    const leaves = [
      () => `tenant == ${int(12)}`,
      () => `tenant in [${Array.from({ length: int(4) }, () => int(12)).join(', ')}]`,
      () => `tenant != ${int(12)}`,
      () => `tenant > ${int(12)}`,
      () => `tenant not in [${int(12)}, ${int(12)}]`,
      () => `age < ${int(50)}`,
      () => `other == ${int(12)}`,
      () => `name == "n${int(5)}"`,
    ];
    const expr = (depth: number): string => {
      if (depth === 0 || rand() < 0.3) return leaves[int(leaves.length)]!();
      const r = rand();
      if (r < 0.15) return `not (${expr(depth - 1)})`;
      const op = r < 0.6 ? 'and' : 'or';
      return Array.from({ length: 2 + int(2) }, () => `(${expr(depth - 1)})`).join(` ${op} `);
    };
    let bounded = 0;
    for (let t = 0; t < 2000; t++) {
      const text = expr(3);
      const filter = compileFilter(text, intKey);
      const keys = filter.partitionKeys();
      if (!keys) continue;
      bounded++;
      for (const r of matching(filter.evaluate(batch))) expect(keys.has(BigInt(rows[r]!.tenant as number)), `${text}: row ${r}`).toBe(true);
    }
    // The generator must exercise the bounded case, or the test proves nothing.
    expect(bounded).toBeGreaterThan(200);
  });
});
