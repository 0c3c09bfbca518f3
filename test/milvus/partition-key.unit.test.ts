/**
 * Partition-key mode's pieces: Milvus's key hashes (checked against the reference vectors of
 * MurmurHash3 and CRC-32), the partitions a collection starts with, and pruning a scope.
 */
import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import { hashInt64Key, hashVarCharKey, murmur3x86_32 } from '../../milvus/key-hash.js';
import { initialPartitionNames, partitionIndexOf, partitionsInHashOrder, prunedScope } from '../../milvus/partition-key.js';
import { collectionSchema, fieldSchema } from '../harness/schemas.js';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('key hashes', () => {
  // SMHasher's verification values of MurmurHash3_x86_32 (key, seed, hash).
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['\x21\x43\x65\x87', 0, 0xf55b516b],
    ['\x21\x43\x65\x87', 0x5082edee, 0x2362f9de],
    ['\x21\x43\x65', 0, 0x7e4a8634],
    ['\x21\x43', 0, 0xa0f7b07a],
    ['\x21', 0, 0x72661cf4],
    ['\0\0\0', 0, 0x85f0b427],
    ['\0\0', 0, 0x30f4c306],
    ['\0', 0, 0x514e28b7],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('murmur3 of %j with seed %i', (key, seed, hash) => {
    expect(murmur3x86_32(latin1(key), seed)).toBe(hash);
  });

  it("hashes an Int64 key as murmur3 of its little-endian bytes, sign bit cleared (Milvus's Hash32Int64)", () => {
    const bytes = (v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(v);
      return b;
    };
    for (const v of [0n, 1n, -1n, 42n, 1n << 40n, -(1n << 63n), (1n << 63n) - 1n]) {
      expect(hashInt64Key(v)).toBe(murmur3x86_32(bytes(v)) & 0x7fffffff);
      expect(hashInt64Key(v)).toBeLessThan(2 ** 31);
    }
    // All-zero bytes: the verification value above for four zero bytes does not apply to eight.
    expect(hashInt64Key(0n)).toBe(murmur3x86_32(new Uint8Array(8)) & 0x7fffffff);
  });

  it("hashes a VarChar key as the CRC-32 of its first 100 UTF-8 bytes (Milvus's HashString2Uint32)", () => {
    expect(hashVarCharKey('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
    expect(hashVarCharKey('')).toBe(0);
    const long = 'x'.repeat(100);
    expect(hashVarCharKey(`${long}tail`)).toBe(hashVarCharKey(long));
    expect(hashVarCharKey(`${'x'.repeat(99)}y`)).not.toBe(hashVarCharKey(long));
    // Bytes, not characters: 50 two-byte characters fill the 100.
    expect(hashVarCharKey(`${'é'.repeat(50)}z`)).toBe(hashVarCharKey('é'.repeat(50)));
  });
});

const keyed = (type: DataType) =>
  collectionSchema('c', [
    fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
    fieldSchema(101, 'k', type, { isPartitionKey: true, ...(type === DataType.VarChar ? { maxLength: 32 } : {}) }),
    fieldSchema(102, 'v', DataType.FloatVector, { dim: 2 }),
  ]);
const plain = collectionSchema('c', [fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true })]);

describe('initial partitions', () => {
  it('are _default without a partition key, which takes no num_partitions', () => {
    expect(initialPartitionNames(plain, 0)).toEqual(['_default']);
    expect(() => initialPartitionNames(plain, 4)).toThrow('num_partitions should only be specified with partition key field enabled');
  });

  it('are 16 partitions _default_<i> with a partition key, or num_partitions of them up to 1024', () => {
    expect(initialPartitionNames(keyed(DataType.Int64), 0)).toEqual(Array.from({ length: 16 }, (_, i) => `_default_${i}`));
    expect(initialPartitionNames(keyed(DataType.VarChar), 3)).toEqual(['_default_0', '_default_1', '_default_2']);
    expect(initialPartitionNames(keyed(DataType.Int64), 1024)).toHaveLength(1024);
    expect(() => initialPartitionNames(keyed(DataType.Int64), 1025)).toThrow('partition number (1025) exceeds max configuration (1024)');
    expect(() => initialPartitionNames(keyed(DataType.Int64), -1)).toThrow(
      'the specified partitions should be greater than 0 if partition key is used',
    );
  });
});

describe('pruning', () => {
  // Listed out of order, as a view may list them.
  const partitions = [2, 0, 3, 1].map((i) => ({ id: 10 + i, name: `_default_${i}` }));
  const all = new Set([10, 11, 12, 13]);
  const pruned = (expr: string, scope = all) => prunedScope(partitions, scope, compileFilter(expr, keyed(DataType.Int64)));

  it('orders partitions by their index, as Milvus does', () => {
    expect(partitionsInHashOrder(partitions).map((p) => p.id)).toEqual([10, 11, 12, 13]);
  });

  it('keeps the partitions the bounded keys hash to, within the scope', () => {
    const home = (k: bigint) => 10 + partitionIndexOf(k, 4);
    expect(pruned('k == 7')).toEqual(new Set([home(7n)]));
    expect(pruned('k in [1, 2, 3] and id > 0')).toEqual(new Set([home(1n), home(2n), home(3n)]));
    expect(pruned('k == 7', new Set([home(7n) === 10 ? 11 : 10]))).toEqual(new Set());
  });

  it('keeps the whole scope when the filter does not bound the key, or bounds it to nothing', () => {
    for (const expr of ['', 'id > 3', 'k == 1 or id == 2', 'k != 1', 'k > 1', 'k == 1 and k == 2']) expect(pruned(expr)).toBe(all);
  });

  it('stops hashing a long key list once every partition is hit', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => i).join(',');
    expect(pruned(`k in [${keys}]`)).toBe(all);
  });
});
