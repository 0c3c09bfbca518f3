import { comparePks, typedArrayFor } from '../../core/columns.js';
import { DataType } from '../../core/schema.js';
import { vectorType } from '../../core/vector-types.js';
import type { MetricType } from '../../engine/engine.js';
import { columnKeys, readPartial, type ColumnView, type PartialView } from '../../milvus/partial-result.js';
import type { ResultFieldData } from '../../milvus/result-fields.js';
import { scalarKey } from '../../milvus/results.js';
import { parseDataType } from '../../milvus/schema-codec.js';
import { sparseDim } from '../../milvus/vector-codecs.js';
import type { ResultRows } from '../../milvus/search-results.js';
import type { DataNodeClientReply } from '../../proto/data-node.js';
import type { FieldData__Output } from '../../proto/generated/milvus/proto/schema/FieldData.js';
import type { IDs__Output } from '../../proto/generated/milvus/proto/schema/IDs.js';
import type { FieldKey, FieldOrder } from '../../search/field-keys.js';
import { largerIsBetter } from '../../search/hits.js';
import { queryRowOrder } from '../../search/row-order.js';

/**
 * Exact merge of partial search results. Each partial is one node's answer: per query, its
 * best hits (client topk + offset of them) in order, with scores, primary keys, output
 * columns and each hit's write timestamp. Per query a k-way heap merge takes hits in the
 * metric's order (L2 ascending, IP and COSINE descending) until it holds topk + offset keys;
 * a key seen twice keeps its newest write, ranked by that write's score; the page
 * [offset, offset + topk) is returned. The merge reads the partials' keys, scores and stamps
 * as typed arrays over the received bytes, and only the picked rows are copied into the reply.
 */

/** The data-node methods a search or query is scattered over; each answers a partial result. */
export type SegmentMethod = 'SearchSegments' | 'QuerySegments';

