/**
 * mulberry32: a tiny seeded generator, identical on every platform, so tests and benchmarks
 * see the same data on every run. Returns floats in [0, 1).
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Floats in [-1, 1) from a seeded generator. */
export function signedPrng(seed: number): () => number {
  const next = prng(seed);
  return () => next() * 2 - 1;
}
