import type { MetricType } from '../../engine/engine.js';
import { SearchResultDataMessage } from '../../milvus/proto.js';
import { comparePks } from '../../milvus/search-request.js';
import type { DataNodeClientReply } from '../../proto/data-node.js';
import type { FieldData__Output } from '../../proto/generated/milvus/proto/schema/FieldData.js';
import type { IDs__Output } from '../../proto/generated/milvus/proto/schema/IDs.js';
import type { SearchResultData__Output } from '../../proto/generated/milvus/proto/schema/SearchResultData.js';
import type { ResultRows } from '../../milvus/search-results.js';
import { largerIsBetter } from '../../search/hits.js';

/**
 * Exact merge of partial search results. Each partial is one node's answer: per query, its
 * best hits (client topk + offset of them) in order, with scores, primary keys, output
 * columns and each hit's write timestamp. Per query a k-way heap merge takes hits in the
 * metric's order (L2 ascending, IP and COSINE descending) until it holds topk + offset keys;
 * a key seen twice keeps its newest write, ranked by that write's score; the page
 * [offset, offset + topk) is returned.
 */

export interface PartialResult {
  /** Decoded `milvus.proto.schema.SearchResultData`. */
  data: SearchResultData__Output;
  timestamps: number[];
}

/** The data-node methods a search or query is scattered over; each answers a partial result. */
export type SegmentMethod = 'SearchSegments' | 'QuerySegments';

/** SearchSegments and QuerySegments answers as partial results (their `SearchResultData` decoded). */
export function decodePartials(responses: DataNodeClientReply<SegmentMethod>[]): PartialResult[] {
  return responses.map((r) => ({ data: SearchResultDataMessage.decode(r.result), timestamps: r.timestamps }));
}

/** A hit of the merged answer: which partial, which row of it. */
export interface Pick {
  partial: number;
  row: number;
}

interface Cursor {
  partial: number;
  pos: number;
  end: number;
  score: number;
}

function keysOf(data: SearchResultData__Output): string[] {
  return data.ids?.int_id?.data ?? data.ids?.str_id?.data ?? [];
}

/** Offsets of each query's first hit within a partial's flat arrays. */
function queryStarts(data: SearchResultData__Output, nq: number): number[] {
  const starts = new Array<number>(nq + 1).fill(0);
  for (let q = 0; q < nq; q++) starts[q + 1] = starts[q]! + Number(data.topks[q] ?? 0);
  return starts;
}

class CursorHeap {
  private readonly items: Cursor[] = [];