/** SearchSegments and QuerySegments answers as partial results; `intKeys` for Int64 primary keys. */
export function decodePartials(responses: DataNodeClientReply<SegmentMethod>[], intKeys: boolean): PartialView[] {
  return responses.map((r) => readPartial(r.partial, intKeys));
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

/** Offsets of each query's first hit within a partial's rows. */
function queryStarts(p: PartialView, nq: number): number[] {
  const starts = new Array<number>(nq + 1).fill(0);
  for (let q = 0; q < nq; q++) starts[q + 1] = starts[q]! + (p.topks[q] ?? 0);
  return starts;
}

/** A row's primary key: a bigint for Int64 keys, the text for VarChar keys. */
const keyAt = (p: PartialView, row: number): bigint | string => p.keys[row]!;

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

/**
 * The merged pages of a search, per query. `tiesByKey` (a search iterator's page, whose
 * partials are in that order too) ranks equal scores by primary key, ascending; otherwise they
 * rank by partial index, then position, so the merge is deterministic either way.
 */
export function mergeSearchResults(
  partials: PartialView[],
  nq: number,
  topk: number,
  offset: number,
  metric: MetricType,
  tiesByKey = false,
): Pick[][] {
  const larger = largerIsBetter(metric);
  const tieBefore = tiesByKey
    ? (a: Cursor, b: Cursor) => comparePks(keyAt(partials[a.partial]!, a.pos), keyAt(partials[b.partial]!, b.pos)) < 0
    : (a: Cursor, b: Cursor) => (a.partial !== b.partial ? a.partial < b.partial : a.pos < b.pos);
  const before = (a: Cursor, b: Cursor) => (a.score !== b.score ? (larger ? a.score > b.score : a.score < b.score) : tieBefore(a, b));
  const starts = partials.map((p) => queryStarts(p, nq));
  const want = topk + offset;
  const pages: Pick[][] = [];
  for (let q = 0; q < nq; q++) {
    const heap = new CursorHeap(before);
    partials.forEach((p, i) => {
      const pos = starts[i]![q]!;
      const end = starts[i]![q + 1]!;
      if (pos < end) heap.push({ partial: i, pos, end, score: p.scores[pos]! });
    });
    // Hits in merged order; a slot is emptied when a newer write of its key turns up further
    // down, which then ranks where it stands, by its own score (as a data node ranks it), so
    // scores stay in order. Older writes after the newest are dropped.
    const ranked: (Pick | undefined)[] = [];
    const slotOf = new Map<bigint | string, number>();
    while (heap.size && slotOf.size < want) {
      const c = heap.pop();
      const key = keyAt(partials[c.partial]!, c.pos);
      const slot = slotOf.get(key);
      const prev = slot === undefined ? undefined : ranked[slot]!;
      if (!prev || partials[c.partial]!.timestamps[c.pos]! > partials[prev.partial]!.timestamps[prev.row]!) {
        if (slot !== undefined) ranked[slot] = undefined;
        slotOf.set(key, ranked.length);
        ranked.push({ partial: c.partial, row: c.pos });
      }
      if (c.pos + 1 < c.end) heap.push({ ...c, pos: c.pos + 1, score: partials[c.partial]!.scores[c.pos + 1]! });
    }
    pages.push(ranked.filter((p) => p !== undefined).slice(offset, want));
  }
  return pages;
}

/**
 * Query rows of all partials, one per key (its newest write), in answer order: by primary
 * key, or by `order` with ties by primary key (search/row-order.ts).
 */
export function mergeQueryRows(partials: PartialView[], order: readonly FieldOrder[] = []): Pick[] {
  const chosen = new Map<bigint | string, Pick & { ts: number }>();
  partials.forEach((p, i) => {
    for (let row = 0; row < p.keys.length; row++) {
      const key = keyAt(p, row);
      const ts = p.timestamps[row]!;
      const prev = chosen.get(key);
      if (!prev || ts > prev.ts) chosen.set(key, { partial: i, row, ts });
    }
  });
  const rows = [...chosen.values()];
  const orderKeys = order.length ? partialOrderKeys(partials) : [];
  return queryRowOrder(
    rows.length,
    (i) => pickOrderKeys(orderKeys, rows[i]!),
    (i) => pickKey(partials, rows[i]!),
    order,
  ).map((i) => ({ partial: rows[i]!.partial, row: rows[i]!.row }));
}

/** Raised when the partials' columns disagree, which nodes answering one request never do. */
const mismatch = (field: string) => new Error(`partial answers disagree on the encoding of output field ${field}`);

/** The picked rows of a fixed-width column, back to back in a new (aligned) buffer. */
function gatherFixedRows(columns: (ColumnView | undefined)[], picks: Pick[], rowBytes: number, field: string): ArrayBuffer {
  const out = new Uint8Array(picks.length * rowBytes);
  picks.forEach((pick, i) => {
    const column = columns[pick.partial];
    if (!column?.fixed || column.rowBytes !== rowBytes) throw mismatch(field);
    column.fixed.copy(out, i * rowBytes, pick.row * rowBytes, (pick.row + 1) * rowBytes);
  });
  return out.buffer;
}

/** A fixed-width column of the picked rows: vectors stay in their type's payload (float32s, bytes), scalars become the FieldData values. */
function fixedField(
  base: ResultFieldData,
  tpl: ColumnView & { rowBytes: number },
  columns: (ColumnView | undefined)[],
  picks: Pick[],
): ResultFieldData {
  const rows = gatherFixedRows(columns, picks, tpl.rowBytes, base.field_name);
  const type = parseDataType(tpl.header.type);
  const vector = vectorType(type);
  if (vector?.payload === 'float_vector')
    return { ...base, vectors: { dim: tpl.header.dim, float_vector: { data: new Float32Array(rows) } } };
  if (vector) return { ...base, vectors: { dim: tpl.header.dim, [vector.payload]: Buffer.from(rows) } };
  const typed = new (typedArrayFor(type)!)(rows) as ArrayLike<number | bigint>;
  const value: (v: number | bigint) => unknown =
    type === DataType.Int64 || type === DataType.Timestamptz ? String : type === DataType.Bool ? Boolean : Number;
  return { ...base, scalars: { [scalarKey[type]!]: { data: Array.from(typed, value) } } };
}

/** The value arrays of a FieldData, whatever its kind. */
function columnOf(fd: FieldData__Output): { values: unknown[]; width: number } {
  // Sparse rows travel one per row; dense vectors always travel as fixed-width rows.
  if (fd.vectors) return { values: fd.vectors.sparse_float_vector?.contents ?? [], width: 1 };
  const key = fd.scalars?.data;
  return { values: key ? (fd.scalars![key]?.data ?? []) : [], width: 1 };
}

/** A column sent as `FieldData` (variable-length, nullable or dynamic) for the picked rows. */
function fieldDataField(
  base: ResultFieldData,
  tpl: FieldData__Output,
  columns: (ColumnView | undefined)[],
  picks: Pick[],
): ResultFieldData {
  const data = columns.map((c) => c?.fieldData);
  const values = data.map((fd) => (fd ? columnOf(fd) : { values: [], width: 1 }));
  const width = columnOf(tpl).width;
  const out: unknown[] = [];
  const valid: boolean[] = [];
  const nullable = data.some((fd) => (fd?.valid_data ?? []).length > 0);
  for (const pick of picks) {
    const fd = data[pick.partial];
    if (!fd) throw mismatch(base.field_name);
    const col = values[pick.partial]!;
    for (let j = 0; j < width; j++) out.push(col.values[pick.row * width + j]);
    if (nullable) valid.push(Boolean(fd.valid_data?.[pick.row]));
  }
  const field: ResultFieldData = { ...base, valid_data: valid };
  if (tpl.vectors) {
    const dim = String(sparseDim(out as Buffer[]));
    field.vectors = { dim, sparse_float_vector: { dim, contents: out as Buffer[] } };
  } else {
    const key = tpl.scalars!.data!;
    const payload: Record<string, unknown> = { data: out };
    if (key === 'array_data') payload.element_type = tpl.scalars!.array_data!.element_type;
    field.scalars = { [key]: payload };
  }
  return field;
}

/**
 * Output columns for the picked rows, gathered from the partials' columns (every partial
 * carries the same fields, in the same order, since all got the same request).
 */
export function gatherFieldsData(partials: PartialView[], picks: Pick[]): ResultFieldData[] {
  const template = partials.find((p) => p.columns.length)?.columns ?? [];
  return template.map((_, f) =>
    gatherColumn(
      partials.map((p) => p.columns[f]),
      picks,
    ),
  );
}

/** One column of the picked rows, from each partial's copy of it (`columns[i]` of partial i; at least one present). */
export function gatherColumn(columns: (ColumnView | undefined)[], picks: Pick[]): ResultFieldData {
  const tpl = columns.find((c) => c !== undefined)!;
  const h = tpl.fieldData ?? tpl.header;
  const base: ResultFieldData = {
    // The node wrote the field's DataType name.
    type: h.type as FieldData__Output['type'],
    field_name: h.field_name,
    field_id: h.field_id,
    is_dynamic: h.is_dynamic,
    valid_data: [],
  };
  return tpl.fixed ? fixedField(base, tpl, columns, picks) : fieldDataField(base, tpl.fieldData, columns, picks);
}

/** Ids message for picked rows. */
export function gatherIds(partials: PartialView[], picks: Pick[], intKeys: boolean): IDs__Output {
  const keys = picks.map((p) => keyAt(partials[p.partial]!, p.row));
  return intKeys ? { int_id: { data: keys.map(String) } } : { str_id: { data: keys as string[] } };
}

/** A picked row's primary key, as a bigint for Int64 keys. */
export function pickKey(partials: PartialView[], pick: Pick): bigint | string {
  return keyAt(partials[pick.partial]!, pick.row);
}

/** A picked row's score, as the node that found it scored it. */
export function pickScore(partials: PartialView[], pick: Pick): number {
  const score = partials[pick.partial]!.scores[pick.row];
  if (score === undefined) throw new Error(`merge picked row ${pick.row} beyond the scores of partial ${pick.partial}`);
  return score;
}

/**
 * The wire columns of picked rows, scored by their own scores unless others (fused ones) are
 * given; with `grouped`, each row's group value too.
 */
export function pickedRows(
  partials: PartialView[],
  picks: Pick[],
  topks: number[],
  intKeys: boolean,
  scores = picks.map((p) => pickScore(partials, p)),
  grouped = false,
): ResultRows<IDs__Output, ResultFieldData> {
  const groupColumns = partials.map((p) => p.groupValues);
  return {
    topks,
    scores,
    ids: gatherIds(partials, picks, intKeys),
    fieldsData: gatherFieldsData(partials, picks),
    // No node answered (nothing to search): no rows, and no group values.
    groupValues: grouped && groupColumns.some((c) => c !== undefined) ? gatherColumn(groupColumns, picks) : undefined,
  };
}

/** Each partial's values of the order_by fields: per partial, per field, per row. */
export const partialOrderKeys = (partials: PartialView[]): FieldKey[][][] =>
  partials.map((p) => p.orderValues.map((c) => columnKeys(c, p.scores.length)));

/** A picked row's values of the order_by fields (from partialOrderKeys). */
export const pickOrderKeys = (keys: FieldKey[][][], pick: Pick): FieldKey[] => keys[pick.partial]!.map((column) => column[pick.row]!);
