import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter, FilterError } from '../../filter/index.js';
import { ENGLISH_STOP_WORDS } from '../../text/stop-words.js';
import { prng } from '../harness/prng.js';
import { batchOf, field, matching, refusal, schemaOf } from './fixtures.js';

/**
 * phrase_match(field, 'phrase', slop) and text_match(field, 'query', minimum_should_match=n)
 * against naive references. A text's words are its lowercase alphanumeric runs, numbered in
 * order; stop words are dropped but keep their numbers. A phrase matches when some choice of
 * one occurrence per phrase word, each numbered back by the word's own number in the phrase,
 * spans at most `slop` (tried by brute force); a phrase of one word is a text match.
 */
const STOP = new Set(ENGLISH_STOP_WORDS);
const ANALYZER = JSON.stringify({ type: 'standard', stop_words: ['_english_'] });
const numbered = (text: string) =>
  (text.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).map((w, n) => ({ w, n })).filter((t) => !STOP.has(t.w));

const schema = schemaOf([
  field('id', DataType.Int64, { isPrimaryKey: true }),
  field('body', DataType.VarChar, { maxLength: 512, enableAnalyzer: true, enableMatch: true, analyzerParams: ANALYZER }),
  field('note', DataType.VarChar, { maxLength: 64, nullable: true, enableAnalyzer: true, enableMatch: true }),
  field('plain', DataType.VarChar, { maxLength: 64 }),
  field('n', DataType.Int64),
]);

const VOCAB = ['red', 'green', 'blue', 'the', 'of', 'fox', 'dog', 'Jumps', 'over', 'lazy'];
const next = prng(11);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
const sentence = (n: number) => Array.from({ length: n }, () => pick(VOCAB)).join(pick([' ', ', ', '. ']));
const rows = Array.from({ length: 800 }, (_, i) => ({
  id: BigInt(i),
  body: sentence(2 + Math.floor(next() * 14)),
  note: next() < 0.25 ? null : sentence(1 + Math.floor(next() * 4)),
  plain: 'x',
  n: BigInt(i % 5),
}));
const batch = batchOf(schema, rows);

function naivePhrase(text: string | null, phrase: string, slop: number): boolean {
  if (text === null) return false;
  const want = numbered(phrase);
  const have = numbered(text);
  if (want.length < 2) return want.some((q) => have.some((t) => t.w === q.w));
  const choose = (k: number, lo: number, hi: number): boolean =>
    k === want.length ||
    have.some((t) => {
      if (t.w !== want[k]!.w) return false;
      const at = t.n - want[k]!.n;
      const [l, h] = k === 0 ? [at, at] : [Math.min(lo, at), Math.max(hi, at)];
      return h - l <= slop && choose(k + 1, l, h);
    });
  return choose(0, 0, 0);
}

function naiveAtLeast(text: string | null, query: string, n: number): boolean {
  if (text === null) return false;
  const have = new Set(numbered(text).map((t) => t.w));
  return numbered(query).filter((q) => have.has(q.w)).length >= n;
}

const expected = (test: (r: (typeof rows)[number]) => boolean) => rows.flatMap((r, i) => (test(r) ? [i] : []));

describe('phrase_match', () => {
  const PHRASES = [
    'red green',
    'fox jumps over',
    'green red',
    'the lazy dog',
    'blue of blue',
    'lazy, DOG. fox red',
    'fox fox',
    'jumps',
    'the of',
  ];
  it.each(PHRASES.flatMap((p) => [0, 1, 2, 5].map((slop) => [p, slop] as const)))(
    'equals the naive reference on body: %s, slop %i',
    (phrase, slop) => {
      const f = compileFilter(`phrase_match(body, '${phrase}', ${slop})`, schema);
      expect(matching(f.evaluate(batch))).toEqual(expected((r) => naivePhrase(r.body, phrase, slop)));
    },
  );

  it('matches some rows and not others for the same words, by their distance and order', () => {
    const exact = matching(compileFilter(`phrase_match(body, 'red green')`, schema).evaluate(batch));
    const loose = matching(compileFilter(`PHRASE_MATCH(body, 'red green', 2)`, schema).evaluate(batch));
    const both = expected((r) => /red/i.test(r.body) && /green/i.test(r.body));
    expect(exact.length).toBeGreaterThan(0);
    expect(loose.length).toBeGreaterThan(exact.length);
    expect(both.length).toBeGreaterThan(loose.length);
    // The default analyzer keeps stop words; null rows never match, `not` leaves them out too.
    const keepsStop = compileFilter(`not phrase_match(note, 'the fox') and n > 1`, schema);
    const words = (t: string) => (t.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).join(' ');
    expect(matching(keepsStop.evaluate(batch))).toEqual(expected((r) => r.note !== null && !words(r.note).includes('the fox') && r.n > 1n));
  });

  it('refuses a slop Milvus refuses, with its messages', () => {
    const message = (expr: string) => refusal(expr, schema);
    expect(message(`phrase_match(body, 'a b', -1)`)).toContain('"slop" should not be a negative interger. "slop" passed: -1');
    expect(message(`phrase_match(body, 'a b', n + 1)`)).toContain(
      '"slop" should be a const integer expression with "uint32" value. "slop" expression passed: n+1',
    );
    expect(message(`phrase_match(body, 'a b', 4294967296)`)).toContain(
      '"slop" exceeds the range of "uint32". "slop" expression passed: 4294967296',
    );
    expect(message(`phrase_match(plain, 'a b')`)).toContain('field "plain" does not enable match');
    expect(message(`phrase_match(n, 'a b')`)).toContain('phrase match operation on non-string is unsupported');
  });
});

describe('text_match with minimum_should_match', () => {
  it.each([
    ['red green blue', 2],
    ['red green blue', 3],
    ['fox fox dog', 2],
    ['lazy over jumps dog', 1],
    ['the of red', 2],
  ] as const)('equals the naive reference on body: %s, at least %i', (query, n) => {
    const f = compileFilter(`text_match(body, '${query}', minimum_should_match=${n})`, schema);
    expect(matching(f.evaluate(batch))).toEqual(expected((r) => naiveAtLeast(r.body, query, n)));
  });

  it("refuses values out of Milvus's bounds and other options", () => {
    const refusal = (expr: string) => () => compileFilter(expr, schema);
    expect(refusal(`text_match(body, 'red', minimum_should_match=0)`)).toThrow('minimum_should_match should be >= 1, got 0');
    expect(refusal(`text_match(body, 'red', minimum_should_match=1001)`)).toThrow('minimum_should_match should be <= 1000, got 1001');
    expect(refusal(`text_match(body, 'red', slop=1)`)).toThrow(FilterError);
    expect(refusal(`text_match(body, 'red', minimum_should_match=1.5)`)).toThrow(FilterError);
  });
});
