/**
 * MurmurHash3 x86_32 (Austin Appleby's public-domain MurmurHash3, 32-bit x86 variant), written
 * out over bytes. Routing needs a hash that every coordinator and reader computes identically,
 * on any platform and Node version: this one is fixed by its published test vectors and uses
 * only 32-bit integer arithmetic (Math.imul, unsigned shifts), so no engine string hashing, no
 * floating point and no endianness of the host is involved.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const rotl32 = (x: number, r: number) => (x << r) | (x >>> (32 - r));

/** The block scramble applied to every 4-byte word (and to the tail). */
function scramble(k: number): number {
  return Math.imul(rotl32(Math.imul(k, C1), 15), C2);
}

/** MurmurHash3_x86_32 of `bytes` with `seed`; an unsigned 32-bit integer. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const len = bytes.length;
  const blocksEnd = len - (len & 3);
  let h = seed >>> 0;
  for (let i = 0; i < blocksEnd; i += 4) {
    // Words are read little-endian, as the reference does on x86; spelling it out keeps big-endian hosts identical.
    const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= scramble(k);
    h = (Math.imul(rotl32(h, 13), 5) + 0xe6546b64) | 0;
  }
  const rest = len & 3;
  if (rest > 0) {
    let tail = bytes[blocksEnd]!;
    if (rest > 1) tail |= bytes[blocksEnd + 1]! << 8;
    if (rest > 2) tail |= bytes[blocksEnd + 2]! << 16;
    h ^= scramble(tail);
  }
  h ^= len;
  // Final avalanche (fmix32): every input bit flips about half the output bits, so keys one bit
  // apart, like consecutive segment ids, land far apart on the ring.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
