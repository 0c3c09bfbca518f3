import { describe, expect, it } from 'vitest';
import { DataType } from '../../core/schema.js';
import { compileFilter } from '../../filter/index.js';
import { prng } from '../harness/prng.js';
import { batchOf, field, matching, refusal, schemaOf } from './fixtures.js';

/**
 * text_match(field, 'query') against a naive reference: a row matches when its text, split
 * into lowercase alphanumeric words minus the stop words, shares a word with the query split
 * the same way; null rows never match, `not` leaves them out too.
 */
const ANALYZER = JSON.stringify({ type: 'standard', stop_words: ['_english_'] });
const STOP = new Set([
  'a',
  'an',
  'and',
  'the',
  'of',
  'to',
  'in',
  'is',
  'it',
  'with',
  'for',
  'on',
  'at',
  'by',
  'be',
  'as',
  'or',
  'not',
  'no',
  'but',
  'if',
  'into',
  'such',
  'that',
  'their',
  'then',
  'there',
  'these',
  'they',
  'this',
  'was',
  'will',
  'are',
]);
const words = (text: string) => (text.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));

const schema = schemaOf([
  field('id', DataType.Int64, { isPrimaryKey: true }),
  field('body', DataType.VarChar, { maxLength: 512, enableAnalyzer: true, enableMatch: true, analyzerParams: ANALYZER }),
  field('note', DataType.VarChar, { maxLength: 64, nullable: true, enableAnalyzer: true, enableMatch: true }),
  field('plain', DataType.VarChar, { maxLength: 64 }),
  field('n', DataType.Int64),
]);

const VOCAB = [
  'Apple',
  'banana',
  'cherry',
  'the',
  'and',
  'Dates',
  'elder-berry',
  'fig',
  'grape',
  'honeydew',
  'kiwi',
  'lemon',
  'mango',
  '42',
  'café',
  'über',
];
const next = prng(7);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
const sentence = (n: number) => Array.from({ length: n }, () => pick(VOCAB)).join(pick([' ', ', ', '; ', '  ']));
const rows = Array.from({ length: 600 }, (_, i) => ({
  id: BigInt(i),
  body: sentence(1 + Math.floor(next() * 12)),
  note: next() < 0.2 ? null : sentence(1 + Math.floor(next() * 3)),
  plain: 'x',
  n: BigInt(i % 7),
}));
const batch = batchOf(schema, rows);

const naive = (text: string | null, query: string) => {
  if (text === null) return false;
  const have = new Set(words(text));
  return words(query).some((w) => have.has(w));
};

describe('text_match', () => {
  it.each(['apple', 'BANANA cherry', 'the and', 'elder berry', 'café über', '42 kiwi', 'nothing here', "fig's grape!"])(
    'equals the naive reference on body: %s',
    (query) => {
      const f = compileFilter(`text_match(body, '${query.replace(/'/g, "\\'")}')`, schema);
      const expected = rows.flatMap((r, i) => (naive(r.body, query) ? [i] : []));
      expect(matching(f.evaluate(batch))).toEqual(expected);
    },
  );

  it('composes with other predicates, candidates and nulls (the default analyzer keeps stop words)', () => {
    const f = compileFilter(`TEXT_MATCH(note, 'the mango') and n > 2`, schema);
    const stopless = (t: string | null) =>
      t !== null && (t.toLowerCase().match(/[\p{Alphabetic}\p{N}]+/gu) ?? []).some((w) => w === 'the' || w === 'mango');
    expect(matching(f.evaluate(batch))).toEqual(rows.flatMap((r, i) => (stopless(r.note) && r.n > 2n ? [i] : [])));
    const negated = compileFilter(`not text_match(note, 'mango')`, schema);
    const mango = (t: string | null) => t !== null && /mango/i.test(t);
    expect(matching(negated.evaluate(batch))).toEqual(rows.flatMap((r, i) => (r.note !== null && !mango(r.note) ? [i] : [])));
    const candidates = Uint8Array.from(rows, (_, i) => (i % 2 === 0 ? 1 : 0));
    const some = compileFilter(`text_match(body, 'apple')`, schema);
    expect(matching(some.evaluate(batch, candidates))).toEqual(rows.flatMap((r, i) => (i % 2 === 0 && naive(r.body, 'apple') ? [i] : [])));
  });

  it('matches nothing when the query is all stop words', () => {
    expect(matching(compileFilter(`text_match(body, 'the and of')`, schema).evaluate(batch))).toEqual([]);
  });

  it("refuses fields without match and non-string fields with Milvus's messages", () => {
    const message = (expr: string) => refusal(expr, schema);
    expect(message(`text_match(plain, 'x')`)).toContain('field "plain" does not enable match');
    expect(message(`text_match(n, 'x')`)).toContain('text match operation on non-string is unsupported');
    expect(message(`text_match(body, 3)`)).toContain('a string in text_match');
  });
});
