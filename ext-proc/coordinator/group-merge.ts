import type { MetricType } from '../../engine/engine.js';
import { columnKeys, type PartialView } from '../../milvus/partial-result.js';
import type { FieldKey } from '../../search/field-keys.js';
import { selectGroups, type Grouping } from '../../search/grouping.js';
import { largerIsBetter } from '../../search/hits.js';
import { mergeSearchResults, type Pick } from './merge.js';

/**
 * The merge of a grouping search's partial answers (docs/coordinator.md, "Range search,
 * grouping search and ORDER BY"). Each node answers its own grouping over its rows: the hits
 * of the first `groups` groups of its rank order (search/grouping.ts), in rank order. Merged
 * in rank order and grouped again:
 *
 * - the groups and their order are exact: a group's best hit is on some node, and there the
 *   group is among that node's first `groups` groups (every group ranked before it there is
 *   ranked before it overall);
 * - not strict, the hits are exact too: the answer holds the hits ranked before the first
 *   hit of the `groups`-th group, and each node's answer reaches at least that far;
 * - strict, a group may lack hits another node did not send: a node that answered
 *   `groups` groups without this one may hold hits of it ranked after its last group's
 *   first hit. Such groups are incomplete; the coordinator asks the nodes again for just
 *   them (completeGroups).
 */

/** A grouped answer of one query: its groups in order, each its picks best first. */
export interface GroupedQuery {
  keys: FieldKey[];
  members: Pick[][];
}

/** Each partial's group key per row. */
export const partialGroupKeys = (partials: PartialView[]): FieldKey[][] =>
  partials.map((p) => (p.groupValues ? columnKeys(p.groupValues, p.scores.length) : []));

/** What one partial answered for one query: its groups, and its last group's first score when it answered all it was asked. */
interface PartialGroups {
  keys: Set<FieldKey>;
  /** The first score of its last group, when it holds as many groups as asked (it may have more rows after). */
  bound: number | undefined;
}

/** Per partial, per query: which groups it sent, and how far its answer reaches. */
function partialGroups(partials: PartialView[], keys: FieldKey[][], nq: number, groups: number): PartialGroups[][] {
  return partials.map((p, i) => {
    const out: PartialGroups[] = [];
    let row = 0;
    for (let q = 0; q < nq; q++) {
      const end = row + (p.topks[q] ?? 0);
      const seen = new Set<FieldKey>();
      let bound: number | undefined;
      for (; row < end; row++) {
        const key = keys[i]![row]!;
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size === groups) bound = p.scores[row]!;
      }
      out.push({ keys: seen, bound });
    }
    return out;
  });
}

/**
 * Merges the partials of a grouping search: per query, its groups (grouping.groups of them at
 * most) and, strict, the keys of the groups that may lack hits (see above).
 */
export function mergeGroupedResults(
  partials: PartialView[],
  nq: number,
  grouping: Omit<Grouping, 'field'>,
  metric: MetricType,
): { perQuery: GroupedQuery[]; incomplete: FieldKey[][] } {
  const keys = partialGroupKeys(partials);
  const streams = mergeSearchResults(partials, nq, Number.POSITIVE_INFINITY, 0, metric);
  const sent = grouping.strict ? partialGroups(partials, keys, nq, grouping.groups) : undefined;
  const better = largerIsBetter(metric) ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const perQuery: GroupedQuery[] = [];
  const incomplete: FieldKey[][] = [];
  streams.forEach((stream, q) => {
    const keyAt = (i: number) => keys[stream[i]!.partial]![stream[i]!.row]!;
    const picked = selectGroups(stream.length, keyAt, grouping, stream.length);
    const members = picked.members.map((m) => m.map((i) => stream[i]!));
    perQuery.push({ keys: picked.keys, members });
    incomplete.push(
      sent
        ? picked.keys.filter((key, g) => {
            const group = members[g]!;
            const last =
              group.length === grouping.size
                ? partials[group[group.length - 1]!.partial]!.scores[group[group.length - 1]!.row]!
                : undefined;
            // A node that sent its full share without this group may hold hits of it after its bound.
            return sent.some((byQuery) => {
              const s = byQuery[q]!;
              return !s.keys.has(key) && s.bound !== undefined && !(last !== undefined && better(last, s.bound));
            });
          })
        : [],
    );
  });
  return { perQuery, incomplete };
}

/**
 * Completes groups from a second round's partials (each node's best hits of just those
 * groups, for the queries `queries` in that order): each incomplete group of each query
 * takes the best `size` of its hits there. `offset` is added to the picks' partial indexes
 * (the second round's partials follow the first round's in one array).
 */
export function completeGroups(
  answer: GroupedQuery[],
  incomplete: FieldKey[][],
  queries: number[],
  second: PartialView[],
  offset: number,
  size: number,
  metric: MetricType,
): void {
  const keys = partialGroupKeys(second);
  const streams = mergeSearchResults(second, queries.length, Number.POSITIVE_INFINITY, 0, metric);
  queries.forEach((q, j) => {
    const wanted = new Set(incomplete[q]);
    const found = new Map<FieldKey, Pick[]>();
    for (const pick of streams[j]!) {
      const key = keys[pick.partial]![pick.row]!;
      if (!wanted.has(key)) continue;
      const hits = found.get(key) ?? [];
      if (hits.length < size) hits.push({ partial: offset + pick.partial, row: pick.row });
      found.set(key, hits);
    }
    const { keys: groupKeys, members } = answer[q]!;
    groupKeys.forEach((key, g) => {
      const hits = found.get(key);
      if (hits) members[g] = hits;
    });
  });
}
