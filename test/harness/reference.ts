/** Brute-force reference scores in Milvus conventions: L2 squared, IP and COSINE similarities. */
export type Metric = 'L2' | 'IP' | 'COSINE';

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (v: number[]) => Math.sqrt(dot(v, v));

export const score: Record<Metric, (a: number[], b: number[]) => number> = {
  L2: (a, b) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0),
  IP: dot,
  COSINE: (a, b) => dot(a, b) / (norm(a) * norm(b)),
};

/**
 * Whether two scores are closer than float32 resolution allows telling apart (relative `tie`):
 * the nodes compute in float32, the reference in float64, so such rows may rank either way.
 */
export const nearTie = (a: number, b: number, tie = 1e-5) => Math.abs(a - b) <= tie * Math.max(1, Math.abs(b));

/** The exact ranking of `rows` for query `q`: best first, with scores. */
export function rank(rows: Iterable<[number, number[]]>, q: number[], metric: Metric): { id: number; s: number }[] {
  const ranked = [...rows].map(([id, v]) => ({ id, s: score[metric](q, v) }));
  ranked.sort((a, b) => (metric === 'L2' ? a.s - b.s : b.s - a.s));
  return ranked;
}

/**
 * Asserts that a returned ranking equals the exact one: same ids in the same order, same
 * scores. The nodes compute in float32, the reference in float64, so two rows whose scores
 * differ by less than float32 resolution (`tie`) may come out in either order; only such
 * near-ties may differ in position.
 */
export function rankingMismatch(
  got: { id: number; score: number }[],
  want: { id: number; s: number }[],
  exact: (id: number) => number,
  tie = 1e-5,
): string | undefined {
  if (got.length !== want.length) return `got ${got.length} hits, want ${want.length}`;
  for (let j = 0; j < want.length; j++) {
    const g = got[j]!;
    const w = want[j]!;
    if (!nearTie(g.score, w.s, tie)) return `rank ${j}: score ${g.score}, want ${w.s} (id ${w.id})`;
    if (g.id !== w.id && !nearTie(exact(g.id), w.s, tie)) return `rank ${j}: id ${g.id}, want ${w.id}`;
  }
  return undefined;
}
