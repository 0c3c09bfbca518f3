import { FilterError } from './errors.js';

/**
 * Tokens of the Milvus filter language. The token rules follow Milvus's Plan.g4 lexer,
 * including its longest-match behaviour (`1and` is `1` `and`, `and["k"]` is a JSON
 * identifier, `is null` must be spelled with exactly one space).
 */
export type TokKind =
  | 'int'
  | 'float'
  | 'bool'
  | 'str'
  | 'ident'
  | 'meta'
  | 'json'
  | 'func'
  | 'and'
  | 'or'
  | 'not'
  | 'in'
  | 'like'
  | 'exists'
  | 'isnull'
  | 'isnotnull'
  | '('
  | ')'
  | '['
  | ']'
  | '{'
  | '}'
  | ','
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '**'
  | '<<'
  | '>>'
  | '&'
  | '|'
  | '^'
  | '~'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '=~'
  | '!~'
  | '='
  | 'eof';

/** One `[...]` step of a JSON identifier; `quoted` is false for a bare integer index. */
export interface JsonKey {
  key: string;
  quoted: boolean;
  pos: number;
}

export interface Token {
  kind: TokKind;
  pos: number;
  end: number;
  /** Decoded payloads; which one is set depends on `kind`. */
  int?: bigint;
  float?: number;
  bool?: boolean;
  str?: string;
  /** Identifier, `$meta`, JSON identifier base, or canonical (lower-case) function name. */
  name?: string;
  keys?: JsonKey[];
}

const KEYWORDS = new Map<string, TokKind>([
  ['and', 'and'],
  ['AND', 'and'],
  ['or', 'or'],
  ['OR', 'or'],
  ['not', 'not'],
  ['NOT', 'not'],
  ['in', 'in'],
  ['IN', 'in'],
  ['like', 'like'],
  ['LIKE', 'like'],
  ['exists', 'exists'],
  ['EXISTS', 'exists'],
]);

const BOOLEANS = new Map<string, boolean>([
  ['true', true],
  ['True', true],
  ['TRUE', true],
  ['false', false],
  ['False', false],
  ['FALSE', false],
]);

/** Functions that are lexer keywords in Milvus (lower or upper case only). */
const FUNCTIONS = [
  'json_contains',
  'json_contains_all',
  'json_contains_any',
  'array_contains',
  'array_contains_all',
  'array_contains_any',
  'array_length',
  'text_match',
  'phrase_match',
  'st_equals',
  'st_touches',
  'st_overlaps',
  'st_crosses',
  'st_contains',
  'st_intersects',
  'st_within',
  'st_dwithin',
  'st_isvalid',
];
const FUNCTION_TOKENS = new Map<string, string>();
for (const f of FUNCTIONS) {
  FUNCTION_TOKENS.set(f, f);
  FUNCTION_TOKENS.set(f.toUpperCase(), f);
}

const PUNCT2 = new Map<string, TokKind>([
  ['**', '**'],
  ['<<', '<<'],
  ['>>', '>>'],
  ['<=', '<='],
  ['>=', '>='],
  ['==', '=='],
  ['!=', '!='],
  ['&&', 'and'],
  ['||', 'or'],
  ['=~', '=~'],
  ['!~', '!~'],
]);

const PUNCT1 = new Map<string, TokKind>([
  ['(', '('],
  [')', ')'],
  ['[', '['],
  [']', ']'],
  ['{', '{'],
  ['}', '}'],
  [',', ','],
  ['+', '+'],
  ['-', '-'],
  ['*', '*'],
  ['/', '/'],
  ['%', '%'],
  ['&', '&'],
  ['|', '|'],
  ['^', '^'],
  ['~', '~'],
  ['!', 'not'],
  ['<', '<'],
  ['>', '>'],
  ['=', '='],
]);

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

const isDigit = (c: string) => c >= '0' && c <= '9';
const isOctal = (c: string) => c >= '0' && c <= '7';
const isHex = (c: string) => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const isIdentStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isIdentPart = (c: string) => isIdentStart(c) || isDigit(c);

