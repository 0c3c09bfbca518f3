/** MurmurHash3 x86_32 against its published test vectors. */
import { describe, expect, it } from 'vitest';
import { murmur3x86_32 } from '../../../cluster/routing/hash.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const text = (s: string) => new TextEncoder().encode(s);

describe('murmur3x86_32', () => {
  it.each([
    ['empty, seed 0', bytes(), 0, 0x00000000],
    ['empty, seed 1', bytes(), 1, 0x514e28b7],
    ['empty, seed 0xffffffff', bytes(), 0xffffffff, 0x81f16f39],
    ['ff ff ff ff', bytes(0xff, 0xff, 0xff, 0xff), 0, 0x76293b50],
    ['21 43 65 87', bytes(0x21, 0x43, 0x65, 0x87), 0, 0xf55b516b],
    ['21 43 65 87, seed 0x5082edee', bytes(0x21, 0x43, 0x65, 0x87), 0x5082edee, 0x2362f9de],
    ['21 43 65 (3-byte tail)', bytes(0x21, 0x43, 0x65), 0, 0x7e4a8634],
    ['21 43 (2-byte tail)', bytes(0x21, 0x43), 0, 0xa0f7b07a],
    ['21 (1-byte tail)', bytes(0x21), 0, 0x72661cf4],
    ['00 00 00 00', bytes(0, 0, 0, 0), 0, 0x2362f9de],
    ['00 00 00', bytes(0, 0, 0), 0, 0x85f0b427],
    ['00 00', bytes(0, 0), 0, 0x30f4c306],
    ['00', bytes(0), 0, 0x514e28b7],
    ['"Hello, world!", seed 1234', text('Hello, world!'), 1234, 0xfaf6cdb3],
    ['"The quick brown fox jumps over the lazy dog"', text('The quick brown fox jumps over the lazy dog'), 0, 0x2e4ff723],
  ])('%s', (_, input, seed, expected) => {
    expect(murmur3x86_32(input, seed)).toBe(expected);
  });

  it("passes SMHasher's verification value 0xB0F57EE3", () => {
    // SMHasher's VerificationTest: hash the keys {}, {0}, {0,1}, ... {0..254} with seeds 256 - length,
    // store the 256 results little-endian one after the other, and hash that buffer with seed 0.
    const key = new Uint8Array(256);
    const results = new DataView(new ArrayBuffer(256 * 4));
    for (let i = 0; i < 256; i++) {
      key[i] = i;
      results.setUint32(i * 4, murmur3x86_32(key.subarray(0, i), 256 - i), true);
    }
    expect(murmur3x86_32(new Uint8Array(results.buffer), 0)).toBe(0xb0f57ee3);
  });

  it('returns unsigned 32-bit integers and treats the seed as unsigned', () => {
    for (let n = 0; n < 64; n++) {
      const h = murmur3x86_32(bytes(...Array.from({ length: n }, (_, i) => (i * 37) & 0xff)));
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
    expect(murmur3x86_32(bytes(1, 2, 3), -1)).toBe(murmur3x86_32(bytes(1, 2, 3), 0xffffffff));
  });
});
