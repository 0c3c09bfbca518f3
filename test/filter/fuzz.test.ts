/**
 * Property test: random and mutated expressions never crash or hang the filter. Every input
 * either compiles (and then evaluates to a 0/1 mask that respects candidates) or is rejected
 * with a FilterError whose position lies inside the input. Seeded, so failures reproduce.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError } from '../../filter/index.js';
import { datasets } from './datasets.js';
import { prng } from '../harness/prng.js';

const rand = prng(20240611);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const FIELDS = [
  'id',
  'age',
  'score',
  'f32',
  'name',
  'flag',
  'tags',
  'nums',
  'meta',
  'vec',
  'color',
  '$meta',
  'nosuch',
  'constructor',
  '__proto__',
];
const JSON_PATHS = ['meta["a"]', 'meta["arr"][0]', "meta['nested']['k']", '$meta["color"]', 'tags[0]', 'nums[1]', 'meta[""]', 'size["x"]'];
const LITERALS = [
  '0',
  '1',
  '-1',
  '10',
  '2.5',
  '.5',
  '1e3',
  '0x1F',
  '017',
  '0b11',
  '9223372036854775807',
  '9223372036854775808',
  'true',
  'False',
  '"a"',
  "'b'",
  '"\\n"',
  '"\\q"',
  '"%a_"',
  'r"\\d"',
  '[]',
  '[1, 2]',
  '["a", "b"]',
  '[1, "a"]',
  '{t}',
  '{nope}',
];
const OPS = [
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '**',
  'and',
  'or',
  '&&',
  '||',
  'in',
  'not in',
  'like',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '=~',
];
const PREFIX = ['not ', '!', '-', '+', '~', 'exists '];
const FUNCS = ['json_contains', 'json_contains_all', 'array_contains_any', 'array_length', 'text_match', 'ARRAY_CONTAINS'];
const SOUP = [
  ...FIELDS,
  ...JSON_PATHS,
  ...LITERALS,
  ...OPS,
  ...PREFIX,
  ...FUNCS,
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  'is null',
  'is not null',
  'IS NULL',
  '"',
  "'",
  '\\',
  '.',
  '$',
  '#',
  '😀',
  '中',
  '\t',
  '\n',
  '\0',
];

/** A random, mostly well-formed expression from a small grammar. */
function genExpr(depth: number): string {
  const operand = () => (rand() < 0.5 ? pick(FIELDS) : rand() < 0.5 ? pick(JSON_PATHS) : pick(LITERALS));
  if (depth <= 0 || rand() < 0.25) {
    switch (int(6)) {
      case 0:
        return `${operand()} ${pick(['==', '!=', '<', '>=', 'like'])} ${operand()}`;
      case 1:
        return `${operand()} ${pick(['in', 'not in'])} ${pick(LITERALS)}`;
      case 2:
        return `${pick(LITERALS)} ${pick(['<', '<='])} ${pick(FIELDS)} ${pick(['<', '<=', '>'])} ${pick(LITERALS)}`;
      case 3:
        return `${pick(FUNCS)}(${operand()}, ${pick(LITERALS)})`;
      case 4:
        return `${pick([...FIELDS, ...JSON_PATHS])} ${pick(['is null', 'is not null'])}`;
      default:
        return `${operand()} ${pick(['+', '%', '*'])} ${operand()} ${pick(['==', '>'])} ${operand()}`;
    }
  }
  switch (int(4)) {
    case 0:
      return `${genExpr(depth - 1)} ${pick(['and', 'or', '&&', '||', 'AND'])} ${genExpr(depth - 1)}`;
    case 1:
      return `${pick(PREFIX)}(${genExpr(depth - 1)})`;
    case 2:
      return `(${genExpr(depth - 1)})`;
    default:
      return `${pick(PREFIX)}${genExpr(depth - 1)}`;
  }
}

const VALID_LEAVES = [
  'age > 10',
  'id in [1, 9007199254740993]',
  'name like "%a%"',
  'flag == true',
  'meta["a"] != 1',
  '1 < age <= 30',
  'exists meta["arr"]',
  'color in ["red", "blue"]',
  'array_contains(tags, "a")',
  'array_length(nums) >= 1',
  'meta["nested"]["k"] is null',
  'score >= 2.5',
  'age % 2 == 0',
  'nums[0] == 1',
  'json_contains_any(meta["arr"], [3, 4])',
  'size == 1',
  'f32 < score',
];

/** A random, always well-formed predicate over the basic dataset. */
function genValid(depth: number): string {
  if (depth <= 0 || rand() < 0.3) return pick(VALID_LEAVES);
  switch (int(4)) {
    case 0:
      return `${genValid(depth - 1)} ${pick(['and', 'or', '&&', '||', 'AND', 'OR'])} ${genValid(depth - 1)}`;
    case 1:
      return `${pick(['not ', '!', 'NOT '])}(${genValid(depth - 1)})`;
    default:
      return `(${genValid(depth - 1)})`;
  }
}

