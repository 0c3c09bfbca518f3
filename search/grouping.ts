import type { FieldSchema } from '../core/schema.js';
import type { CompiledFilter } from '../filter/index.js';
import { fieldKey, type FieldKey } from './field-keys.js';

/**
 * Grouping search (Milvus `group_by_field`): the best hits, at most `size` per value of a
 * scalar field, over the first `groups` distinct values in rank order. Pure: it reads a
 * stream of hits in rank order, whoever ranked them (a node over its segments, the
 * coordinator over the nodes' answers).
 *
 * Which hits a group gets follows Milvus's segment-level grouping (segcore's GroupByMap):
 * - strict (`strict_group_size`): hits are taken until each of the first `groups` groups has
 *   `size` hits (or the stream ends): every group gets its best `size` hits.
 * - not strict: hits are taken until the `groups`-th group has appeared; each group keeps
 *   its hits ranked before that point, up to `size`. Milvus applies this per segment, so its
 *   answers depend on how rows fall into segments; here the rule applies to the whole
 *   collection, which makes the answer that of Milvus over one segment, whatever the layout.
 * Groups come in the order of their best hit, each group's hits best first, one group after
 * the other; a null value is a group of its own.
 */
export interface Grouping {
  field: FieldSchema;
  /** Groups to select: the page's offset plus its limit (Milvus skips `offset` whole groups). */
  groups: number;
  /** Most hits per group (Milvus `group_size`, default 1). */
  size: number;
  strict: boolean;
}

export interface GroupSelection {
  /** Per group, in the order groups appeared: the stream positions of its hits, best first. */
  members: number[][];
  /** Each group's key, in the same order. */
  keys: FieldKey[];
  /**
   * Whether the selection depends on no entry past the first `exact` of the stream: the
   * caller knows the stream is complete up to there and may be missing entries after.
   */
  settled: boolean;
}

/**
 * Selects groups from a stream of `n` hits in rank order, `keyAt(i)` being the group key of
 * hit i (see Grouping for the rule); `exact` entries of the stream are known to be complete.
 */
export function selectGroups(
  n: number,
  keyAt: (i: number) => FieldKey,
  spec: Pick<Grouping, 'groups' | 'size' | 'strict'>,
  exact: number,
): GroupSelection {
  const slot = new Map<FieldKey, number>();
  const members: number[][] = [];
  const keys: FieldKey[] = [];
  let full = 0;
  for (let i = 0; i < n; i++) {
    const key = keyAt(i);
    let g = slot.get(key);
    if (g === undefined) {
      if (members.length === spec.groups) continue;
      g = members.length;
      slot.set(key, g);
      members.push([]);
      keys.push(key);
    }
    const group = members[g]!;
    if (group.length === spec.size) continue;
    group.push(i);
    if (group.length === spec.size) full++;
    if (members.length === spec.groups && (!spec.strict || full === spec.groups)) return { members, keys, settled: i < exact };
  }
  return { members, keys, settled: n <= exact };
}

/**
 * `filter` narrowed to rows whose value of `field` is one of `keys`: the second round of a
 * strict grouping search asks the nodes for the groups the first round left short.
 */
export function restrictToGroups(filter: CompiledFilter, field: FieldSchema, keys: ReadonlySet<FieldKey>): CompiledFilter {
  return {
    matchesAll: false,
    fields: [...new Set([...filter.fields, field.name])],
    evaluate(batch, candidates) {
      const out = filter.evaluate(batch, candidates);
      const col = batch.column(field.name);
      for (let i = 0; i < out.length; i++) {
        if (!out[i]) continue;
        const key = !col || (col.valid && !col.valid[i]) ? null : fieldKey(field.dataType, (col.values as ArrayLike<unknown>)[i]);
        if (!keys.has(key)) out[i] = 0;
      }
      return out;
    },
    // Only searches are restricted: no key lookup stands in for the scan.
    primaryKeys: () => null,
    // A restriction to groups bounds no partition key.
    partitionKeys: () => null,
  };
}
