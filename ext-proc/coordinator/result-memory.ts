/**
 * The coordinator's share of the data nodes' admission: a search whose results a reader group
 * would refuse to hold (its replicas' admission budget, docs/limits.md) is refused before any
 * sub-request is sent, and before its query vectors are decoded, in about a millisecond, rather
 * than after every reader has received, decoded and estimated it.
 */
import type { CollectionView } from '../../meta/collection-view.js';
import { resultRowBytes } from '../../milvus/request-limits.js';
import type { OutputSelection } from '../../milvus/results.js';
import { resultMemoryRefusal } from '../../runtime/admission.js';
import { searchResultBytes } from '../../search/cost.js';
import type { GroupTarget } from './placement.js';

/** Each view's rows per segment id, built once per view (views are immutable snapshots). */
const rowsByView = new WeakMap<CollectionView, Map<number, number>>();

export function segmentRows(view: CollectionView): Map<number, number> {
  let rows = rowsByView.get(view);
  if (!rows) {
    rows = new Map(view.segments.map((s) => [s.id, s.rows]));
    rowsByView.set(view, rows);
  }
  return rows;
}

/**
 * Refuses a search of nq queries for k hits each (with the output fields of `selection`) when
 * the results one of `groups` would hold are estimated over what its replicas admit: the same
 * estimate and status a reader's admission would answer with (search/cost.ts).
 */
export function checkGroupsResultMemory(
  view: CollectionView,
  groups: readonly GroupTarget[],
  nq: number,
  k: number,
  selection: OutputSelection,
): void {
  const rows = segmentRows(view);
  const rowBytes = resultRowBytes(selection, true);
  for (const g of groups) {
    if (!Number.isFinite(g.resultMemoryLimit)) continue;
    const bytes = searchResultBytes(
      nq,
      k,
      g.segmentIds.map((id) => rows.get(id) ?? 0),
      rowBytes,
    );
    if (bytes > g.resultMemoryLimit) throw resultMemoryRefusal(bytes, g.resultMemoryLimit, `on each replica of reader group ${g.group}`);
  }
}