export function tokenize(src: string): Token[] {
  const toks: Token[] = [];
  let p = 0;
  const n = src.length;
  while (p < n) {
    const c = src[p]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      p++;
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(src[p + 1] ?? ''))) {
      const t = lexPlainInt(src, p) ?? lexNumber(src, p);
      toks.push(t);
      p = t.end;
      continue;
    }
    if (c === '"' || c === "'") {
      const t = lexString(src, p, p, false);
      toks.push(t);
      p = t.end;
      continue;
    }
    if (isIdentStart(c)) {
      let q = p + 1;
      while (q < n && isIdentPart(src[q]!)) q++;
      const word = src.slice(p, q);
      // Raw strings: r"..." is longer than the identifier `r`, so it wins.
      if ((word === 'r' || word === 'R') && (src[q] === '"' || src[q] === "'")) {
        const t = lexString(src, p, q, true);
        toks.push(t);
        p = t.end;
        continue;
      }
      const json = lexJsonSuffix(src, q);
      if (json) {
        toks.push({ kind: 'json', pos: p, end: json.end, name: word, keys: json.keys });
        p = json.end;
        continue;
      }
      const nullTok = lexIsNull(src, p, word);
      if (nullTok) {
        toks.push(nullTok);
        p = nullTok.end;
        continue;
      }
      const kw = KEYWORDS.get(word);
      const bool = BOOLEANS.get(word);
      if (kw) toks.push({ kind: kw, pos: p, end: q });
      else if (bool !== undefined) toks.push({ kind: 'bool', pos: p, end: q, bool });
      else if (FUNCTION_TOKENS.has(word)) toks.push({ kind: 'func', pos: p, end: q, name: FUNCTION_TOKENS.get(word) });
      else toks.push({ kind: 'ident', pos: p, end: q, name: word });
      p = q;
      continue;
    }
    if (src.startsWith('$meta', p)) {
      const q = p + 5;
      const json = lexJsonSuffix(src, q);
      if (json) toks.push({ kind: 'json', pos: p, end: json.end, name: '$meta', keys: json.keys });
      else toks.push({ kind: 'meta', pos: p, end: q, name: '$meta' });
      p = json ? json.end : q;
      continue;
    }
    const two = PUNCT2.get(src.slice(p, p + 2));
    if (two) {
      toks.push({ kind: two, pos: p, end: p + 2 });
      p += 2;
      continue;
    }
    const one = PUNCT1.get(c);
    if (one) {
      toks.push({ kind: one, pos: p, end: p + 1 });
      p++;
      continue;
    }
    throw new FilterError('syntax', p, `unexpected character ${JSON.stringify(c)}`);
  }
  toks.push({ kind: 'eof', pos: n, end: n });
  return toks;
}

/** `is null` / `is not null` are single tokens spelled exactly so, all lower or all upper case. */
function lexIsNull(src: string, p: number, word: string): Token | null {
  if (word === 'is') {
    if (src.startsWith('is not null', p)) return { kind: 'isnotnull', pos: p, end: p + 11 };
    if (src.startsWith('is null', p)) return { kind: 'isnull', pos: p, end: p + 7 };
  } else if (word === 'IS') {
    if (src.startsWith('IS NOT NULL', p)) return { kind: 'isnotnull', pos: p, end: p + 11 };
    if (src.startsWith('IS NULL', p)) return { kind: 'isnull', pos: p, end: p + 7 };
  }
  return null;
}

/**
 * The `["k"][0]...` tail of a JSON identifier, written without whitespace (as in Milvus,
 * where the whole `name["k"]` is one token). Returns null when no complete step follows.
 */
function lexJsonSuffix(src: string, p: number): { end: number; keys: JsonKey[] } | null {
  const keys: JsonKey[] = [];
  let q = p;
  while (src[q] === '[') {
    const k = q + 1;
    const c = src[k] ?? '';
    let key: JsonKey;
    let after: number;
    if (c === '"' || c === "'" || ((c === 'r' || c === 'R') && (src[k + 1] === '"' || src[k + 1] === "'"))) {
      const raw = c === 'r' || c === 'R';
      after = scanString(src, raw ? k + 1 : k);
      if (after < 0 || src[after] !== ']') break;
      key = { key: lexString(src, k, raw ? k + 1 : k, raw).str!, quoted: true, pos: k };
    } else if (c >= '1' && c <= '9') {
      after = k + 1;
      while (isDigit(src[after] ?? '')) after++;
      key = { key: src.slice(k, after), quoted: false, pos: k };
    } else if (c === '0') {
      after = k + 1;
      key = { key: '0', quoted: false, pos: k };
    } else {
      break;
    }
    if (src[after] !== ']') break;
    keys.push(key);
    q = after + 1;
  }
  return keys.length > 0 ? { end: q, keys } : null;
}

