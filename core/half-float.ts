/**
 * IEEE half precision (float16) and bfloat16 values, as Float16Vector and BFloat16Vector rows
 * hold them (two bytes per dimension, little-endian). Decoding is exact: every half and
 * bfloat16 value is a float32. Searches decode rows through 64K-entry tables (256 KiB each,
 * built on first use), which costs a lookup per element.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 value of a float16's bits. */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The float32 value of a bfloat16's bits: the upper half of a float32. */
export function bfloat16ToFloat32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0]!;
}

/** The float16 nearest to `x` (ties to even), as bits; beyond the range, infinity. */
export function float32ToFloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  // Unbiased exponent, rebiased for half precision.
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // A subnormal half (or zero): shift the mantissa, with its implicit bit, into place.
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const midway = 1 << (shift - 1);
    const rounded = rest > midway || (rest === midway && half & 1) ? half + 1 : half;
    return sign | rounded;
  }
  const half = mant >>> 13;
  const rest = mant & 0x1fff;
  let out = (e << 10) | half;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) out++;
  // A carry out of the mantissa moves the exponent up, to infinity at the top: still correct.
  e = out >> 10;
  return sign | (e >= 0x1f ? 0x7c00 : out);
}

/** The bfloat16 nearest to `x` (ties to even), as bits. */
export function float32ToBFloat16(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if ((bits & 0x7f800000) === 0x7f800000 && bits & 0x7fffff) return ((bits >>> 16) | 0x40) & 0xffff;
  const rounded = bits + 0x7fff + ((bits >>> 16) & 1);
  return (rounded >>> 16) & 0xffff;
}

let float16Table: Float32Array | undefined;
let bfloat16Table: Float32Array | undefined;

function table(decode: (h: number) => number): Float32Array {
  const out = new Float32Array(1 << 16);
  for (let h = 0; h < out.length; h++) out[h] = decode(h);
  return out;
}

/** The decoding table of float16 or bfloat16 bits: value = table[bits]. */
export function halfTable(kind: 'float16' | 'bfloat16'): Float32Array {
  if (kind === 'float16') {
    float16Table ??= table(float16ToFloat32);
    return float16Table;
  }
  bfloat16Table ??= table(bfloat16ToFloat32);
  return bfloat16Table;
}

/** Whether float16 bits are NaN or infinite (Milvus refuses such vectors). */
export const float16IsNotFinite = (h: number) => (h & 0x7c00) === 0x7c00;

/** Whether bfloat16 bits are NaN or infinite. */
export const bfloat16IsNotFinite = (h: number) => (h & 0x7f80) === 0x7f80;
