import type { Ast, BinaryOp } from './ast.js';
import { FilterError } from './errors.js';
import { tokenize, type Token, type TokKind } from './lexer.js';

/**
 * Nesting limit (parentheses, unary chains, operator tree depth). Milvus caps expression
 * depth too (configurable, accepting 100 levels by default); the cap keeps every later
 * recursive pass far from the JavaScript stack limit.
 */
export const MAX_DEPTH = 256;

/**
 * Binding powers, tightest last. The order is Plan.g4's alternative order, which is what
 * ANTLR turns into precedence: like > =~ !~ > ** > unary (+ - ~ not) > * / % > + - >
 * << >> > in > range > relational > equality > & > ^ > | > and > or. Binary operators are
 * left-associative (ANTLR's default), `**` included.
 */
const INFIX: Partial<Record<TokKind, number>> = {
  or: 10,
  and: 20,
  '|': 30,
  '^': 40,
  '&': 50,
  '==': 60,
  '!=': 60,
  '<': 70,
  '<=': 70,
  '>': 70,
  '>=': 70,
  in: 80,
  not: 80, // only as `not in`
  '<<': 90,
  '>>': 90,
  '+': 100,
  '-': 100,
  '*': 110,
  '/': 110,
  '%': 110,
  '**': 130,
  '=~': 135,
  '!~': 135,
  like: 140,
};
/** Range `a < x < b` sits just above the relational operators. */
const RANGE_BP = 75;
/** Operand of a prefix + - ~ not: absorbs only ** =~ !~ like (hence `not x == 1` is `(not x) == 1`). */
const UNARY_BP = 120;
/** Operand of `exists`: a primary only. */
const EXISTS_BP = 150;

/** The words that, before a string, make a Timestamptz literal or interval (any case, as Milvus's lexer reads them). */
const TIMESTAMPTZ_WORDS = new Map<string, 'iso' | 'interval'>([
  ['iso', 'iso'],
  ['interval', 'interval'],
]);

