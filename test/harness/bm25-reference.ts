import { ENGLISH_STOP_WORDS } from '../../text/stop-words.js';

/**
 * A reference BM25 for full-text tests, computed apart from the code under test: the standard
 * analyzer with the English stop words (lowercase runs of Unicode alphanumerics, stop words
 * dropped), and Milvus's scoring (IDF weights in float32) over the given live documents.
 */
const STOP = new Set(ENGLISH_STOP_WORDS);

/** The reference analyzer: lowercase alphanumeric runs without the English stop words. */
export const referenceTerms = (text: string): string[] =>
  (text.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).filter((t) => !STOP.has(t));

const counts = (ts: string[]) => {
  const m = new Map<string, number>();
  for (const t of ts) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
};

/** BM25 scorer of a fixed set of documents (`texts` by id; `live` the ids that count). */
export function referenceBm25(texts: readonly string[], live: readonly number[]) {
  const docTf = texts.map((t) => counts(referenceTerms(t)));
  const docLength = docTf.map((m) => [...m.values()].reduce((a, b) => a + b, 0));
  const docFrequency = new Map<string, number>();
  for (const id of live) for (const t of docTf[id]!.keys()) docFrequency.set(t, (docFrequency.get(t) ?? 0) + 1);
  const avgdl = live.reduce((s, id) => s + docLength[id]!, 0) / live.length;
  /** Every live document holding a query term, best first (k1 1.2, b 0.75 unless given). */
  return (query: string, k1 = 1.2, b = 0.75): { id: number; score: number }[] => {
    const weights = [...counts(referenceTerms(query))].map(([t, n]) => {
      const df = docFrequency.get(t) ?? 0;
      return [t, Math.fround(n * Math.fround(Math.log(1 + (live.length - df + 0.5) / (df + 0.5))))] as const;
    });
    const out: { id: number; score: number }[] = [];
    for (const id of live) {
      let s = 0;
      let hit = false;
      for (const [t, w] of weights) {
        const tf = docTf[id]!.get(t);
        if (!tf) continue;
        hit = true;
        s += (w * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * docLength[id]!) / avgdl));
      }
      if (hit) out.push({ id, score: s });
    }
    return out.sort((x, y) => y.score - x.score || x.id - y.id);
  };
}