  constructor(private readonly before: (a: Cursor, b: Cursor) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  push(c: Cursor): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): Cursor {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function mergeSearchResults(partials: PartialResult[], nq: number, topk: number, offset: number, metric: MetricType): Pick[][] {
  const larger = largerIsBetter(metric);
  // Ties broken by partial index, then position, so the merge is deterministic.
  const before = (a: Cursor, b: Cursor) =>
    a.score !== b.score
      ? larger
        ? a.score > b.score
        : a.score < b.score
      : a.partial !== b.partial
        ? a.partial < b.partial
        : a.pos < b.pos;
  const keys = partials.map((p) => keysOf(p.data));
  const starts = partials.map((p) => queryStarts(p.data, nq));
  const want = topk + offset;
  const pages: Pick[][] = [];
  for (let q = 0; q < nq; q++) {
    const heap = new CursorHeap(before);
    partials.forEach((p, i) => {
      const pos = starts[i]![q]!;
      const end = starts[i]![q + 1]!;
      if (pos < end) heap.push({ partial: i, pos, end, score: p.data.scores[pos]! });
    });
    // Hits in merged order; a slot is emptied when a newer write of its key turns up further
    // down, which then ranks where it stands, by its own score (as a data node ranks it), so
    // scores stay in order. Older writes after the newest are dropped.
    const ranked: (Pick | undefined)[] = [];
    const slotOf = new Map<string, number>();
    while (heap.size && slotOf.size < want) {
      const c = heap.pop();
      const key = keys[c.partial]![c.pos]!;
      const slot = slotOf.get(key);
      const prev = slot === undefined ? undefined : ranked[slot]!;
      if (!prev || partials[c.partial]!.timestamps[c.pos]! > partials[prev.partial]!.timestamps[prev.row]!) {
        if (slot !== undefined) ranked[slot] = undefined;
        slotOf.set(key, ranked.length);
        ranked.push({ partial: c.partial, row: c.pos });
      }
      if (c.pos + 1 < c.end) heap.push({ ...c, pos: c.pos + 1, score: partials[c.partial]!.data.scores[c.pos + 1]! });
    }
    pages.push(ranked.filter((p) => p !== undefined).slice(offset, want));
  }
  return pages;
}

/** Query rows of all partials ordered by primary key, one per key (its newest write). */
export function mergeQueryRows(partials: PartialResult[], intKeys: boolean): Pick[] {
  const chosen = new Map<string, Pick & { ts: number; key: bigint | string }>();
  partials.forEach((p, i) => {
    keysOf(p.data).forEach((k, row) => {
      const ts = p.timestamps[row]!;
      const prev = chosen.get(k);
      if (!prev || ts > prev.ts) chosen.set(k, { partial: i, row, ts, key: intKeys ? BigInt(k) : k });
    });
  });
  return [...chosen.values()].sort((a, b) => comparePks(a.key, b.key)).map(({ partial, row }) => ({ partial, row }));
}

/** The value arrays of a FieldData, whatever its kind. */
function columnOf(fd: FieldData__Output): { values: unknown[]; width: number } {
  if (fd.vectors) {
    const dim = Number(fd.vectors.dim) || 1;
    return { values: fd.vectors.float_vector?.data ?? [], width: dim };
  }
  const key = fd.scalars?.data;
  return { values: key ? (fd.scalars![key]?.data ?? []) : [], width: 1 };
}

/**
 * Output columns for the picked rows, gathered from the partials' `fields_data` (every
 * partial carries the same fields, in the same order, since all got the same request).
 */
export function gatherFieldsData(partials: { fieldsData: FieldData__Output[] }[], picks: Pick[]): FieldData__Output[] {
  const template = partials.find((p) => p.fieldsData.length)?.fieldsData ?? [];
  return template.map((tpl, f) => {
    const columns = partials.map((p) => (p.fieldsData[f] ? columnOf(p.fieldsData[f]) : { values: [], width: 1 }));
    const width = columns[0]!.width;
    const values: unknown[] = [];
    const valid: boolean[] = [];
    const nullable = partials.some((p) => (p.fieldsData[f]?.valid_data ?? []).length > 0);
    for (const pick of picks) {
      const col = columns[pick.partial]!;
      for (let j = 0; j < width; j++) values.push(col.values[pick.row * width + j]);
      if (nullable) valid.push(Boolean(partials[pick.partial]!.fieldsData[f]!.valid_data?.[pick.row]));
    }
    const out: FieldData__Output = {
      type: tpl.type,
      field_name: tpl.field_name,
      field_id: tpl.field_id,
      is_dynamic: tpl.is_dynamic,
      valid_data: valid,
    };
    // A vector column's values are float_vector's numbers.
    if (tpl.vectors) out.vectors = { dim: tpl.vectors.dim, float_vector: { data: values as number[] } };
    else {
      const key = tpl.scalars!.data!;
      const payload: Record<string, unknown> = { data: values };
      if (key === 'array_data') payload.element_type = tpl.scalars!.array_data!.element_type;
      out.scalars = { [key]: payload };
    }
    return out;
  });
}

/** Ids message for picked rows. */
export function gatherIds(partials: PartialResult[], picks: Pick[], intKeys: boolean): IDs__Output {
  const data = picks.map((p) => keysOf(partials[p.partial]!.data)[p.row]!);
  return intKeys ? { int_id: { data } } : { str_id: { data } };
}

/** A picked row's primary key, as a bigint for Int64 keys. */
export function pickKey(partials: PartialResult[], pick: Pick, intKeys: boolean): bigint | string {
  const key = keysOf(partials[pick.partial]!.data)[pick.row]!;
  return intKeys ? BigInt(key) : key;
}

/** A picked row's score, as the node that found it scored it. */
export function pickScore(partials: PartialResult[], pick: Pick): number {
  const score = partials[pick.partial]!.data.scores[pick.row];
  if (score === undefined) throw new Error(`merge picked row ${pick.row} beyond the scores of partial ${pick.partial}`);
  return score;
}

/** The wire columns of picked rows, scored by their own scores unless others (fused ones) are given. */
export function pickedRows(
  partials: PartialResult[],
  picks: Pick[],
  topks: number[],
  intKeys: boolean,
  scores = picks.map((p) => pickScore(partials, p)),
): ResultRows<IDs__Output, FieldData__Output> {
  return {
    topks,
    scores,
    ids: gatherIds(partials, picks, intKeys),
    fieldsData: gatherFieldsData(
      partials.map((x) => ({ fieldsData: x.data.fields_data })),
      picks,
    ),
  };
}
