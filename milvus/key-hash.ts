import { crc32 } from 'node:zlib';

/**
 * The hashes Milvus routes keys with (pkg/util/typeutil/hash.go): an Int64 key is hashed by
 * `Hash32Int64`, MurmurHash3 (x86, 32-bit, seed 0) of its eight little-endian bytes with the
 * sign bit cleared; a VarChar key by `HashString2Uint32`, the CRC-32 (IEEE) of its first 100
 * UTF-8 bytes. A partition key picks partition `hash % numPartitions`.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

const rotl32 = (x: number, r: number) => (x << r) | (x >>> (32 - r));

/** One 32-bit block, mixed as both the body and the tail of MurmurHash3 mix it. */
const scramble = (k: number) => Math.imul(rotl32(Math.imul(k, C1), 15), C2);

/** MurmurHash3 x86 32-bit of `bytes` (Austin Appleby's reference algorithm), as an unsigned number. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks = bytes.length >>> 2;
  let h = seed | 0;
  for (let i = 0; i < blocks; i++) {
    h ^= scramble(view.getUint32(i * 4, true));
    h = (Math.imul(rotl32(h, 13), 5) + 0xe6546b64) | 0;
  }
  const rest = bytes.length & 3;
  if (rest) {
    // The last one to three bytes, little-endian.
    let tail = 0;
    for (let j = rest - 1; j >= 0; j--) tail = (tail << 8) | bytes[blocks * 4 + j]!;
    h ^= scramble(tail);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Reused by hashInt64Key: the eight bytes of one key. */
const int64Bytes = new Uint8Array(8);
const int64View = new DataView(int64Bytes.buffer);

/** Milvus's `Hash32Int64`. */
export function hashInt64Key(v: bigint): number {
  int64View.setBigUint64(0, BigInt.asUintN(64, v), true);
  return murmur3x86_32(int64Bytes) & 0x7fffffff;
}

/** Milvus hashes at most this many leading bytes of a string (`substringLengthForCRC`). */
const HASHED_STRING_BYTES = 100;

/** Milvus's `HashString2Uint32`. */
export function hashVarCharKey(s: string): number {
  return crc32(Buffer.from(s, 'utf8').subarray(0, HASHED_STRING_BYTES));
}

/** The hash Milvus routes a partition key value with: Int64 values are bigints, VarChar values strings. */
export const hashKey = (v: bigint | string): number => (typeof v === 'bigint' ? hashInt64Key(v) : hashVarCharKey(v));
