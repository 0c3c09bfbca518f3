import { DataType } from '../core/schema.js';
import type { ArithOp, CmpOp } from './ast.js';
import { FilterError } from './errors.js';
import type { Lit } from './plan.js';

/** The Milvus data type Milvus gives a literal (Int64, Double, VarChar, Bool, Array). */
export function litDataType(l: Lit): DataType {
  switch (l.t) {
    case 'bool':
      return DataType.Bool;
    case 'int':
      return DataType.Int64;
    case 'float':
      return DataType.Double;
    case 'str':
      return DataType.VarChar;
    case 'arr':
      return DataType.Array;
  }
}

/** Element type of an array literal: the common literal type, or None when mixed or empty. */
export function litElementType(l: Lit & { t: 'arr' }): DataType {
  if (l.v.length === 0) return DataType.None;
  const first = litDataType(l.v[0]!);
  return l.v.every((e) => litDataType(e) === first) ? first : DataType.None;
}

export function typeName(t: DataType): string {
  return DataType[t] ?? `type ${t}`;
}

/** The JavaScript value a literal stands for when compared with row values. */
export function litToJs(l: Lit): unknown {
  switch (l.t) {
    case 'int':
      return Number.isSafeInteger(Number(l.v)) ? Number(l.v) : l.v;
    case 'arr':
      return l.v.map(litToJs);
    default:
      return l.v;
  }
}

/** Code-point order, which is the UTF-8 byte order Milvus compares strings in. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code-point order only between surrogates and U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y : x) >= 0xe000) return xs ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Orders two literals like Milvus's constant folding; null when they cannot be compared. */
export function compareLits(a: Lit, b: Lit): number | null {
  if (a.t === 'str' && b.t === 'str') return compareStrings(a.v, b.v);
  if (a.t === 'int' && b.t === 'int') return a.v < b.v ? -1 : a.v > b.v ? 1 : 0;
  if ((a.t === 'int' || a.t === 'float') && (b.t === 'int' || b.t === 'float')) {
    const x = Number(a.v);
    const y = Number(b.v);
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  return null;
}

export function testCmp(op: CmpOp, r: number): boolean {
  switch (op) {
    case '==':
      return r === 0;
    case '!=':
      return r !== 0;
    case '<':
      return r < 0;
    case '<=':
      return r <= 0;
    case '>':
      return r > 0;
    case '>=':
      return r >= 0;
  }
}

export const REVERSED: Record<CmpOp, CmpOp> = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Constant comparison as Milvus folds it: == also works on booleans, ordering only on numbers and strings. */
export function foldCompare(op: CmpOp, a: Lit, b: Lit, pos: number): Lit {
  let r = compareLits(a, b);
  if (r === null && (op === '==' || op === '!=') && a.t === 'bool' && b.t === 'bool') r = a.v === b.v ? 0 : 1;
  if (r === null) {
    throw new FilterError(
      'type_mismatch',
      pos,
      `cannot compare ${typeName(litDataType(a))} and ${typeName(litDataType(b))} constants with '${op}'`,
    );
  }
  return { t: 'bool', v: testCmp(op, r) };
}

const int64 = (v: bigint) => BigInt.asIntN(64, v);

/** Constant arithmetic with Go's int64 semantics (wrapping, truncating division). */
export function foldArith(op: ArithOp | '**', a: Lit, b: Lit, pos: number): Lit {
  const numeric = (a.t === 'int' || a.t === 'float') && (b.t === 'int' || b.t === 'float');
  if (!numeric) {
    throw new FilterError('type_mismatch', pos, `'${op}' cannot be applied to ${typeName(litDataType(a))} and ${typeName(litDataType(b))}`);
  }
  if (op === '**') return { t: 'float', v: Number(a.v) ** Number(b.v) };
  if (op === '%' && (a.t !== 'int' || b.t !== 'int')) {
    throw new FilterError('type_mismatch', pos, 'modulo can only be applied to integers');
  }
  if ((op === '/' || op === '%') && Number(b.v) === 0) {
    throw new FilterError('invalid_literal', pos, 'division or modulus by zero');
  }
  if (a.t === 'int' && b.t === 'int') {
    switch (op) {
      case '+':
        return { t: 'int', v: int64(a.v + b.v) };
      case '-':
        return { t: 'int', v: int64(a.v - b.v) };
      case '*':
        return { t: 'int', v: int64(a.v * b.v) };
      case '/':
        return { t: 'int', v: int64(a.v / b.v) };
      case '%':
        return { t: 'int', v: a.v % b.v };
    }
  }
  const x = Number(a.v);
  const y = Number(b.v);
  switch (op) {
    case '+':
      return { t: 'float', v: x + y };
    case '-':
      return { t: 'float', v: x - y };
    case '*':
      return { t: 'float', v: x * y };
    default:
      return { t: 'float', v: x / y };
  }
}

export function foldNegate(a: Lit, pos: number): Lit {
  if (a.t === 'int') return { t: 'int', v: int64(-a.v) };
  if (a.t === 'float') return { t: 'float', v: -a.v };
  throw new FilterError('type_mismatch', pos, `unary '-' cannot be applied to ${typeName(litDataType(a))}`);
}

/** Elements of a list literal quoted in a message; the rest are counted, so a message stays short. */
const QUOTED_ELEMENTS = 8;

export function describeLit(l: Lit): string {
  switch (l.t) {
    case 'str':
      return JSON.stringify(l.v);
    case 'arr': {
      const shown = l.v.slice(0, QUOTED_ELEMENTS).map(describeLit);
      if (l.v.length > QUOTED_ELEMENTS) shown.push(`... (${l.v.length} elements)`);
      return `[${shown.join(', ')}]`;
    }
    default:
      return String(l.v);
  }
}
