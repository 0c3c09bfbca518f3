import type { Lit, Pred } from './plan.js';

/** A value of an Int64 (bigint) or VarChar (string) field. */
export type KeyValue = bigint | string;

/**
 * The values a scalar field (`column`, an Int64 or VarChar field) can hold in a row that
 * matches `p`, or null when the filter does not bound them. Sound above all, as partition
 * pruning relies on it: every matching row's value is in the set.
 *
 * - `col == v` and `col in [...]` bound the field to their values;
 * - `and` to the intersection of what its bounded arguments allow (each must hold);
 * - `or` to the union, only when every argument is bounded (one that is not allows anything);
 * - `false` to nothing. Everything else (`not`, `!=`, ranges, other fields, JSON paths,
 *   values of another type) bounds nothing.
 */
export function keyBounds(p: Pred, column: string): Set<KeyValue> | null {
  switch (p.k) {
    case 'const':
      return p.v ? null : new Set();
    case 'cmp':
      if (p.op !== '==' || !isField(p.col, column)) return null;
      return literalKeys([p.v]);
    case 'in':
      return isField(p.col, column) ? literalKeys(p.values) : null;
    case 'and': {
      let bound: Set<KeyValue> | null = null;
      for (const arg of p.args) {
        const b = keyBounds(arg, column);
        if (b) bound = bound ? intersect(bound, b) : b;
      }
      return bound;
    }
    case 'or': {
      const union = new Set<KeyValue>();
      for (const arg of p.args) {
        const b = keyBounds(arg, column);
        if (!b) return null;
        for (const v of b) union.add(v);
      }
      return union;
    }
    default:
      return null;
  }
}

const isField = (col: { column: string; path: string[] }, column: string) => col.column === column && col.path.length === 0;

/** The values of literals that an Int64 or VarChar field can equal; null if one is of another kind. */
function literalKeys(values: Lit[]): Set<KeyValue> | null {
  const out = new Set<KeyValue>();
  // One by one: a list of any length (`key in [...]` of a million values) must not become call arguments.
  for (const v of values) {
    if (v.t !== 'int' && v.t !== 'str') return null;
    out.add(v.v);
  }
  return out;
}

function intersect(a: Set<KeyValue>, b: Set<KeyValue>): Set<KeyValue> {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  const out = new Set<KeyValue>();
  for (const v of small) if (large.has(v)) out.add(v);
  return out;
}