/** End offset (after the closing quote) of a string starting with the quote at `q`, or -1. */
function scanString(src: string, q: number): number {
  const quote = src[q];
  let p = q + 1;
  while (p < src.length) {
    const c = src[p]!;
    if (c === quote) return p + 1;
    if (c === '\r' || c === '\n') return -1;
    if (c === '\\') {
      const next = src[p + 1];
      if (next === undefined) return -1;
      // A backslash-newline continuation is lexically part of the string (Plan.g4).
      if (next === '\r' && src[p + 2] === '\n') p += 3;
      else p += 2;
      continue;
    }
    p++;
  }
  return -1;
}

/**
 * A string literal starting at `start` (the `r` prefix of raw strings included) whose
 * opening quote is at `q`. Escapes are decoded like Milvus does (Go's strconv.Unquote after
 * turning `\'` into `'`): \a \b \f \n \r \t \v \\ \' \" \xHH \ooo \uHHHH \UHHHHHHHH.
 */
function lexString(src: string, start: number, q: number, raw: boolean): Token {
  const end = scanString(src, q);
  if (end < 0) throw new FilterError('syntax', start, 'unterminated string literal');
  const body = src.slice(q + 1, end - 1);
  const str = raw ? body : decodeEscapes(body, q + 1);
  return { kind: 'str', pos: start, end, str };
}

const SIMPLE_ESCAPES = new Map<string, string>([
  ['a', '\x07'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
  ['v', '\v'],
  ['\\', '\\'],
  ["'", "'"],
  ['"', '"'],
]);

function decodeEscapes(body: string, offset: number): string {
  if (!body.includes('\\')) return body;
  let out = '';
  // \x and octal escapes are bytes in Go; runs of them are decoded together as UTF-8.
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length > 0) {
      out += new TextDecoder().decode(new Uint8Array(bytes));
      bytes = [];
    }
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c !== '\\') {
      flush();
      out += c;
      i++;
      continue;
    }
    const e = body[i + 1] ?? '';
    const at = offset + i;
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      flush();
      out += simple;
      i += 2;
    } else if (e === 'x') {
      const h = body.slice(i + 2, i + 4);
      if (h.length !== 2 || !isHex(h[0]!) || !isHex(h[1]!)) throw badEscape(at, body.slice(i, i + 4));
      bytes.push(parseInt(h, 16));
      i += 4;
    } else if (isOctal(e)) {
      const o = body.slice(i + 1, i + 4);
      if (o.length !== 3 || ![...o].every(isOctal) || parseInt(o, 8) > 255) throw badEscape(at, body.slice(i, i + 4));
      bytes.push(parseInt(o, 8));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const h = body.slice(i + 2, i + 2 + len);
      const cp = h.length === len && [...h].every(isHex) ? parseInt(h, 16) : -1;
      if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw badEscape(at, body.slice(i, i + 2 + len));
      flush();
      out += String.fromCodePoint(cp);
      i += 2 + len;
    } else {
      throw badEscape(at, body.slice(i, i + 2));
    }
  }
  flush();
  return out;
}

function badEscape(pos: number, text: string): FilterError {
  return new FilterError('invalid_literal', pos, `invalid escape sequence ${JSON.stringify(text)} in string literal`);
}

/** Digits before an integer can leave the Int64 range (19 digits can, 18 cannot). */
const SAFE_INT64_DIGITS = 18;

/**
 * The common case of lexNumber, without its candidates: a decimal integer (no leading 0) of
 * at most 18 digits that no `.` or exponent follows. Lists of keys are made of them.
 */