function genSoup(): string {
  const n = 1 + int(12);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(pick(SOUP));
  return parts.join(rand() < 0.7 ? ' ' : '');
}

function genChars(): string {
  const n = int(40);
  let s = '';
  for (let i = 0; i < n; i++) {
    const r = rand();
    s +=
      r < 0.85
        ? String.fromCharCode(32 + int(95))
        : r < 0.95
          ? pick(['\t', '\n', '\r', '\0', '\x7f'])
          : pick(['é', '中', '😀', '\ud800', '\u2028']);
  }
  return s;
}

function mutate(s: string): string {
  let out = s;
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const at = int(out.length + 1);
    switch (int(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + int(3));
        break;
      case 1:
        out = out.slice(0, at) + pick(SOUP) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + String.fromCharCode(32 + int(95)) + out.slice(at + 1);
        break;
      case 3: {
        const from = int(out.length + 1);
        out = out.slice(0, at) + out.slice(from, from + int(10)) + out.slice(at);
        break;
      }
      default:
        out = out.slice(0, at);
    }
  }
  return out;
}

const SEEDS = [
  'metadata["author"] == "Ann" and metadata["year"] >= 2001 or metadata["tag"] in ["a", "b"]',
  'id in ["a","b"]',
  'id in [1, 2]',
  'age > 10 and (name like "a%" or not (score < 2.5))',
  '1 <= age < 30 && flag == true',
  'json_contains_any(meta["arr"], [1, 2]) or array_length(tags) == 0',
  'meta["nested"]["k"] is not null and color != "red"',
  'age % 3 == 1 or exists meta["a"]',
  'name == "say \\"hi\\"" or name == \'it\\\'s\'',
  'age in {list} and score > {x}',
];

describe('filter fuzzing', () => {
  it('parses or rejects every input with a positioned FilterError, never crashing or hanging', () => {
    const { schema, batch } = datasets.basic!;
    const inputs: string[] = [];
    for (let i = 0; i < 2000; i++) inputs.push(genValid(1 + int(5)));
    for (let i = 0; i < 2000; i++) inputs.push(genExpr(1 + int(4)));
    for (let i = 0; i < 2000; i++) inputs.push(genSoup());
    for (let i = 0; i < 2000; i++) inputs.push(genChars());
    for (let i = 0; i < 4000; i++) inputs.push(mutate(rand() < 0.5 ? pick(SEEDS) : pick(inputs)));
    expect(inputs.length).toBeGreaterThanOrEqual(10_000);

    const templateValues = { t: [1, 2], list: [10, 20], x: 1.5 };
    const failures: string[] = [];
    let compiled = 0;
    let slowest = 0;
    const started = performance.now();
    for (const expr of inputs) {
      const t0 = performance.now();
      try {
        const f = compileFilter(expr, schema, { templateValues });
        compiled++;
        const full = f.evaluate(batch);
        const cand = Uint8Array.from([1, 0, 1, 0, 1, 0]);
        const part = f.evaluate(batch, cand);
        const ok =
          full.length === batch.length && full.every((v) => v === 0 || v === 1) && part.every((v, i) => v === (full[i]! & cand[i]!));
        if (!ok) failures.push(`bad mask for ${JSON.stringify(expr)}`);
      } catch (e) {
        if (!(e instanceof FilterError)) failures.push(`${JSON.stringify(expr)} threw ${String(e)}`);
        else if (!Number.isInteger(e.position) || e.position < 0 || e.position > expr.length) {
          failures.push(`${JSON.stringify(expr)}: position ${e.position} outside the input`);
        }
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(failures.slice(0, 10)).toEqual([]);
    // Enough valid expressions that evaluation is exercised, not just rejection.
    expect(compiled).toBeGreaterThan(2000);
    // Hang guards, generous enough for a loaded CI machine (typical: well under 1 ms per input).
    expect(slowest).toBeLessThan(1000);
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it('stays linear on pathological inputs', () => {
    const { schema, batch } = datasets.basic!;
    const long = 'x'.repeat(200_000);
    const cases = [
      '('.repeat(200_000),
      '"'.repeat(200_000),
      long,
      `name == "${long}"`,
      `name like "${'%a'.repeat(5000)}"`,
      `meta${'["k"]'.repeat(10_000)} == 1`,
      'not '.repeat(100_000),
      `[${'1,'.repeat(100_000)}]`,
    ];
    for (const expr of cases) {
      const t0 = performance.now();
      try {
        compileFilter(expr, schema).evaluate(batch);
      } catch (e) {
        expect(e).toBeInstanceOf(FilterError);
      }
      expect(performance.now() - t0, expr.slice(0, 40)).toBeLessThan(5000);
    }
  });
});
