import { termHash } from './term-hash.js';

/**
 * BM25 as Milvus computes it. A BM25 function turns its input text into a sparse row: one
 * entry per distinct token, at the token's hash (term-hash.ts), holding how often the token
 * occurs. A search's text becomes the same kind of row, each entry then weighted by its
 * inverse document frequency over the collection (BM25Stats.BuildIDF):
 *
 *   weight(t) = count(t in query) * ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))   (in float32)
 *
 * and a document scores (knowhere's BM25 metric), with dl its row's sum (its tokens) and
 * avgdl the collection's tokens over its rows:
 *
 *   score(d) = sum over query entries t of weight(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
 */

/** Milvus's defaults for an index on a BM25 output (FillFunctionOutputIndexParams). */
export const DEFAULT_K1 = 1.2;
export const DEFAULT_B = 0.75;

export interface Bm25Params {
  k1: number;
  b: number;
  avgdl: number;
}

/** Term frequencies of a text's tokens, by term hash. */
export function termFrequencies(terms: readonly string[]): Map<number, number> {
  const tf = new Map<number, number>();
  for (const t of terms) {
    const h = termHash(t);
    tf.set(h, (tf.get(h) ?? 0) + 1);
  }
  return tf;
}

/** Entries as a sparse row in Milvus's wire form: little-endian (uint32 index, float32 value) pairs by ascending index. */
export function sparseRow(entries: Map<number, number>): Uint8Array {
  const ids = [...entries.keys()].sort((a, b) => a - b);
  const out = new Uint8Array(ids.length * 8);
  const view = new DataView(out.buffer);
  ids.forEach((id, i) => {
    view.setUint32(i * 8, id, true);
    view.setFloat32(i * 8 + 4, entries.get(id)!, true);
  });
  return out;
}

/**
 * Collection statistics of a BM25 output field over a set of rows: how many rows, their
 * tokens, and for the terms asked, how many rows hold each. Sums of per-segment statistics
 * are the statistics of the union, which is what lets every node report its share.
 */
export interface TermStatistics {
  rows: number;
  tokens: number;
  /** Rows holding each term, by term hash. */
  docFrequency: Map<number, number>;
}

export function addStatistics(into: TermStatistics, more: TermStatistics): void {
  into.rows += more.rows;
  into.tokens += more.tokens;
  for (const [term, df] of more.docFrequency) into.docFrequency.set(term, (into.docFrequency.get(term) ?? 0) + df);
}

export const emptyStatistics = (): TermStatistics => ({ rows: 0, tokens: 0, docFrequency: new Map() });

/** The average document length: 0 without rows or tokens, as Milvus's GetAvgdl. */
export const averageLength = (s: TermStatistics): number => (s.rows === 0 || s.tokens === 0 ? 0 : s.tokens / s.rows);

/** A query's term frequencies weighted by their inverse document frequency (float32, as Milvus). */
export function queryWeights(tf: Map<number, number>, s: TermStatistics): Map<number, number> {
  const out = new Map<number, number>();
  for (const [term, count] of tf) {
    const df = s.docFrequency.get(term) ?? 0;
    const idf = Math.fround(Math.log(1 + (s.rows - df + 0.5) / (df + 0.5)));
    out.set(term, Math.fround(count * idf));
  }
  return out;
}

/** One term's contribution to a document's score, before the query weight. */
export function termScore(tf: number, dl: number, p: Bm25Params): number {
  return (tf * (p.k1 + 1)) / (tf + p.k1 * (1 - p.b + (p.b * dl) / p.avgdl));
}
