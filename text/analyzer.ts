import { languageStopWords } from './stop-words.js';

/**
 * Text analyzers as Milvus builds them from a VarChar field's `analyzer_params` (its tantivy
 * binding: analyzer.rs, tokenizers/, filter/): a tokenizer, then filters in order. The
 * params are checked as Milvus checks them, with its messages; what Milvus has and Mishards
 * does not (other tokenizers and filters, stemming, dictionaries) is refused as not
 * supported, never silently analyzed differently.
 *
 * - `standard` tokenizer (tantivy's SimpleTokenizer): maximal runs of Unicode alphanumeric
 *   characters (Alphabetic or a number category), everything else separates.
 * - `whitespace` tokenizer: runs of characters other than ASCII whitespace.
 * - The `standard` analyzer (the default, and `{"type": "standard"}`): the standard tokenizer
 *   and `lowercase`, then the `stop_words` given, if any.
 * - Filters: `lowercase`, `alphanumonly`, `{"type": "length", "max": n}` (tokens of at most n
 *   UTF-8 bytes), `{"type": "stop", "stop_words": [...]}` (`_english_` expands to the English
 *   list).
 */

/** One token of a text: its text, byte offsets in the UTF-8 text, and its position (filters keep positions). */
export interface AnalyzedToken {
  token: string;
  start: number;
  end: number;
  position: number;
}

export interface Analyzer {
  /** The tokens of a text, after every filter. */
  analyze(text: string): AnalyzedToken[];
  /** Just the tokens' texts. */
  terms(text: string): string[];
}

/** A refusal of analyzer params: Milvus's own (`notSupported` false), or one of what Mishards does not implement. */
export class AnalyzerError extends Error {
  constructor(
    message: string,
    readonly notSupported = false,
  ) {
    super(message);
  }
}

const unsupported = (what: string) => new AnalyzerError(`${what} is not supported by Mishards`, true);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Tokenizer = (text: string) => AnalyzedToken[];
type TokenFilter = (tokens: AnalyzedToken[]) => AnalyzedToken[];

const ALPHANUMERIC = /[\p{Alphabetic}\p{N}]+/gu;
const NOT_ASCII_WHITESPACE = /[^ \t\n\f\r]+/g;
const ASCII_ALPHANUMERIC = /^[A-Za-z0-9]*$/;
const encoder = new TextEncoder();
const utf8Length = (s: string): number => encoder.encode(s).length;

/** Tokens of the runs `pattern` matches, with UTF-8 byte offsets, as tantivy reports them. */
function runsTokenizer(pattern: RegExp): Tokenizer {
  return (text) => {
    const out: AnalyzedToken[] = [];
    let bytes = 0;
    let chars = 0;
    for (const m of text.matchAll(pattern)) {
      bytes += utf8Length(text.slice(chars, m.index));
      const end = bytes + utf8Length(m[0]);
      out.push({ token: m[0], start: bytes, end, position: out.length });
      bytes = end;
      chars = m.index + m[0].length;
    }
    return out;
  };
}

const TOKENIZERS: Record<string, Tokenizer> = {
  standard: runsTokenizer(ALPHANUMERIC),
  whitespace: runsTokenizer(NOT_ASCII_WHITESPACE),
};

/** Tokenizers Milvus has that Mishards does not. */
const MILVUS_ONLY_TOKENIZERS = new Set([
  'jieba',
  'lindera',
  'icu',
  'char_group',
  'language_identifier',
  'grpc',
  'ngram',
  'custom_delimiter',
  'thai',
]);

const lowercase: TokenFilter = (tokens) => tokens.map((t) => ({ ...t, token: t.token.toLowerCase() }));
const alphanumOnly: TokenFilter = (tokens) => tokens.filter((t) => ASCII_ALPHANUMERIC.test(t.token));

/** The filters named by a string, as Milvus's SystemFilter::from names them. */
const NAMED_FILTERS: Record<string, TokenFilter | undefined> = {
  lowercase,
  alphanumonly: alphanumOnly,
  asciifolding: undefined,
  cncharonly: undefined,
  cnalphanumonly: undefined,
  removepunct: undefined,
};

/** Filter types Milvus has (in a filter object) that Mishards does not. */
const MILVUS_ONLY_FILTER_TYPES = new Set(['decompounder', 'stemmer', 'regex', 'synonym']);

