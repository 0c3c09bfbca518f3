import type { PrimaryKey } from '../core/columns.js';
import { compareKeyTuples, hitKeyReader, type FieldKey, type FieldOrder } from './field-keys.js';
import type { Hit } from './hits.js';

/**
 * The orders of Milvus's order_by_fields over rows: a query's matching rows (sorted, then
 * paged) and a search's page (re-sorted). Pure over keys; where the rows live is the
 * caller's matter (a node's hits, the coordinator's picks of partial answers).
 */

const comparePk = (a: PrimaryKey, b: PrimaryKey) => (a < b ? -1 : a > b ? 1 : 0);

/** A hit's values of the order fields, in order. */
export function hitKeyTuples(order: readonly FieldOrder[]): (h: Hit) => FieldKey[] {
  const readers = order.map((o) => hitKeyReader(o.field));
  return (h) => readers.map((read) => read(h));
}

/**
 * Positions 0..n-1 of query rows in answer order: by the order fields, ties (and a query
 * without order_by) by primary key ascending, as Milvus orders query rows.
 */
export function queryRowOrder(
  n: number,
  keysAt: (i: number) => FieldKey[],
  pkAt: (i: number) => PrimaryKey,
  order: readonly FieldOrder[],
): number[] {
  const positions = Array.from({ length: n }, (_, i) => i);
  if (order.length === 0) return positions.sort((a, b) => comparePk(pkAt(a), pkAt(b)));
  const keys = positions.map(keysAt);
  return positions.sort((a, b) => compareKeyTuples(keys[a]!, keys[b]!, order) || comparePk(pkAt(a), pkAt(b)));
}

/** A node's query rows in answer order (queryRowOrder). */
export function sortRows(rows: Hit[], order: readonly FieldOrder[]): Hit[] {
  const keysOf = hitKeyTuples(order);
  return queryRowOrder(
    rows.length,
    (i) => keysOf(rows[i]!),
    (i) => rows[i]!.pk,
    order,
  ).map((i) => rows[i]!);
}

/**
 * A search page (positions 0..n-1, best first) re-sorted by the order fields, as Milvus's
 * proxy sorts it after paging: a stable sort, so ties keep their score order. A grouped page
 * (`groupSizes`: its groups' lengths, in order) moves whole groups, each by its first
 * (best) hit's values.
 */
export function searchPageOrder(
  n: number,
  keysAt: (i: number) => FieldKey[],
  order: readonly FieldOrder[],
  groupSizes?: readonly number[],
): number[] {
  const sizes = groupSizes ?? Array.from({ length: n }, () => 1);
  const starts: number[] = [];
  let at = 0;
  for (const size of sizes) {
    starts.push(at);
    at += size;
  }
  const keys = starts.map(keysAt);
  const groups = starts.map((_, g) => g).sort((a, b) => compareKeyTuples(keys[a]!, keys[b]!, order) || a - b);
  return groups.flatMap((g) => Array.from({ length: sizes[g]! }, (_, j) => starts[g]! + j));
}

/** Positions 0..n-1 (hits in rank order) grouped by key: groups in the order of their first hit, each in rank order. */
function groupsByKey(n: number, keyAt: (i: number) => FieldKey): number[][] {
  const slot = new Map<FieldKey, number[]>();
  for (let i = 0; i < n; i++) {
    const key = keyAt(i);
    const members = slot.get(key);
    if (members) members.push(i);
    else slot.set(key, [i]);
  }
  return [...slot.values()];
}

export interface PageSpec {
  offset: number;
  topk: number;
  /** A grouping search's group keys: the page then holds whole groups and skips `offset` of them. */
  groupKeyAt?: ((i: number) => FieldKey) | undefined;
  order: readonly FieldOrder[];
  /** The order fields' values of an answer position (read only with `order`). */
  orderKeysAt: (i: number) => FieldKey[];
}

/**
 * The page of a search answer of `n` hits in rank order, as positions of the answer in reply
 * order: hits [offset, offset + topk); or, grouped, the groups after the first `offset`, one
 * after the other (groups in the order of their best hit, each best first); then re-sorted by
 * order_by fields (searchPageOrder).
 */
export function searchPage(n: number, p: PageSpec): number[] {
  let positions: number[];
  let sizes: number[] | undefined;
  if (p.groupKeyAt) {
    const groups = groupsByKey(n, p.groupKeyAt).slice(p.offset);
    positions = groups.flat();
    sizes = groups.map((g) => g.length);
  } else {
    const first = Math.min(p.offset, n);
    positions = Array.from({ length: Math.min(p.topk, n - first) }, (_, i) => first + i);
  }
  if (p.order.length === 0) return positions;
  return searchPageOrder(positions.length, (i) => p.orderKeysAt(positions[i]!), p.order, sizes).map((i) => positions[i]!);
}