/** A token as quoted in error messages: its source text (shortened), or "end of expression". */
function describe(src: string, t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  const text = src.slice(t.pos, t.end);
  return JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}...` : text);
}

/** Parses `src` into a syntax tree; returns null for an empty (all-whitespace) expression. */
export function parse(src: string): Ast | null {
  const toks = tokenize(src);
  if (toks.length === 1) return null;
  const p = new Parser(src, toks);
  const ast = p.expr(0);
  const t = p.peek();
  if (t.kind !== 'eof') throw new FilterError('syntax', t.pos, `unexpected ${describe(src, t)}`);
  return ast;
}

class Parser {
  private i = 0;
  private nesting = 0;
  /** Subtree depth of interior nodes (leaves have depth 1). */
  private readonly depth = new WeakMap<Ast, number>();

  constructor(
    private readonly src: string,
    private readonly toks: Token[],
  ) {}

  peek(k = 0): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private expect(kind: TokKind, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new FilterError('syntax', t.pos, `expected ${what}, found ${describe(this.src, t)}`);
    return this.next();
  }

  /** Records the subtree depth (of `a` extended by `children`) and enforces MAX_DEPTH on it. */
  private node<T extends Ast>(a: T, children: Ast[]): T {
    const below = children.reduce((m, c) => Math.max(m, this.depth.get(c) ?? 1), 0);
    const depth = Math.max(this.depth.get(a) ?? 0, 1 + below);
    if (depth > MAX_DEPTH) throw new FilterError('syntax', a.pos, `expression is nested too deeply (limit ${MAX_DEPTH})`);
    this.depth.set(a, depth);
    return a;
  }

  expr(minBp: number): Ast {
    if (++this.nesting > MAX_DEPTH) {
      throw new FilterError('syntax', this.peek().pos, `expression is nested too deeply (limit ${MAX_DEPTH})`);
    }
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const bp = INFIX[t.kind];
      if (bp === undefined || bp < minBp) break;
      if (t.kind === 'not' && this.peek(1).kind !== 'in') break;
      left = this.infix(left, t, bp);
    }
    this.nesting--;
    return left;
  }

  private infix(left: Ast, t: Token, bp: number): Ast {
    switch (t.kind) {
      case 'and':
      case 'or': {
        this.next();
        const right = this.expr(bp + 1);
        if (left.t === 'logic' && left.op === t.kind) {
          left.args.push(right);
          return this.node(left, [right]);
        }
        return this.node({ t: 'logic', pos: left.pos, op: t.kind, args: [left, right] }, [left, right]);
      }
      case 'in':
      case 'not': {
        const negated = t.kind === 'not';
        this.next();
        if (negated) this.next();
        const right = this.expr(bp + 1);
        return this.node({ t: 'in', pos: t.pos, negated, l: left, r: right }, [left, right]);
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const range = this.tryRange(left, t);
        if (range) return range;
        break;
      }
      default:
        break;
    }
    this.next();
    const right = this.expr(bp + 1);
    const op = t.kind as BinaryOp;
    return this.node({ t: 'binary', pos: t.pos, op, l: left, r: right }, [left, right]);
  }

  /**
   * Plan.g4's Range / ReverseRange: `expr (<|<=) Identifier (<|<=) expr` and the `>` form.
   * The middle must literally be an identifier or JSON path token.
   */
  private tryRange(left: Ast, op1: Token): Ast | null {
    const mid = this.peek(1);
    const op2 = this.peek(2);
    if (mid.kind !== 'ident' && mid.kind !== 'json') return null;
    const lower = op1.kind === '<' || op1.kind === '<=';
    const sameDirection = lower ? op2.kind === '<' || op2.kind === '<=' : op2.kind === '>' || op2.kind === '>=';
    if (!sameDirection) return null;
    this.next();
    this.next();
    this.next();
    const col = this.primaryToken(mid);
    const right = this.expr(RANGE_BP + 1);
    const inc1 = op1.kind === '<=' || op1.kind === '>=';
    const inc2 = op2.kind === '<=' || op2.kind === '>=';
    const ast: Ast = lower
      ? { t: 'range', pos: left.pos, col, lo: left, hi: right, loInclusive: inc1, hiInclusive: inc2 }
      : { t: 'range', pos: left.pos, col, lo: right, hi: left, loInclusive: inc2, hiInclusive: inc1 };
    return this.node(ast, [left, right]);
  }

  private primaryToken(t: Token): Ast {
    return t.kind === 'json' ? { t: 'json', pos: t.pos, name: t.name!, keys: t.keys! } : { t: 'ident', pos: t.pos, name: t.name! };
  }

  private prefix(): Ast {
    const t = this.next();
    switch (t.kind) {
      case 'int':
        return { t: 'int', pos: t.pos, v: t.int! };
      case 'float':
        return { t: 'float', pos: t.pos, v: t.float! };
      case 'bool':
        return { t: 'bool', pos: t.pos, v: t.bool! };
      case 'str':
        return { t: 'str', pos: t.pos, v: t.str! };
      case 'meta':
        return { t: 'ident', pos: t.pos, name: '$meta' };
      case 'ident':
      case 'json': {
        const next = this.peek();
        // ISO and INTERVAL are keywords only before a string (Plan.g4's Timestamptz rules), so
        // fields may still be named so.
        const word = t.kind === 'ident' ? TIMESTAMPTZ_WORDS.get(t.name!.toLowerCase()) : undefined;
        if (word && next.kind === 'str') {
          this.next();
          return { t: word, pos: t.pos, v: next.str! };
        }
        if (t.kind === 'ident' && next.kind === '(') {
          throw new FilterError('unsupported', t.pos, `function ${t.name}() is not supported`);
        }
        const col = this.primaryToken(t);
        if (next.kind === 'isnull' || next.kind === 'isnotnull') {
          this.next();
          return { t: 'isnull', pos: t.pos, negated: next.kind === 'isnotnull', col };
        }
        return col;
      }
      case 'func':
        return this.call(t);
      case '(': {
        const inner = this.expr(0);
        this.expect(')', "')'");
        return inner;
      }
      case '[': {
        const items: Ast[] = [];
        while (this.peek().kind !== ']') {
          items.push(this.expr(0));
          if (this.peek().kind !== ',') break;
          this.next();
        }
        this.expect(']', "',' or ']'");
        return this.node({ t: 'list', pos: t.pos, items }, items);
      }
      case '{': {
        const name = this.expect('ident', 'a template variable name');
        this.expect('}', "'}'");
        return { t: 'template', pos: t.pos, name: name.name! };
      }
      case '+':
      case '-':
      case '~':
      case 'not': {
        const arg = this.expr(UNARY_BP);
        return this.node({ t: 'unary', pos: t.pos, op: t.kind, arg }, [arg]);
      }
      case 'exists': {
        const arg = this.expr(EXISTS_BP);
        return this.node({ t: 'exists', pos: t.pos, arg }, [arg]);
      }
      default:
        throw new FilterError('syntax', t.pos, `unexpected ${describe(this.src, t)}`);
    }
  }

  private call(t: Token): Ast {
    const name = t.name!;
    this.expect('(', `'(' after ${name}`);
    const args: Ast[] = [];
    const argText: string[] = [];
    if (name === 'text_match' || name === 'phrase_match') {
      // Plan.g4: TEXTMATCH '(' Identifier ',' StringLiteral (',' MINIMUM_SHOULD_MATCH '=' IntegerConstant)? ')',
      // PHRASEMATCH '(' Identifier ',' StringLiteral (',' expr)? ')'.
      const field = this.expect('ident', `a field name in ${name}`);
      this.expect(',', `',' in ${name}()`);
      const query = this.expect('str', `a string in ${name}`);
      args.push({ t: 'ident', pos: field.pos, name: field.name! }, { t: 'str', pos: query.pos, v: query.str! });
      if (this.peek().kind === ',') {
        this.next();
        const from = this.peek();
        if (name === 'text_match') {
          const option = this.expect('ident', 'minimum_should_match in text_match');
          if (option.name !== 'minimum_should_match' && option.name !== 'MINIMUM_SHOULD_MATCH')
            throw new FilterError('syntax', option.pos, `expected minimum_should_match in text_match, found ${describe(this.src, option)}`);
          this.expect('=', "'=' after minimum_should_match");
          const n = this.expect('int', 'an integer for minimum_should_match');
          args.push({ t: 'int', pos: n.pos, v: n.int! });
        } else {
          args.push(this.expr(0));
        }
        argText[2] = this.sourceText(from, this.peek());
      }
    } else if (name.startsWith('st_')) {
      // Plan.g4: ST_fn '(' Identifier (',' expr)* ')': the WKT, and st_dwithin's distance.
      const field = this.expect('ident', `a field name in ${name}`);
      args.push({ t: 'ident', pos: field.pos, name: field.name! });
      const extra = name === 'st_isvalid' ? 0 : name === 'st_dwithin' ? 2 : 1;
      for (let k = 0; k < extra; k++) {
        this.expect(',', `',' in ${name}()`);
        args.push(this.expr(0));
      }
    } else if (name === 'array_length') {
      // Plan.g4 takes only an identifier or a JSON path here, not an expression.
      const a = this.peek();
      if (a.kind !== 'ident' && a.kind !== 'json') {
        throw new FilterError('syntax', a.pos, `array_length expects a field name, found ${describe(this.src, a)}`);
      }
      this.next();
      args.push(this.primaryToken(a));
    } else {
      args.push(this.expr(0));
      this.expect(',', `',' in ${name}()`);
      args.push(this.expr(0));
    }
    this.expect(')', `')' to close ${name}(`);
    return this.node({ t: 'call', pos: t.pos, name, args, ...(argText.length ? { argText } : {}) }, args);
  }

  /** The source of the tokens from `from` up to `to` (excluded), without the spaces between them. */
  private sourceText(from: Token, to: Token): string {
    return this.toks
      .filter((t) => t.pos >= from.pos && t.pos < to.pos)
      .map((t) => this.src.slice(t.pos, t.end))
      .join('');
  }
}