function lexPlainInt(src: string, p: number): Token | null {
  const c = src.charCodeAt(p);
  if (c < 0x31 || c > 0x39) return null;
  let q = p + 1;
  while (q < src.length) {
    const d = src.charCodeAt(q);
    if (d < 0x30 || d > 0x39) break;
    q++;
  }
  const after = src[q];
  if (q - p > SAFE_INT64_DIGITS || after === '.' || after === 'e' || after === 'E') return null;
  return { kind: 'int', pos: p, end: q, int: BigInt(src.slice(p, q)) };
}

/**
 * Numbers follow Plan.g4: decimal, octal (leading 0), hex (0x) and binary (0b) integers;
 * decimal floats (`1.`, `.5`, `1e3`) and hex floats (`0x1.8p3`). The longest match wins,
 * so `08` lexes as `0` `8` (a syntax error later), exactly like Milvus.
 */
function lexNumber(src: string, p: number): Token {
  const digitsFrom = (q: number, ok: (c: string) => boolean) => {
    while (q < src.length && ok(src[q]!)) q++;
    return q;
  };
  const exponent = (q: number, marks: string): number => {
    if (!marks.includes(src[q] ?? '')) return -1;
    let r = q + 1;
    if (src[r] === '+' || src[r] === '-') r++;
    const e = digitsFrom(r, isDigit);
    return e > r ? e : -1;
  };
  type Cand = { end: number; kind: 'int' | 'float' | 'hexfloat' | 'radix' };
  const cands: Cand[] = [];
  const c1 = src[p + 1] ?? '';
  if (src[p] === '0' && (c1 === 'x' || c1 === 'X')) {
    const h = digitsFrom(p + 2, isHex);
    if (h > p + 2) cands.push({ end: h, kind: 'radix' });
    let mantEnd = h > p + 2 ? h : -1;
    if (src[h] === '.') {
      const f = digitsFrom(h + 1, isHex);
      if (h > p + 2 || f > h + 1) mantEnd = f;
    }
    if (mantEnd > 0) {
      const e = exponent(mantEnd, 'pP');
      if (e > 0) cands.push({ end: e, kind: 'hexfloat' });
    }
  }
  if (src[p] === '0' && (c1 === 'b' || c1 === 'B')) {
    const b = digitsFrom(p + 2, (c) => c === '0' || c === '1');
    if (b > p + 2) cands.push({ end: b, kind: 'radix' });
  }
  const d = digitsFrom(p, isDigit);
  if (d > p) cands.push({ end: src[p] === '0' ? digitsFrom(p + 1, isOctal) : d, kind: 'int' });
  if (src[d] === '.') {
    const f = digitsFrom(d + 1, isDigit);
    if (d > p || f > d + 1) {
      const e = exponent(f, 'eE');
      cands.push({ end: e > 0 ? e : f, kind: 'float' });
    }
  } else if (d > p) {
    const e = exponent(d, 'eE');
    if (e > 0) cands.push({ end: e, kind: 'float' });
  }
  const best = cands.reduce((a, b) => (b.end > a.end ? b : a));
  const text = src.slice(p, best.end);
  if (best.kind === 'float' || best.kind === 'hexfloat') {
    const v = best.kind === 'float' ? Number(text) : hexFloat(text);
    if (!Number.isFinite(v)) throw new FilterError('invalid_literal', p, `floating-point literal ${text} is out of range`);
    return { kind: 'float', pos: p, end: best.end, float: v };
  }
  // Go's ParseInt(s, 0, 64): a leading 0 means octal.
  const v = best.kind === 'radix' ? BigInt(text) : text.length > 1 && text[0] === '0' ? BigInt(`0o${text.slice(1)}`) : BigInt(text);
  if (v < INT64_MIN || v > INT64_MAX) {
    throw new FilterError('invalid_literal', p, `integer literal ${text} is out of the Int64 range`);
  }
  return { kind: 'int', pos: p, end: best.end, int: v };
}

function hexFloat(text: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?\d+)$/.exec(text)!;
  const intPart = m[1] ?? '';
  const frac = m[2] ?? '';
  const mant = BigInt(`0x${intPart + frac || '0'}`);
  return Number(mant) * 2 ** (Number(m[3]) - 4 * frac.length);
}
