import { analyzerFor } from './analyzer.js';

/**
 * Inverted indexes of text columns for `text_match` and `phrase_match`: token -> the rows
 * holding it and its positions in each, built once per column array and analyzer and extended
 * when the same array gains rows (as Milvus builds a text index, with positions, per segment).
 * Rows past the end of a column that has shrunk never occur: columns only grow.
 */
interface Posting {
  /** The rows holding the token, ascending. */
  rows: number[];
  /** Where each row's positions start in `positions` (they end where the next row's start). */
  starts: number[];
  /** The token's positions in each row, ascending within a row. */
  positions: number[];
}

interface TokenIndex {
  rows: number;
  postings: Map<string, Posting>;
}

const indexes = new WeakMap<readonly string[], Map<string, TokenIndex>>();

function tokenIndex(texts: readonly string[], analyzerParams: string | undefined, rows: number): TokenIndex {
  let byAnalyzer = indexes.get(texts);
  if (!byAnalyzer) {
    byAnalyzer = new Map();
    indexes.set(texts, byAnalyzer);
  }
  const key = analyzerParams ?? '';
  let index = byAnalyzer.get(key);
  if (!index) {
    index = { rows: 0, postings: new Map() };
    byAnalyzer.set(key, index);
  }
  if (index.rows < rows) {
    const analyzer = analyzerFor(analyzerParams);
    for (let r = index.rows; r < rows; r++) {
      const text = texts[r];
      if (typeof text !== 'string') continue;
      const byTerm = new Map<string, number[]>();
      for (const t of analyzer.analyze(text)) {
        const at = byTerm.get(t.token);
        if (at) at.push(t.position);
        else byTerm.set(t.token, [t.position]);
      }
      for (const [term, positions] of byTerm) {
        let posting = index.postings.get(term);
        if (!posting) {
          posting = { rows: [], starts: [], positions: [] };
          index.postings.set(term, posting);
        }
        posting.rows.push(r);
        posting.starts.push(posting.positions.length);
        posting.positions.push(...positions);
      }
    }
    index.rows = rows;
  }
  return index;
}

/**
 * Marks in `out` (zeroed, length >= rows) the first `rows` rows of `texts` holding at least
 * `minShouldMatch` of the query's `terms`, each term counted as often as the query holds it
 * (one clause per query token, as Milvus's tantivy query has); 1: any of them.
 */
export function markTextMatches(
  texts: readonly string[],
  rows: number,
  analyzerParams: string | undefined,
  terms: readonly string[],
  out: Uint8Array,
  minShouldMatch = 1,
): void {
  const index = tokenIndex(texts, analyzerParams, rows);
  if (minShouldMatch <= 1) {
    for (const term of terms) {
      for (const r of index.postings.get(term)?.rows ?? []) if (r < rows) out[r] = 1;
    }
    return;
  }
  const clauses = new Uint32Array(rows);
  for (const term of terms) {
    for (const r of index.postings.get(term)?.rows ?? []) if (r < rows && ++clauses[r]! >= minShouldMatch) out[r] = 1;
  }
}

/** A phrase's token: its text and its position in the phrase (stop words leave gaps). */
export interface PhraseToken {
  term: string;
  offset: number;
}

/**
 * Marks in `out` (zeroed, length >= rows) the first `rows` rows of `texts` holding the phrase
 * (two tokens or more; shorter queries are text matches) within `slop`, as Milvus's tantivy
 * decides it: each token's positions are shifted back by its offset in the phrase, and some
 * choice of one shifted position per token spans at most `slop` (0: the same position for
 * every token, the exact phrase). Order is not kept beyond that: with a slop of 2, "a b" also
 * matches "b a".
 */
export function markPhraseMatches(
  texts: readonly string[],
  rows: number,
  analyzerParams: string | undefined,
  phrase: readonly PhraseToken[],
  slop: number,
  out: Uint8Array,
): void {
  const index = tokenIndex(texts, analyzerParams, rows);
  const postings: Posting[] = [];
  for (const t of phrase) {
    const posting = index.postings.get(t.term);
    if (!posting) return;
    postings.push(posting);
  }
  // Rows holding every token: walk the rarest token's rows, finding each in the others by cursor.
  const order = postings.map((_, i) => i).sort((a, b) => postings[a]!.rows.length - postings[b]!.rows.length);
  const cursors = new Array<number>(postings.length).fill(0);
  const at = new Array<number>(postings.length);
  for (const r of postings[order[0]!]!.rows) {
    if (r >= rows) break;
    let all = true;
    for (const i of order) {
      const list = postings[i]!.rows;
      let c = cursors[i]!;
      while (c < list.length && list[c]! < r) c++;
      cursors[i] = c;
      if (list[c] !== r) {
        all = false;
        break;
      }
      at[i] = c;
    }
    if (!all) continue;
    const shifted = postings.map((p, i) => {
      const from = p.starts[at[i]!]!;
      const to = at[i]! + 1 < p.starts.length ? p.starts[at[i]! + 1]! : p.positions.length;
      return p.positions.slice(from, to).map((x) => x - phrase[i]!.offset);
    });
    if (withinSpan(shifted, slop)) out[r] = 1;
  }
}

/**
 * Whether some choice of one value per list spans at most `slop`: a window ending at each value
 * in turn holds the values at most `slop` below it, counting how many of each list it holds.
 */
function withinSpan(lists: number[][], slop: number): boolean {
  const values = lists.flatMap((list, i) => list.map((v) => [v, i] as const)).sort((x, y) => x[0] - y[0]);
  const held = new Array<number>(lists.length).fill(0);
  let covered = 0;
  let from = 0;
  for (const [v, i] of values) {
    held[i]! += 1;
    if (held[i] === 1) covered++;
    for (; values[from]![0] < v - slop; from++) {
      const leaving = values[from]![1];
      held[leaving]! -= 1;
      if (held[leaving] === 0) covered--;
    }
    if (covered === lists.length) return true;
  }
  return false;
}
