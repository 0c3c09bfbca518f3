import { DataType, primaryField, type CollectionSchema } from '../core/schema.js';
import type { MetricType } from '../engine/engine.js';
import type { IteratorPage, IteratorPage__Output } from '../proto/generated/mishards/data/IteratorPage.js';
import { largerIsBetter } from '../search/hits.js';
import type { IteratorPagePlan, PageCursor } from '../search/iterator-page.js';
import { keyValueMap } from './key-values.js';
import { MAX_TOPK } from './request-limits.js';
import { invalidParameter } from './status.js';

/**
 * The parameters of Milvus's iterators as SDKs send them, and what the answers carry back
 * (see docs/coordinator.md, "Iterators").
 *
 * Search iterator v2 (Milvus 2.5; the Node SDK's `searchIterator`, pymilvus's
 * `search_iterator`): search parameters `iterator` and `search_iter_v2` (both true),
 * `search_iter_batch_size` (the page size), after the first page `search_iter_id` (the token
 * of an answer) and `search_iter_last_bound` (the score of the last hit returned), and
 * `guarantee_timestamp` (the answers' `session_ts`; pymilvus sends it in the request field).
 * The answer carries `search_iterator_v2_results` {token, last_bound} and `session_ts`.
 *
 * Query iterator (pymilvus's `query_iterator`; the Node SDK's pages by primary key with plain
 * queries): query parameters `iterator`, `reduce_stop_for_best` and `collection_id`, and the
 * request's `guarantee_timestamp` (the first answer's `session_ts`).
 *
 * Milvus keeps no state per iterator (its token is a UUID it only echoes); neither does
 * Mishards: its token holds the iterator's snapshot and the cursor of the page it answers.
 */

/** The search parameters of the search iterator protocol, all read here. */
export const SEARCH_ITERATOR_PARAMS = [
  'iterator',
  'search_iter_v2',
  'search_iter_batch_size',
  'search_iter_id',
  'search_iter_last_bound',
  'guarantee_timestamp',
  'collection_id',
] as const;

/** The query parameters of the query iterator protocol, all read here. */
export const QUERY_ITERATOR_PARAMS = ['iterator', 'reduce_stop_for_best', 'collection_id'] as const;

type Pairs = { key: string; value: string }[] | undefined;

/** A search iterator's request for one page. */
export interface SearchIteratorRequest {
  /** The snapshot every page reads (an LSN); undefined on the first page, which pins one. */
  snapshot: number | undefined;
  page: IteratorPagePlan;
}

/** What a search iterator's answer carries besides its hits. */
export interface SearchIteratorReply {
  session_ts: string;
  search_iterator_v2_results: { token: string; last_bound: number };
}

/** What the token of an answer holds: the snapshot, the rows returned so far and the page's cursor. */
interface Token {
  snapshot: number;
  returned: number;
  cursor?: PageCursor;
}

/** The reason prefix of every refused search iterator parameter, as Milvus words it. */
const PARSE_FAILED = 'parse iterator v2 info failed';

/** Go's strconv.ParseBool, which Milvus parses these flags with. */
function parseBool(raw: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  return undefined;
}

const SEARCH_KEYS = new Set<string>(SEARCH_ITERATOR_PARAMS);
const QUERY_KEYS = new Set<string>(QUERY_ITERATOR_PARAMS);

/** Whether a request names any of `keys`: the only cost a plain search or query pays here. */
const mentions = (pairs: Pairs, keys: Set<string>) => (pairs ?? []).some((p) => keys.has(p.key));

