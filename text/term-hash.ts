import { crc32 } from 'node:zlib';

/**
 * The sparse index Milvus gives a token in a BM25 function's output (typeutil's
 * HashString2LessUint32): the CRC-32 (IEEE) of the token's first 100 UTF-8 bytes, modulo
 * 2^32 - 1 so that it stays below the largest uint32 (which sparse rows may not use).
 */
const HASHED_PREFIX_BYTES = 100;
const MAX_UINT32 = 0xffffffff;

export function termHash(token: string): number {
  const bytes = Buffer.from(token, 'utf8');
  return crc32(bytes.length > HASHED_PREFIX_BYTES ? bytes.subarray(0, HASHED_PREFIX_BYTES) : bytes) % MAX_UINT32;
}