const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A list of strings (`label` names it in Milvus's messages). */
function stringList(v: Json, label: string): string[] {
  if (!Array.isArray(v)) throw new AnalyzerError(`${label} should be array`);
  return v.map((item) => {
    if (typeof item !== 'string') throw new AnalyzerError(`${label} list item should be string`);
    return item;
  });
}

/** Stop words with language lists (`_english_`) expanded; other words are taken as they are. */
function stopWordList(words: string[]): Set<string> {
  const out = new Set<string>();
  for (const w of words) {
    const list = languageStopWords(w, (m) => new AnalyzerError(m, true));
    for (const s of list ?? [w]) out.add(s);
  }
  return out;
}

const stopFilter =
  (words: Set<string>): TokenFilter =>
  (tokens) =>
    tokens.filter((t) => !words.has(t.token));

function filterObject(params: { [key: string]: Json }): TokenFilter {
  const type = params.type;
  if (type === undefined) throw new AnalyzerError('no type field in filter params');
  if (typeof type !== 'string') throw new AnalyzerError('filter type should be string');
  switch (type) {
    case 'length': {
      const max = params.max;
      if (typeof max !== 'number' || !Number.isInteger(max) || max < 0) throw new AnalyzerError('lenth max param was none or not uint');
      return (tokens) => tokens.filter((t) => utf8Length(t.token) <= max);
    }
    case 'stop': {
      if (params.stop_words_file !== undefined) throw unsupported('stop_words_file');
      const words = params.stop_words === undefined ? [] : stringList(params.stop_words, 'stop_words');
      return stopFilter(stopWordList(words));
    }
    default:
      if (MILVUS_ONLY_FILTER_TYPES.has(type)) throw unsupported(`filter type ${type}`);
      throw new AnalyzerError(`unsupport filter type: ${type}`);
  }
}

function filters(list: Json): TokenFilter[] {
  if (!Array.isArray(list)) throw new AnalyzerError('filter params should be array');
  const out: TokenFilter[] = [];
  for (const item of list) {
    if (typeof item === 'string') {
      if (!(item in NAMED_FILTERS)) throw new AnalyzerError(`build analyzer failed, filter not found :${item}`);
      const named = NAMED_FILTERS[item];
      if (!named) throw unsupported(`filter ${item}`);
      out.push(named);
    } else if (isObject(item)) {
      out.push(filterObject(item));
    }
    // Milvus skips items that are neither a name nor an object.
  }
  return out;
}

function tokenizerOf(params: Json | undefined): Tokenizer {
  if (params === undefined) throw new AnalyzerError('tokenizer name or type must be set');
  let name: string;
  if (typeof params === 'string') name = params;
  else if (isObject(params)) {
    if (params.type === undefined) throw new AnalyzerError('costum tokenizer must set type');
    if (typeof params.type !== 'string') throw new AnalyzerError('tokenizer type should be string');
    name = params.type;
  } else throw new AnalyzerError('tokenizer name should be string or dict');
  const tokenizer = TOKENIZERS[name];
  if (tokenizer) return tokenizer;
  if (MILVUS_ONLY_TOKENIZERS.has(name)) throw unsupported(`tokenizer ${name}`);
  throw new AnalyzerError(`unsupported tokenizer: ${name}`);
}

function pipeline(tokenizer: Tokenizer, steps: TokenFilter[]): Analyzer {
  const analyze = (text: string) => steps.reduce((tokens, step) => step(tokens), tokenizer(text));
  return { analyze, terms: (text) => analyze(text).map((t) => t.token) };
}

/** The standard analyzer: standard tokenizer, lowercase, and the stop words when there are any. */
function standardAnalyzer(stopWords: string[]): Analyzer {
  const steps = [lowercase];
  if (stopWords.length) steps.push(stopFilter(stopWordList(stopWords)));
  return pipeline(TOKENIZERS.standard!, steps);
}

function builtIn(type: Json, params: { [key: string]: Json }): Analyzer {
  if (typeof type !== 'string') throw new AnalyzerError('analyzer type shoud be string');
  const stopWords = params.stop_words === undefined ? [] : stringList(params.stop_words, 'filter stop_words');
  if (type === 'standard') return standardAnalyzer(stopWords);
  if (type === 'english' || type === 'chinese') throw unsupported(`analyzer type ${type}`);
  throw new AnalyzerError(`unknown build-in analyzer type: ${type}`);
}

function custom(params: { [key: string]: Json }): Analyzer {
  const tokenizer = tokenizerOf(params.tokenizer);
  const steps: TokenFilter[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (key === 'tokenizer') continue;
    if (key !== 'filter') throw new AnalyzerError(`unknown analyzer option key: ${key}`);
    steps.push(...filters(value));
  }
  return pipeline(tokenizer, steps);
}

/** Builds the analyzer of `analyzer_params` as sent (JSON text; empty or absent: the standard analyzer). */
function build(params: string): Analyzer {
  if (params.trim() === '') return standardAnalyzer([]);
  let parsed: Json;
  try {
    parsed = JSON.parse(params);
  } catch (e) {
    throw new AnalyzerError(`analyzer params are not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(parsed)) throw new AnalyzerError('params should be a json map');
  if (Object.keys(parsed).length === 0) return standardAnalyzer([]);
  if (parsed.type !== undefined) return builtIn(parsed.type, parsed);
  return custom(parsed);
}

/** Analyzers are pure functions of their params: one per distinct params text, built once. */
const built = new Map<string, Analyzer>();
const MAX_CACHED = 256;

/** The analyzer of a field's `analyzer_params` (undefined: the standard analyzer); throws AnalyzerError. */
export function analyzerFor(params: string | undefined): Analyzer {
  const key = params ?? '';
  let analyzer = built.get(key);
  if (!analyzer) {
    analyzer = build(key);
    if (built.size >= MAX_CACHED) built.delete(built.keys().next().value!);
    built.set(key, analyzer);
  }
  return analyzer;
}
