/**
 * Distance kernels: one pair of vectors at a time, in double precision. Float sums use four
 * partial sums to break the add dependency chain (float32 products are exact in a double, so
 * the result differs from a one-sum loop only far below float32 resolution).
 *
 * Typed-array reads here are `as number`: callers fix every index inside bounds before their
 * loops, and a check per element would only be cost.
 */

export function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    s0 += (a[ao + d] as number) * (b[bo + d] as number);
    s1 += (a[ao + d + 1] as number) * (b[bo + d + 1] as number);
    s2 += (a[ao + d + 2] as number) * (b[bo + d + 2] as number);
    s3 += (a[ao + d + 3] as number) * (b[bo + d + 3] as number);
  }
  for (; d < dim; d++) s0 += (a[ao + d] as number) * (b[bo + d] as number);
  return s0 + s1 + (s2 + s3);
}

export function l2(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < dim; d += 4) {
    const e0 = (a[ao + d] as number) - (b[bo + d] as number);
    const e1 = (a[ao + d + 1] as number) - (b[bo + d + 1] as number);
    const e2 = (a[ao + d + 2] as number) - (b[bo + d + 2] as number);
    const e3 = (a[ao + d + 3] as number) - (b[bo + d + 3] as number);
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; d < dim; d++) {
    const e = (a[ao + d] as number) - (b[bo + d] as number);
    s0 += e * e;
  }
  return s0 + s1 + (s2 + s3);
}

/** Set bits of every byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x; x >>= 1) n += x & 1;
  return n;
});

/** Bits that differ between two packed binary vectors of `bytes` bytes. */
export function hamming(a: Uint8Array, ao: number, b: Uint8Array, bo: number, bytes: number): number {
  let n = 0;
  for (let i = 0; i < bytes; i++) n += POPCOUNT[(a[ao + i] as number) ^ (b[bo + i] as number)] as number;
  return n;
}

/**
 * Jaccard distance of two packed binary vectors: 1 - |a AND b| / |a OR b|. Two vectors with no
 * bit set are identical: distance 0.
 */
export function jaccard(a: Uint8Array, ao: number, b: Uint8Array, bo: number, bytes: number): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < bytes; i++) {
    const x = a[ao + i] as number;
    const y = b[bo + i] as number;
    both += POPCOUNT[x & y] as number;
    either += POPCOUNT[x | y] as number;
  }
  return either === 0 ? 0 : 1 - both / either;
}

/**
 * Inner product of two sparse rows, each given as its entries [start, end) of `ids` (ascending)
 * and `weights`: a merge of the two index lists.
 */
export function sparseDot(
  aIds: Uint32Array,
  aWeights: Float32Array,
  aStart: number,
  aEnd: number,
  bIds: Uint32Array,
  bWeights: Float32Array,
  bStart: number,
  bEnd: number,
): number {
  let s = 0;
  let i = aStart;
  let j = bStart;
  while (i < aEnd && j < bEnd) {
    const x = aIds[i] as number;
    const y = bIds[j] as number;
    if (x === y) s += (aWeights[i++] as number) * (bWeights[j++] as number);
    else if (x < y) i++;
    else j++;
  }
  return s;
}
