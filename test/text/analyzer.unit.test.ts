import { describe, expect, it } from 'vitest';
import { analyzerFor, AnalyzerError } from '../../text/analyzer.js';
import { termHash } from '../../text/term-hash.js';

/**
 * Analyzers as Milvus builds them from analyzer_params: the standard tokenizer's Unicode
 * alphanumeric runs, lowercase, stop words (`_english_`), length and alphanumonly filters;
 * Milvus's refusals of bad params with its messages, and Mishards's own for what it lacks.
 */
const terms = (params: object | undefined, text: string) =>
  analyzerFor(params === undefined ? undefined : JSON.stringify(params)).terms(text);

function refusal(params: string): { message: string; notSupported: boolean } {
  try {
    analyzerFor(params);
  } catch (e) {
    if (e instanceof AnalyzerError) return { message: e.message, notSupported: e.notSupported };
    throw e;
  }
  throw new Error(`params ${params} were accepted`);
}

describe('standard analyzer', () => {
  it('splits on every character that is not a Unicode letter or number, and lowercases', () => {
    expect(terms(undefined, "Hello, World! It's 42x-fast: Café 你好 naïve_d")).toEqual([
      'hello',
      'world',
      'it',
      's',
      '42x',
      'fast',
      'café',
      '你好',
      'naïve',
      'd',
    ]);
    expect(terms({}, 'The QUICK fox')).toEqual(['the', 'quick', 'fox']);
    expect(terms({ type: 'standard' }, 'The QUICK fox')).toEqual(['the', 'quick', 'fox']);
  });

  it('removes the stop words given, expanding _english_', () => {
    expect(terms({ type: 'standard', stop_words: ['_english_'] }, 'The fox and THE hound are in a box')).toEqual(['fox', 'hound', 'box']);
    expect(terms({ type: 'standard', stop_words: ['fox'] }, 'The fox')).toEqual(['the']);
  });

  it('reports byte offsets in UTF-8 and keeps positions through filters', () => {
    const tokens = analyzerFor(JSON.stringify({ type: 'standard', stop_words: ['the'] })).analyze('é the fox');
    expect(tokens).toEqual([
      { token: 'é', start: 0, end: 2, position: 0 },
      { token: 'fox', start: 7, end: 10, position: 2 },
    ]);
  });
});

describe('custom analyzers', () => {
  it('whitespace tokenizer keeps punctuation and case without filters', () => {
    expect(terms({ tokenizer: 'whitespace' }, ' Hello,  World!\tx ')).toEqual(['Hello,', 'World!', 'x']);
    expect(terms({ tokenizer: { type: 'whitespace' }, filter: ['lowercase'] }, 'A b')).toEqual(['a', 'b']);
  });

  it('applies filters in order: lowercase, stop, length (UTF-8 bytes), alphanumonly', () => {
    const params = {
      tokenizer: 'standard',
      filter: ['lowercase', { type: 'stop', stop_words: ['_english_', 'fox'] }, { type: 'length', max: 4 }, 'alphanumonly'],
    };
    expect(terms(params, 'The Fox jumps over a lazy dog, café')).toEqual(['over', 'lazy', 'dog']);
    // Stop words compare exactly: before lowercase, "The" is not "the".
    expect(terms({ tokenizer: 'standard', filter: [{ type: 'stop', stop_words: ['the'] }] }, 'The the')).toEqual(['The']);
  });
});

describe('refusals', () => {
  it("answers Milvus's messages for bad params", () => {
    const cases: [string, string][] = [
      ['[1]', 'params should be a json map'],
      ['{"type": 1}', 'analyzer type shoud be string'],
      ['{"type": "klingon"}', 'unknown build-in analyzer type: klingon'],
      ['{"filter": ["lowercase"]}', 'tokenizer name or type must be set'],
      ['{"tokenizer": 3}', 'tokenizer name should be string or dict'],
      ['{"tokenizer": {}}', 'costum tokenizer must set type'],
      ['{"tokenizer": "klingon"}', 'unsupported tokenizer: klingon'],
      ['{"tokenizer": "standard", "filters": []}', 'unknown analyzer option key: filters'],
      ['{"tokenizer": "standard", "filter": "lowercase"}', 'filter params should be array'],
      ['{"tokenizer": "standard", "filter": ["upper"]}', 'build analyzer failed, filter not found :upper'],
      ['{"tokenizer": "standard", "filter": [{"max": 3}]}', 'no type field in filter params'],
      ['{"tokenizer": "standard", "filter": [{"type": "shout"}]}', 'unsupport filter type: shout'],
      ['{"tokenizer": "standard", "filter": [{"type": "length"}]}', 'lenth max param was none or not uint'],
      ['{"tokenizer": "standard", "filter": [{"type": "stop", "stop_words": "a"}]}', 'stop_words should be array'],
      ['{"type": "standard", "stop_words": [1]}', 'filter stop_words list item should be string'],
    ];
    for (const [params, message] of cases) expect(refusal(params)).toEqual({ message, notSupported: false });
  });

  it('refuses what Milvus has and Mishards does not, as not supported', () => {
    for (const params of [
      '{"type": "english"}',
      '{"tokenizer": "jieba"}',
      '{"tokenizer": "standard", "filter": ["asciifolding"]}',
      '{"tokenizer": "standard", "filter": [{"type": "stemmer", "language": "english"}]}',
      '{"type": "standard", "stop_words": ["_french_"]}',
    ]) {
      expect(refusal(params).notSupported).toBe(true);
    }
  });
});

describe('term hash', () => {
  it("is Milvus's HashString2LessUint32: CRC-32 (IEEE) of the first 100 UTF-8 bytes", () => {
    expect(termHash('hello')).toBe(907060870);
    expect(termHash('world')).toBe(980881731);
    const long = 'x'.repeat(100);
    expect(termHash(`${long}tail`)).toBe(termHash(long));
    expect(termHash(`${'x'.repeat(99)}é`)).not.toBe(termHash('x'.repeat(99)));
  });
});
