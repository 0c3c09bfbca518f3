import { denseElementBytes, denseRowWidth, SPARSE_ROW_ESTIMATE, vectorType, type DenseElement } from '../core/vector-types.js';
import { DataType, type FieldSchema } from '../core/schema.js';
import type { OutputSelection } from './results.js';
import { invalidParameter } from './status.js';

/**
 * The limits a search or query is held to before any work is done, so that one request
 * cannot take a node down. The counts are Milvus's defaults (paramtable quota_param.go:
 * `quotaAndLimits.limits.nq`, `.topK`, `.maxQueryResultWindow`), and so are the messages
 * (proxy validateNQLimit, validateLimit, validateMaxQueryResultWindow). Refusals are invalid
 * parameters (1100, IllegalArgument), as current Milvus reports them; see docs/limits.md.
 */

/** Most query vectors in one search (Milvus `quotaAndLimits.limits.nq`). */
export const MAX_NQ = 16384;
/** Most hits per query vector, and most of topk + offset (Milvus `quotaAndLimits.limits.topK`). */
export const MAX_TOPK = 16384;
/** Most of offset + limit of a query or a hybrid search (Milvus `quotaAndLimits.limits.maxQueryResultWindow`). */
export const MAX_QUERY_WINDOW = 16384;
/** Default of the result-size limit: Milvus's `quotaAndLimits.limits.maxOutputSize`, 100 MiB. */
export const DEFAULT_MAX_RESULT_BYTES = 100 * 1024 * 1024;

/** The limits an operator sets (the others are Milvus's fixed defaults above). */
export interface RequestLimits {
  /** Estimated bytes a search or query answer may hold (`--max-result-bytes`). */
  maxResultBytes: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = { maxResultBytes: DEFAULT_MAX_RESULT_BYTES };

export function checkNq(nq: number): void {
  if (nq < 1 || nq > MAX_NQ) {
    throw invalidParameter(
      `nq [${nq}] is invalid, nq (number of search vector per search request) should be in range [1, ${MAX_NQ}], but got ${nq}`,
    );
  }
}

/** A search's `topk`, its `offset` (when not 0) and their sum, each within MAX_TOPK. */
export function checkTopk(topk: number, offset: number): void {
  const inRange = (name: string, n: number) => {
    if (n < 1 || n > MAX_TOPK) throw invalidParameter(`${name} [${n}] is invalid, it should be in range [1, ${MAX_TOPK}], but got ${n}`);
  };
  inRange('topk', topk);
  if (offset !== 0) inRange('offset', offset);
  inRange('offset+topk', topk + offset);
}

/** The `limit` and `offset` of a query or of a hybrid search's rank_params. */
export function checkQueryWindow(limit: number, offset: number): void {
  const refuse = (why: string) => invalidParameter(`invalid max query result window, ${why}`);
  if (offset < 0) throw refuse(`offset [${offset}] is invalid, should be gte than 0`);
  if (limit <= 0) throw refuse(`limit [${limit}] is invalid, should be greater than 0`);
  if (limit + offset > MAX_QUERY_WINDOW) {
    throw refuse(`(offset+limit) should be in range [1, ${MAX_QUERY_WINDOW}], but got ${limit + offset}`);
  }
}

/**
 * What a variable-length value (VarChar, JSON, Array, dynamic keys) counts in the estimate:
 * its size is not known before it is read, so a short value is assumed (a VarChar counts at
 * most its max_length).
 */
export const VARIABLE_VALUE_BYTES = 64;

/** Bytes of one value of `field` in an answer: exact for fixed-width types and vectors. */
function valueBytes(field: FieldSchema): number {
  switch (field.dataType) {
    case DataType.Bool:
      return 1;
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
    case DataType.Float:
      return 4;
    case DataType.Int64:
    case DataType.Double:
      return 8;
    case DataType.SparseFloatVector:
      return SPARSE_ROW_ESTIMATE * 8;
    case DataType.VarChar:
    case DataType.String:
      return Math.min(field.maxLength ?? VARIABLE_VALUE_BYTES, VARIABLE_VALUE_BYTES);
    default: {
      const vector = vectorType(field.dataType);
      return vector
        ? denseElementBytes(vector.element as DenseElement) * denseRowWidth(vector.element as DenseElement, field.dim!)
        : VARIABLE_VALUE_BYTES;
    }
  }
}

/**
 * Estimated bytes of one row of an answer: its output fields (the primary key among them)
 * and, for a search hit, its score and the key again in `ids`.
 */
export function resultRowBytes(selection: OutputSelection, searchHit: boolean): number {
  let bytes = selection.fields.reduce((sum, f) => sum + valueBytes(f), 0);
  if (selection.dynamicKeys !== undefined) bytes += VARIABLE_VALUE_BYTES;
  if (searchHit) bytes += 4 + valueBytes(selection.fields.find((f) => f.isPrimaryKey)!);
  return bytes;
}

/** Refuses a search whose answer (nq x topk rows) is estimated above the limit. */
export function checkSearchResultSize(nq: number, topk: number, selection: OutputSelection, limits: RequestLimits): void {
  const rowBytes = resultRowBytes(selection, true);
  const total = nq * topk * rowBytes;
  if (total > limits.maxResultBytes) {
    throw invalidParameter(
      `search results exceed the maxOutputSize Limit ${limits.maxResultBytes}: nq ${nq} x topk ${topk} x ${rowBytes} bytes per hit ` +
        `(key, score and output fields) is about ${total} bytes; lower nq, topk or the output fields`,
    );
  }
}

/** The most rows a query answer may hold before it is estimated above the limit. */
export function maxQueryRows(selection: OutputSelection, limits: RequestLimits): number {
  return Math.floor(limits.maxResultBytes / resultRowBytes(selection, false));
}

/**
 * Refuses a query answer of `rows` rows estimated above the limit: `rows` is the query's limit,
 * or, without one, a lower bound of the rows found.
 */
export function checkQueryResultSize(rows: number, selection: OutputSelection, limits: RequestLimits, counted: 'limit' | 'found'): void {
  if (rows <= maxQueryRows(selection, limits)) return;
  const rowBytes = resultRowBytes(selection, false);
  const what = counted === 'limit' ? `limit ${rows}` : `at least ${rows} matching rows`;
  throw invalidParameter(
    `query results exceed the maxOutputSize Limit ${limits.maxResultBytes}: ${what} x ${rowBytes} bytes per row ` +
      `(output fields) is about ${rows * rowBytes} bytes; set a smaller limit, page with offset, or ask for fewer output fields`,
  );
}
