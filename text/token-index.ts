import { analyzerFor } from './analyzer.js';

/**
 * Inverted indexes of text columns for `text_match`: token -> the rows holding it, built once
 * per column array and analyzer and extended when the same array gains rows (as Milvus builds
 * a text index per segment). Rows past the end of a column that has shrunk never occur:
 * columns only grow.
 */
interface TokenIndex {
  rows: number;
  postings: Map<string, number[]>;
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
      for (const term of new Set(analyzer.terms(text))) {
        const list = index.postings.get(term);
        if (list) list.push(r);
        else index.postings.set(term, [r]);
      }
    }
    index.rows = rows;
  }
  return index;
}

/** Marks in `out` (zeroed, length >= rows) the first `rows` rows of `texts` holding any of `terms`. */
export function markTextMatches(
  texts: readonly string[],
  rows: number,
  analyzerParams: string | undefined,
  terms: readonly string[],
  out: Uint8Array,
): void {
  const index = tokenIndex(texts, analyzerParams, rows);
  for (const term of terms) {
    for (const r of index.postings.get(term) ?? []) if (r < rows) out[r] = 1;
  }
}