/** A non-negative integer in decimal, or undefined. */
function naturalNumber(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/** A request's `guarantee_timestamp` (the field, else the search parameter) when it names a snapshot (0 names none). */
const guaranteedSnapshot = (field: string | undefined, param: string | undefined): number | undefined =>
  naturalNumber(field) || naturalNumber(param) || undefined;

/** A token: base64url JSON of {s: snapshot, n: rows returned, b: cursor score, k: cursor key}. */
function encodeToken(t: Token): string {
  const body = {
    s: t.snapshot,
    n: t.returned,
    ...(t.cursor ? { b: t.cursor.score } : {}),
    ...(t.cursor?.key !== undefined ? { k: String(t.cursor.key) } : {}),
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** A token made by encodeToken for a collection whose keys are Int64 (`intKeys`) or VarChar; anything else is refused. */
function decodeToken(raw: string, intKeys: boolean): Token {
  const invalid = () => invalidParameter(`${PARSE_FAILED}: invalid token format`);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof body !== 'object' || body === null) throw invalid();
  const { s, n, b, k } = body as Record<string, unknown>;
  const natural = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  if (!natural(s) || !natural(n) || (b !== undefined && typeof b !== 'number') || (k !== undefined && typeof k !== 'string'))
    throw invalid();
  if (k !== undefined && (b === undefined || (intKeys && !/^-?\d{1,19}$/.test(k)))) throw invalid();
  const token: Token = { snapshot: s as number, returned: n as number };
  if (b !== undefined) token.cursor = { score: b, ...(k !== undefined ? { key: intKeys ? BigInt(k) : k } : {}) };
  return token;
}

/** Milvus refuses a request naming another collection's id (an alias or database changed under an iterator). */
function checkSearchCollectionId(kv: Map<string, string>, collectionId: number): void {
  // Milvus ignores an id it cannot parse in a search.
  const id = naturalNumber(kv.get('collection_id'));
  if (id && id !== collectionId) {
    throw invalidParameter(
      `collection id:${id} in the request is not consistent to that in the search context,alias or database may have been changed: ${collectionId}`,
    );
  }
}

/**
 * The search iterator request of a Search, or undefined for any other search. Refused as
 * Milvus refuses them (proxy `parseSearchIteratorV2Info`): `search_iter_v2` without
 * `iterator`, an offset, grouping, a missing or invalid batch size (1 to 16384) or last bound,
 * a token not made by Mishards; and, as Milvus's segment core refuses it, more than one query
 * vector. Also refused, for any search, a `collection_id` other than the collection's.
 */
export function searchIteratorOf(
  req: { search_params?: Pairs; guarantee_timestamp?: string },
  search: { nq: number; offset: number },
  collection: { id: number; schema: CollectionSchema },
): SearchIteratorRequest | undefined {
  if (!mentions(req.search_params, SEARCH_KEYS)) return undefined;
  const kv = keyValueMap(req.search_params);
  checkSearchCollectionId(kv, collection.id);
  const iterator = kv.get('iterator') === 'true' || kv.get('iterator') === 'True';
  if (iterator && (kv.get('group_by_field') ?? '') !== '') throw invalidParameter('Not allowed to do groupBy when doing iteration');
  if (parseBool(kv.get('search_iter_v2') ?? '') !== true) return undefined;
  const refuse = (why: string) => invalidParameter(`${PARSE_FAILED}: ${why}`);
  if (!iterator) throw refuse('both iterator and search_iter_v2 must be set in the SDK');
  if (search.offset > 0) throw refuse('Setting an offset is not permitted when using a search iterator v2');
  const intKeys = primaryField(collection.schema).dataType === DataType.Int64;
  const rawToken = kv.get('search_iter_id') ?? '';
  const token = rawToken === '' ? undefined : decodeToken(rawToken, intKeys);
  const rawBatch = kv.get('search_iter_batch_size') ?? '';
  if (rawBatch === '') throw refuse('batch size is required');
  const batch = Number(rawBatch);
  if (!Number.isInteger(batch)) throw refuse(`batch size is invalid: ${JSON.stringify(rawBatch)} is not an integer`);
  if (batch < 1 || batch > MAX_TOPK) throw refuse(`batch size is invalid: it should be in range [1, ${MAX_TOPK}], but got ${batch}`);
  let after: PageCursor | undefined;
  const rawBound = kv.get('search_iter_last_bound') ?? '';
  if (rawBound !== '') {
    const bound = Number(rawBound);
    if (rawBound.trim() === '' || Number.isNaN(bound)) throw refuse(`failed to parse input last bound: ${JSON.stringify(rawBound)}`);
    const score = Math.fround(bound);
    // The key breaks ties at the bound; the token has it when it is the previous answer's own
    // (clients that keep the first token, as pymilvus does, get Milvus's rule: worse scores only).
    const key = token?.cursor?.score === score ? token.cursor.key : undefined;
    after = { score, ...(key !== undefined ? { key } : {}) };
  }
  if (search.nq !== 1) throw invalidParameter(`Number of queries is greater than 1, cannot initialize iterator (nq = ${search.nq})`);
  return {
    snapshot: token?.snapshot ?? guaranteedSnapshot(req.guarantee_timestamp, kv.get('guarantee_timestamp')),
    page: { batch, returned: token?.returned ?? 0, ...(after ? { after } : {}) },
  };
}

/** Milvus's bound of an empty first page: the best score there is. */
const MAX_FLOAT32 = 3.4028234663852886e38;

/**
 * The iterator part of a page's answer: the snapshot as `session_ts`, and a token with the
 * snapshot and the cursor after `last` (the page's last hit) with `last_bound` its unrounded
 * score. An empty page keeps the request's cursor, as Milvus keeps its bound.
 */
export function searchIteratorReply(
  request: SearchIteratorRequest,
  snapshot: number,
  page: { count: number; last: { score: number; pk: bigint | string } | undefined },
  metric: MetricType,
): SearchIteratorReply {
  const cursor = page.last ? { score: page.last.score, key: page.last.pk } : request.page.after;
  const token = encodeToken({ snapshot, returned: request.page.returned + page.count, ...(cursor ? { cursor } : {}) });
  return {
    session_ts: String(snapshot),
    search_iterator_v2_results: { token, last_bound: cursor?.score ?? (largerIsBetter(metric) ? MAX_FLOAT32 : -MAX_FLOAT32) },
  };
}

/** A page plan as the coordinator sends it to the data nodes (`mishards.data.IteratorPage`; topk is the batch). */
export function iteratorPageMessage(page: IteratorPagePlan): IteratorPage {
  const { after } = page;
  const key = after?.key;
  return {
    returned: String(page.returned),
    after: after
      ? { score: after.score, ...(typeof key === 'bigint' ? { int_key: String(key) } : typeof key === 'string' ? { str_key: key } : {}) }
      : null,
  };
}

/** The page plan of a received `mishards.data.IteratorPage`, for a collection whose keys are Int64 (`intKeys`) or VarChar. */
export function iteratorPagePlan(message: IteratorPage__Output, batch: number, intKeys: boolean): IteratorPagePlan {
  const { after } = message;
  const key =
    after?.key === 'int_key' && intKeys ? BigInt(after.int_key!) : after?.key === 'str_key' && !intKeys ? after.str_key : undefined;
  return {
    batch,
    returned: Number(message.returned),
    ...(after ? { after: { score: after.score, ...(key !== undefined ? { key } : {}) } } : {}),
  };
}

/** A query iterator's request: the snapshot its pages read, undefined on the first page (which pins one). */
export interface QueryIteratorRequest {
  snapshot: number | undefined;
}

/**
 * The query iterator request of a Query (`iterator` true), or undefined for any other query.
 * Refused as Milvus refuses them (proxy `parseQueryParams`): `iterator` or
 * `reduce_stop_for_best` that is not a boolean, a `collection_id` that is not an integer or
 * not the collection's. `reduce_stop_for_best` needs nothing more: pages are always the
 * exact smallest keys.
 */
export function queryIteratorOf(
  req: { query_params?: Pairs; guarantee_timestamp?: string },
  collectionId: number,
): QueryIteratorRequest | undefined {
  if (!mentions(req.query_params, QUERY_KEYS)) return undefined;
  const kv = keyValueMap(req.query_params);
  const flag = (key: string, what: string) => {
    if (!kv.has(key)) return false;
    const value = parseBool(kv.get(key)!);
    if (value === undefined)
      throw invalidParameter(`value for ${what} is invalid: invalid parameter[expected=true or false][actual=${kv.get(key)}]`);
    return value;
  };
  flag('reduce_stop_for_best', 'reduce_stop_for_best');
  const iterator = flag('iterator', 'iterator field');
  if (kv.has('collection_id')) {
    const raw = kv.get('collection_id')!;
    if (!/^-?\d+$/.test(raw.trim())) {
      throw invalidParameter(`value for collection id is invalid: invalid parameter[expected=int value for collection_id][actual=${raw}]`);
    }
    const id = Number(raw);
    if (id > 0 && id !== collectionId) {
      throw invalidParameter('Input collection id is not consistent to collectionID in the context,alias or database may have changed');
    }
  }
  return iterator ? { snapshot: guaranteedSnapshot(req.guarantee_timestamp, undefined) } : undefined;
}
