import {
  isVectorType,
  DataType,
  DYNAMIC_FIELD,
  isFloatingType,
  isIntegerType,
  isStringType,
  type CollectionSchema,
  type FieldSchema,
} from '../core/schema.js';
import {
  DEFAULT_TIMEZONE,
  fixedIntervalMicros,
  isFixedInterval,
  parseInterval,
  parseTimestamptz,
  TimestamptzError,
  type Interval,
} from '../core/timestamptz.js';
import type { ArithOp, Ast, CmpOp } from './ast.js';
import { FilterError } from './errors.js';
import { GeometryError, parseWkt, type Shape } from '../core/geometry.js';
import { SPATIAL_FUNCTIONS } from './spatial.js';
import { analyzerFor, AnalyzerError, type AnalyzedToken } from '../text/analyzer.js';
import type { JsonKey } from './lexer.js';
import { valueType, type ColRef, type Lit, type Pred } from './plan.js';
import { compareLits, describeLit, foldArith, foldCompare, foldNegate, litDataType, litElementType, REVERSED, typeName } from './values.js';

/**
 * What a sub-expression is after checking, mirroring the categories Milvus's plan builder
 * works with: a constant, a column, `column <arith> constant`, `array_length(column)`, or
 * a boolean predicate.
 */
type Typed =
  | {
      k: 'val';
      pos: number;
      v: Lit;
      /** Name of the template variable it came from, if any. */
      template?: string;
      /** Result of constant folding (Milvus accepts those, not bare literals, as predicates). */
      folded: boolean;
      /** Element positions of a list literal, for error messages. */
      itemPos?: number[];
      /** Which elements of a list literal are ISO literals (Timestamptz fields take only those). */
      isoItems?: boolean[];
    }
  | { k: 'col'; pos: number; ref: ColRef }
  | { k: 'arith'; pos: number; ref: ColRef; op: ArithOp; operand: Lit; result: 'int' | 'float' }
  | { k: 'alen'; pos: number; ref: ColRef }
  | { k: 'pred'; pos: number; p: Pred }
  /** `ISO '...'`: a Timestamptz literal, as UTC microseconds; only a Timestamptz field compares with it. */
  | { k: 'iso'; pos: number; text: string; micros: bigint }
  | { k: 'interval'; pos: number; text: string; interval: Interval }
  /** `tsz + INTERVAL '...'` (sign 1) or `tsz - INTERVAL '...'` (sign -1). */
  | { k: 'shift'; pos: number; ref: ColRef; interval: Interval; sign: 1 | -1 };

/** Checks a syntax tree against a schema and resolves it into a predicate (Milvus's plan). */
export function check(ast: Ast, schema: CollectionSchema, templateValues: Record<string, unknown>, timezone = DEFAULT_TIMEZONE): Pred {
  const c = new Checker(schema, templateValues, timezone);
  const r = c.visit(ast);
  if (r.k === 'pred') return r.p;
  if (r.k === 'val' && r.folded && r.v.t === 'bool') return { k: 'const', v: r.v.v };
  throw new FilterError('type_mismatch', r.pos, `predicate is not a boolean expression (got ${c.describe(r)})`);
}

function isWholeArray(ref: ColRef): boolean {
  return ref.type === DataType.Array && ref.path.length === 0;
}

function isNumericType(t: DataType): boolean {
  return isIntegerType(t) || isFloatingType(t);
}

/** Milvus's canBeComparedDataType. */
function comparable(left: DataType, right: DataType): boolean {
  if (left === DataType.Bool) return right === DataType.Bool || right === DataType.JSON;
  if (isNumericType(left)) return isNumericType(right) || right === DataType.JSON;
  if (isStringType(left)) return isStringType(right) || right === DataType.JSON;
  return left === DataType.JSON;
}

function colName(ref: ColRef): string {
  if (ref.column === DYNAMIC_FIELD && ref.path.length > 0) return ref.path[0]!;
  return ref.column;
}

class Checker {
  private readonly fields = new Map<string, FieldSchema>();

  constructor(
    private readonly schema: CollectionSchema,
    private readonly templateValues: Record<string, unknown>,
    /** The time zone of ISO literals that carry no offset. */
    private readonly timezone: string,
  ) {
    for (const f of schema.fields) if (!f.isDynamic) this.fields.set(f.name, f);
  }

  describe(t: Typed): string {
    switch (t.k) {
      case 'val':
        return `constant ${describeLit(t.v)}`;
      case 'col':
        return `${typeName(valueType(t.ref))} field '${colName(t.ref)}'`;
      case 'arith':
        return `arithmetic on field '${colName(t.ref)}'`;
      case 'alen':
        return `array_length of '${colName(t.ref)}'`;
      case 'pred':
        return 'a boolean expression';
      case 'iso':
        return `ISO '${t.text}'`;
      case 'interval':
        return `INTERVAL '${t.text}'`;
      case 'shift':
        return `Timestamptz field '${colName(t.ref)}' ${t.sign > 0 ? '+' : '-'} INTERVAL`;
    }
  }

  visit(a: Ast): Typed {
    switch (a.t) {
      case 'int':
        return { k: 'val', pos: a.pos, v: { t: 'int', v: a.v }, folded: false };
      case 'float':
        return { k: 'val', pos: a.pos, v: { t: 'float', v: a.v }, folded: false };
      case 'bool':
        return { k: 'val', pos: a.pos, v: { t: 'bool', v: a.v }, folded: false };
      case 'str':
        return { k: 'val', pos: a.pos, v: { t: 'str', v: a.v }, folded: false };
      case 'template':
        return this.template(a.name, a.pos);
      case 'list':
        return this.list(a.items, a.pos);
      case 'ident':
        return { k: 'col', pos: a.pos, ref: this.resolve(a.name, [], a.pos) };
      case 'json':
        return { k: 'col', pos: a.pos, ref: this.resolve(a.name, a.keys, a.pos) };
      case 'unary':
        return this.unary(a.op, this.visit(a.arg), a.pos);
      case 'binary':
        return this.binary(a);
      case 'logic':
        return this.logic(
          a.op,
          a.args.map((x) => this.visit(x)),
          a.pos,
        );
      case 'in':
        return this.term(a.negated, this.visit(a.l), this.visit(a.r), a.pos);
      case 'range':
        return this.range(a);
      case 'isnull':
        return this.isNull(a.negated, this.visit(a.col), a.pos);
      case 'exists': {
        const ref = this.column(this.visit(a.arg), 'exists');
        if (ref.type !== DataType.JSON || ref.path.length === 0) {
          throw new FilterError('type_mismatch', a.pos, 'exists can only be applied to a JSON key, e.g. exists meta["key"]');
        }
        return { k: 'pred', pos: a.pos, p: { k: 'exists', col: ref } };
      }
      case 'call':
        return this.call(a.name, a.args, a.pos, a.argText);
      case 'iso':
        return { k: 'iso', pos: a.pos, text: a.v, micros: timestamptzLiteral(() => parseTimestamptz(a.v, this.timezone), a.pos) };
      case 'interval':
        return { k: 'interval', pos: a.pos, text: a.v, interval: timestamptzLiteral(() => parseInterval(a.v), a.pos) };
    }
  }

  // ---- leaves -------------------------------------------------------------------------

  /** Milvus's GetFieldFromNameDefaultJSON plus its JSON-path rules. */
  private resolve(name: string, keys: JsonKey[], pos: number): ColRef {
    let ref: ColRef;
    if (name === DYNAMIC_FIELD) {
      if (!this.schema.enableDynamicField) {
        throw new FilterError('unknown_field', pos, `field ${DYNAMIC_FIELD} does not exist: the dynamic field is not enabled`);
      }
      ref = { column: DYNAMIC_FIELD, type: DataType.JSON, path: [], isPrimaryKey: false };
    } else {
      const f = this.fields.get(name);
      if (f) {
        if (isVectorType(f.dataType)) {
          throw new FilterError('vector_field', pos, `vector field '${name}' cannot be used in a filter expression`);
        }
        ref = { column: f.name, type: f.dataType, path: [], isPrimaryKey: f.isPrimaryKey };
        if (f.elementType !== undefined) ref.elementType = f.elementType;
      } else if (this.schema.enableDynamicField) {
        ref = { column: DYNAMIC_FIELD, type: DataType.JSON, path: [name], isPrimaryKey: false };
      } else {
        throw new FilterError('unknown_field', pos, `field '${name}' does not exist in collection '${this.schema.name}'`);
      }
    }
    if (keys.length === 0) return ref;
    if (ref.type !== DataType.JSON && ref.type !== DataType.Array) {
      throw new FilterError('type_mismatch', pos, `${typeName(ref.type)} field '${name}' cannot be accessed with []`);
    }
    for (const k of keys) {
      if (k.key === '') throw new FilterError('invalid_literal', k.pos, 'a JSON key cannot be empty');
      if (ref.type === DataType.Array && k.quoted) {
        throw new FilterError('type_mismatch', k.pos, `array field '${name}' can only be indexed with an integer`);
      }
    }
    if (ref.type === DataType.Array && keys.length > 1) {
      throw new FilterError('unsupported', keys[1]!.pos, `array field '${name}' takes a single index`);
    }
    return { ...ref, path: [...ref.path, ...keys.map((k) => k.key)] };
  }

  private template(name: string, pos: number): Typed {
    if (!Object.hasOwn(this.templateValues, name)) {
      throw new FilterError('template', pos, `template variable {${name}} has no value in expr_template_values`);
    }
    const v = templateLit(this.templateValues[name], name, pos);
    return { k: 'val', pos, v, template: name, folded: false };
  }

  private list(items: Ast[], pos: number): Typed {
    const values: Lit[] = [];
    const itemPos: number[] = [];
    const isoItems: boolean[] = [];
    for (const item of items) {
      const t = this.visit(item);
      isoItems.push(t.k === 'iso');
      if (t.k === 'iso') {
        values.push({ t: 'int', v: t.micros });
        itemPos.push(t.pos);
        continue;
      }
      if (t.k !== 'val') throw new FilterError('type_mismatch', t.pos, `list elements must be constants, found ${this.describe(t)}`);
      if (t.template) throw new FilterError('template', t.pos, 'a template variable cannot be a list element; pass the whole list instead');
      values.push(t.v);
      itemPos.push(t.pos);
    }
    return { k: 'val', pos, v: { t: 'arr', v: values }, folded: false, itemPos, isoItems };
  }

  private constant(t: Typed, what: string): Typed & { k: 'val' } {
    if (t.k !== 'val') throw new FilterError('type_mismatch', t.pos, `${what} must be a constant, found ${this.describe(t)}`);
    return t;
  }

  private column(t: Typed, what: string): ColRef {
    if (t.k === 'col') return t.ref;
    const kind = t.k === 'val' ? 'type_mismatch' : 'unsupported';
    throw new FilterError(kind, t.pos, `${what} needs a single field, found ${this.describe(t)}`);
  }

  /** Folding of constants is refused for template variables, as in Milvus. */
  private noTemplate(ts: Typed[]): void {
    for (const t of ts) {
      if (t.k === 'val' && t.template) {
        throw new FilterError('template', t.pos, `template variable {${t.template}} cannot be combined with another constant`);
      }
    }
  }

  // ---- operators ----------------------------------------------------------------------

  private unary(op: '+' | '-' | '~' | 'not', arg: Typed, pos: number): Typed {
    if (op === '+') return arg;
    if (op === '~') throw new FilterError('unsupported', pos, "bitwise '~' is not supported");
    if (arg.k === 'val') {
      this.noTemplate([arg]);
      if (op === '-') return { k: 'val', pos, v: foldNegate(arg.v, pos), folded: true };
      if (arg.v.t !== 'bool') throw new FilterError('type_mismatch', pos, `'not' cannot be applied to ${this.describe(arg)}`);
      return { k: 'val', pos, v: { t: 'bool', v: !arg.v.v }, folded: true };
    }
    if (op === '-') throw new FilterError('unsupported', pos, `unary '-' on ${this.describe(arg)} is not supported`);
    if (arg.k !== 'pred') {
      throw new FilterError(
        'type_mismatch',
        pos,
        `'not' can only be applied to a boolean expression, not to ${this.describe(arg)} (note: 'not x == 1' means '(not x) == 1'; write 'not (x == 1)')`,
      );
    }
    return { k: 'pred', pos, p: { k: 'not', arg: arg.p } };
  }

  private binary(a: Ast & { t: 'binary' }): Typed {
    const l = this.visit(a.l);
    const r = this.visit(a.r);
    switch (a.op) {
      case '==':
      case '!=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.compare(a.op, l, r, a.pos);
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arith(a.op, l, r, a.pos);
      case '**':
        if (l.k === 'val' && r.k === 'val') {
          this.noTemplate([l, r]);
          return { k: 'val', pos: a.pos, v: foldArith('**', l.v, r.v, a.pos), folded: true };
        }
        throw new FilterError('unsupported', a.pos, "'**' can only be applied to constants");
      case 'like':
        return this.like(l, r, a.pos);
      case '=~':
      case '!~':
        throw new FilterError('unsupported', a.pos, `regular expression match '${a.op}' is not supported`);
      default:
        throw new FilterError('unsupported', a.pos, `operator '${a.op}' is not supported`);
    }
  }

  private arith(op: ArithOp, l: Typed, r: Typed, pos: number): Typed {
    if (l.k === 'interval' || r.k === 'interval') return this.shift(op, l, r, pos);
    if (l.k === 'iso' || r.k === 'iso') {
      throw new FilterError('unsupported', pos, 'arithmetic on an ISO literal is not supported; add an INTERVAL to the Timestamptz field');
    }
    if (l.k === 'val' && r.k === 'val') {
      this.noTemplate([l, r]);
      return { k: 'val', pos, v: foldArith(op, l.v, r.v, pos), folded: true };
    }
    let col: Typed = l;
    let val: Typed = r;
    if (l.k === 'val' && r.k === 'col') {
      if (op !== '+' && op !== '*') {
        throw new FilterError('unsupported', pos, `'constant ${op} field' is not supported; put the field on the left`);
      }
      col = r;
      val = l;
    }
    if (col.k === 'col' && val.k === 'col') {
      throw new FilterError('unsupported', pos, 'arithmetic between two fields is not supported');
    }
    if (col.k !== 'col' || val.k !== 'val') {
      throw new FilterError('unsupported', pos, 'only arithmetic between one field and one constant is supported');
    }
    const ref = col.ref;
    const t = valueType(ref);
    const lit = val.v;
    if (isWholeArray(ref)) throw new FilterError('type_mismatch', col.pos, `array field '${colName(ref)}' cannot be used in arithmetic`);
    const litNumeric = lit.t === 'int' || lit.t === 'float';
    const ok = isIntegerType(t) ? lit.t === 'int' : (isFloatingType(t) || t === DataType.JSON) && litNumeric;
    if (!ok) {
      throw new FilterError(
        'type_mismatch',
        val.pos,
        `cannot perform arithmetic '${op}' between ${typeName(t)} field '${colName(ref)}' and ${typeName(litDataType(lit))}`,
      );
    }
    if (op === '%' && (isFloatingType(t) || lit.t !== 'int')) {
      throw new FilterError('type_mismatch', pos, 'modulo can only be applied to integers');
    }
    if ((op === '/' || op === '%') && Number(lit.v) === 0) {
      throw new FilterError('invalid_literal', val.pos, 'division or modulus by zero');
    }
    const result = isIntegerType(t) || (t === DataType.JSON && lit.t === 'int') ? 'int' : 'float';
    const operand: Lit = result === 'float' ? { t: 'float', v: Number(lit.v) } : lit;
    return { k: 'arith', pos, ref, op, operand, result };
  }

  private compare(op: CmpOp, l: Typed, r: Typed, pos: number): Typed {
    if (involvesTimestamptz(l) || involvesTimestamptz(r)) return this.compareTimestamptz(op, l, r, pos);
    if (l.k === 'val' && r.k === 'val') {
      this.noTemplate([l, r]);
      return { k: 'val', pos, v: foldCompare(op, l.v, r.v, pos), folded: true };
    }
    if (l.k === 'pred' || r.k === 'pred') {
      throw new FilterError('type_mismatch', pos, `'${op}' cannot compare a boolean expression; use and/or/not to combine conditions`);
    }
    if (l.k === 'val') return this.compare(REVERSED[op], r, l, pos);
    if (r.k === 'val') {
      if (l.k === 'col') return { k: 'pred', pos, p: { k: 'cmp', col: l.ref, op, v: this.castForCompare(op, l.ref, r) } };
      if (l.k === 'alen') {
        if (r.v.t !== 'int')
          throw new FilterError('type_mismatch', r.pos, `array_length can only be compared with an integer, not ${describeLit(r.v)}`);
        return { k: 'pred', pos, p: { k: 'arrayLength', col: l.ref, op, v: r.v.v } };
      }
      if (l.k === 'arith') {
        let v: Lit = r.v;
        if (l.result === 'int' && v.t !== 'int') {
          throw new FilterError('type_mismatch', r.pos, `integer arithmetic result cannot be compared with ${describeLit(v)}`);
        }
        if (l.result === 'float') {
          if (v.t !== 'int' && v.t !== 'float')
            throw new FilterError('type_mismatch', r.pos, `arithmetic result cannot be compared with ${describeLit(v)}`);
          v = { t: 'float', v: Number(v.v) };
        }
        return { k: 'pred', pos, p: { k: 'arith', col: l.ref, arith: l.op, operand: l.operand, op, v } };
      }
    }
    if (l.k === 'col' && r.k === 'col') return { k: 'pred', pos, p: this.compareColumns(op, l.ref, r.ref, pos) };
    throw new FilterError('unsupported', pos, `comparison between ${this.describe(l)} and ${this.describe(r)} is not supported`);
  }

  private compareColumns(op: CmpOp, a: ColRef, b: ColRef, pos: number): Pred {
    if (a.type === DataType.JSON || b.type === DataType.JSON) {
      throw new FilterError('unsupported', pos, 'comparison between two columns is not supported for JSON fields');
    }
    if (isWholeArray(a) || isWholeArray(b) || a.type === DataType.Array || b.type === DataType.Array) {
      throw new FilterError('unsupported', pos, 'comparison between two columns is not supported for Array fields');
    }
    if (!comparable(a.type, b.type)) {
      throw new FilterError(
        'type_mismatch',
        pos,
        `comparison between ${typeName(a.type)} field '${a.column}' and ${typeName(b.type)} field '${b.column}' is not supported`,
      );
    }
    return { k: 'cmpCols', a, b, op };
  }

  /** Milvus's canBeCompared + castValue for `field op constant`. */
  private castForCompare(op: CmpOp, ref: ColRef, val: Typed & { k: 'val' }): Lit {
    const lit = val.v;
    if (ref.type === DataType.JSON) {
      if (lit.t === 'arr' && op !== '==' && op !== '!=') {
        throw new FilterError('unsupported', val.pos, `'${op}' with an array constant is not supported; only == and != compare arrays`);
      }
      return lit;
    }
    if (isWholeArray(ref)) {
      if (op !== '==' && op !== '!=') {
        throw new FilterError('type_mismatch', val.pos, `array field '${ref.column}' can only be compared with == or !=`);
      }
      const elem = ref.elementType ?? DataType.None;
      if (lit.t !== 'arr' || !comparable(elem, litElementType(lit))) {
        throw new FilterError(
          'type_mismatch',
          val.pos,
          `array field '${ref.column}' of ${typeName(elem)} cannot be compared with ${describeLit(lit)}`,
        );
      }
      return { t: 'arr', v: lit.v.map((e, i) => this.castScalar(elem, ref, e, val.itemPos?.[i] ?? val.pos)) };
    }
    return this.castScalar(valueType(ref), ref, lit, val.pos);
  }

  /** Milvus's castValue: integers widen to floating point, nothing else converts. */
  private castScalar(t: DataType, ref: ColRef, lit: Lit, pos: number): Lit {
    if (t === DataType.JSON) return lit;
    if (t === DataType.Bool && lit.t === 'bool') return lit;
    if (isStringType(t) && lit.t === 'str') return lit;
    if (isIntegerType(t) && lit.t === 'int') return lit;
    // Only ISO literals reach here for a Timestamptz field (compareTimestamptz, timestamptzBound, term).
    if (t === DataType.Timestamptz && lit.t === 'int') return lit;
    if (isFloatingType(t) && (lit.t === 'int' || lit.t === 'float')) return { t: 'float', v: Number(lit.v) };
    throw new FilterError(
      'type_mismatch',
      pos,
      `${typeName(t)} field '${colName(ref)}' cannot be compared with ${typeName(litDataType(lit))} value ${describeLit(lit)}`,
    );
  }

  private logic(op: 'and' | 'or', args: Typed[], pos: number): Typed {
    if (args.every((x) => x.k === 'val')) {
      this.noTemplate(args);
      let acc = op === 'and';
      for (const x of args as (Typed & { k: 'val' })[]) {
        if (x.v.t !== 'bool') throw new FilterError('type_mismatch', x.pos, `'${op}' can only be applied to booleans`);
        acc = op === 'and' ? acc && x.v.v : acc || x.v.v;
      }
      return { k: 'val', pos, v: { t: 'bool', v: acc }, folded: true };
    }
    const preds: Pred[] = [];
    for (const x of args) {
      if (x.k !== 'pred') {
        throw new FilterError('type_mismatch', x.pos, `'${op}' can only be used between boolean expressions, found ${this.describe(x)}`);
      }
      // A nested chain of the same operator is inlined one by one: it may have any length.
      if (x.p.k === op) for (const p of x.p.args) preds.push(p);
      else preds.push(x.p);
    }
    return { k: 'pred', pos, p: { k: op, args: preds } };
  }

  private term(negated: boolean, l: Typed, r: Typed, pos: number): Typed {
    if (l.k === 'val') throw new FilterError('type_mismatch', l.pos, `'in' needs a field on its left, found ${this.describe(l)}`);
    const ref = this.column(l, "'in'");
    if (r.k !== 'val' || r.v.t !== 'arr') {
      throw new FilterError('type_mismatch', r.pos, `the right-hand side of 'in' must be a list, found ${this.describe(r)}`);
    }
    const list = r.v.v;
    let values: Lit[];
    if (isWholeArray(ref)) {
      values = list.map((e, i) => {
        if (e.t !== 'arr')
          throw new FilterError('type_mismatch', r.itemPos?.[i] ?? r.pos, `array field '${ref.column}' can only be matched against arrays`);
        return this.castForCompare('==', ref, { k: 'val', pos: r.itemPos?.[i] ?? r.pos, v: e, folded: false });
      });
    } else {
      const timestamptz = ref.type === DataType.Timestamptz;
      values = list.map((e, i) => {
        const at = r.itemPos?.[i] ?? r.pos;
        if (timestamptz !== Boolean(r.isoItems?.[i])) throw this.isoMismatch(ref, at, e);
        return timestamptz ? e : this.castScalar(valueType(ref), ref, e, at);
      });
    }
    const p: Pred = { k: 'in', col: ref, values };
    return { k: 'pred', pos, p: negated ? { k: 'not', arg: p } : p };
  }

  private range(a: Ast & { t: 'range' }): Typed {
    const ref = this.column(this.visit(a.col), 'a range');
    if (isWholeArray(ref)) throw new FilterError('type_mismatch', a.col.pos, `array field '${ref.column}' cannot be compared directly`);
    const lo = this.timestamptzBound(ref, this.visit(a.lo));
    const hi = this.timestamptzBound(ref, this.visit(a.hi));
    const t = valueType(ref);
    const cast = (b: Typed & { k: 'val' }): Lit => {
      if (t === DataType.Bool)
        throw new FilterError('type_mismatch', a.pos, `range comparison on Bool field '${colName(ref)}' is not supported`);
      if (t === DataType.JSON) {
        if (b.v.t === 'arr') throw new FilterError('unsupported', b.pos, 'a range bound cannot be an array');
        return b.v;
      }
      return this.castScalar(t, ref, b.v, b.pos);
    };
    const lv = cast(lo);
    const hv = cast(hi);
    const order = compareLits(lv, hv);
    if (order !== null && (order > 0 || (order === 0 && !(a.loInclusive && a.hiInclusive)))) {
      throw new FilterError(
        'invalid_literal',
        a.pos,
        `invalid range: lower bound ${describeLit(lv)} is not below upper bound ${describeLit(hv)}`,
      );
    }
    return {
      k: 'pred',
      pos: a.pos,
      p: { k: 'range', col: ref, lo: lv, hi: hv, loInclusive: a.loInclusive, hiInclusive: a.hiInclusive },
    };
  }

  /** `json["k"] is null` means "not exists json["k"]" in Milvus; on a field it tests the null bitmap. */
  private isNull(negated: boolean, col: Typed, pos: number): Typed {
    const ref = this.column(col, "'is null'");
    if (ref.path.length > 0) {
      if (ref.type !== DataType.JSON) throw new FilterError('unsupported', pos, "'is null' on an array element is not supported");
      const exists: Pred = { k: 'exists', col: ref };
      return { k: 'pred', pos, p: negated ? exists : { k: 'not', arg: exists } };
    }
    return { k: 'pred', pos, p: { k: negated ? 'isNotNull' : 'isNull', col: ref } };
  }

  // ---- Timestamptz ----------------------------------------------------------------------

  /**
   * Milvus's Timestamptz comparisons (Plan.g4's TimestamptzCompareForward / Reverse): a
   * Timestamptz field, or the field plus or minus an INTERVAL, compared with an ISO literal,
   * either side first. Anything else that mixes them is refused, as Milvus refuses it.
   */
  private compareTimestamptz(op: CmpOp, l: Typed, r: Typed, pos: number): Typed {
    if (l.k === 'iso' && r.k !== 'iso') return this.compareTimestamptz(REVERSED[op], r, l, pos);
    const subject = l.k === 'shift' ? l.ref : l.k === 'col' ? l.ref : undefined;
    if (!subject || r.k !== 'iso') {
      if (subject && subject.type === DataType.Timestamptz && r.k === 'val') throw this.isoMismatch(subject, r.pos, r.v);
      if (l.k === 'col' && r.k === 'iso') throw notTimestamptz(l.ref, l.pos);
      throw new FilterError(
        'unsupported',
        pos,
        `comparison between ${this.describe(l)} and ${this.describe(r)} is not supported: compare a Timestamptz field (plus or minus an INTERVAL) with an ISO literal`,
      );
    }
    if (subject.type !== DataType.Timestamptz || subject.path.length > 0) throw notTimestamptz(subject, l.pos);
    if (l.k === 'col') return { k: 'pred', pos, p: { k: 'cmp', col: subject, op, v: { t: 'int', v: r.micros } } };
    const shift = l as Typed & { k: 'shift' };
    // A fixed interval moves every row by the same microseconds: `t + d op c` is `t op c - d`,
    // an integer comparison (and one an index answers).
    if (isFixedInterval(shift.interval)) {
      const v = r.micros - BigInt(shift.sign) * fixedIntervalMicros(shift.interval);
      return { k: 'pred', pos, p: { k: 'cmp', col: subject, op, v: { t: 'int', v } } };
    }
    return { k: 'pred', pos, p: { k: 'tszArith', col: subject, interval: shift.interval, sign: shift.sign, op, v: r.micros } };
  }

  /** `field + INTERVAL '...'` or `field - INTERVAL '...'`, on a Timestamptz field only (Milvus's grammar). */
  private shift(op: ArithOp, l: Typed, r: Typed, pos: number): Typed {
    if (r.k !== 'interval' || (op !== '+' && op !== '-')) {
      throw new FilterError('unsupported', pos, "an INTERVAL can only follow '+' or '-' after a Timestamptz field");
    }
    if (l.k !== 'col') {
      throw new FilterError('unsupported', pos, `an INTERVAL can only be added to a Timestamptz field, not to ${this.describe(l)}`);
    }
    if (l.ref.type !== DataType.Timestamptz || l.ref.path.length > 0) throw notTimestamptz(l.ref, l.pos);
    return { k: 'shift', pos, ref: l.ref, interval: r.interval, sign: op === '+' ? 1 : -1 };
  }

  /** A range bound: an ISO literal for a Timestamptz field (as UTC microseconds), a constant of its kind otherwise. */
  private timestamptzBound(ref: ColRef, t: Typed): Typed & { k: 'val' } {
    if (ref.type === DataType.Timestamptz) {
      if (t.k === 'iso') return { k: 'val', pos: t.pos, v: { t: 'int', v: t.micros }, folded: false };
      if (t.k === 'val') throw this.isoMismatch(ref, t.pos, t.v);
    } else if (t.k === 'iso') {
      throw notTimestamptz(ref, t.pos);
    }
    return this.constant(t, 'a range bound');
  }

  /** A Timestamptz field given a constant that is not an ISO literal, or another field given an ISO literal. */
  private isoMismatch(ref: ColRef, pos: number, lit: Lit): FilterError {
    if (ref.type !== DataType.Timestamptz) return notTimestamptz(ref, pos);
    return new FilterError(
      'type_mismatch',
      pos,
      `comparisons between Timestamptz and ${typeName(litDataType(lit))} are not supported: write the time as an ISO literal, e.g. ${colName(ref)} > ISO '2025-01-01T00:00:00Z'`,
    );
  }

  private like(l: Typed, r: Typed, pos: number): Typed {
    if (l.k === 'val') throw new FilterError('type_mismatch', l.pos, `the left operand of like must be a field, found ${this.describe(l)}`);
    const ref = this.column(l, 'like');
    const t = valueType(ref);
    if (isWholeArray(ref))
      throw new FilterError('type_mismatch', l.pos, `array field '${ref.column}' cannot be matched with like directly`);
    if (!isStringType(t) && t !== DataType.JSON) {
      throw new FilterError(
        'type_mismatch',
        l.pos,
        `like can only be applied to VarChar or JSON values, not ${typeName(t)} field '${colName(ref)}'`,
      );
    }
    if (r.k !== 'val' || r.v.t !== 'str') {
      throw new FilterError('type_mismatch', r.pos, `the pattern of like must be a string, found ${this.describe(r)}`);
    }
    return { k: 'pred', pos, p: { k: 'like', col: ref, pattern: r.v.v } };
  }

  private call(name: string, args: Ast[], pos: number, argText: string[] = []): Typed {
    if (name === 'text_match' || name === 'phrase_match') return this.textQuery(name, args, pos, argText);
    if (name.startsWith('st_')) return this.spatial(name, args, pos);
    const target = this.visit(args[0]!);
    const ref = this.column(target, `${name}()`);
    if (ref.type !== DataType.JSON && !isWholeArray(ref)) {
      throw new FilterError(
        'type_mismatch',
        target.pos,
        `${name}() can only be applied to JSON or Array fields, not ${this.describe(target)}`,
      );
    }
    if (name === 'array_length') return { k: 'alen', pos, ref };
    const mode = name.endsWith('_all') ? 'all' : name.endsWith('_any') ? 'any' : 'one';
    const arg = this.constant(this.visit(args[1]!), `the second argument of ${name}()`);
    let values: Lit[];
    if (mode === 'one') {
      values = [arg.v];
    } else {
      if (arg.v.t !== 'arr') throw new FilterError('type_mismatch', arg.pos, `the second argument of ${name}() must be a list`);
      values = arg.v.v;
    }
    if (isWholeArray(ref)) {
      const elem = ref.elementType ?? DataType.None;
      values.forEach((v, i) => {
        const at = arg.itemPos?.[i] ?? arg.pos;
        // Milvus casts the single element of *_contains, and only type-checks list elements.
        if (mode === 'one') values[i] = this.castScalar(elem, ref, v, at);
        else if (!comparable(elem, litDataType(v))) {
          throw new FilterError('type_mismatch', at, `${name}() cannot compare ${typeName(elem)} elements with ${describeLit(v)}`);
        }
      });
    }
    return { k: 'pred', pos, p: { k: 'contains', col: ref, mode, values } };
  }
  /**
   * The spatial functions (Milvus's VisitSpatialBinary, VisitSTDWithin, VisitSTIsValid) with their
   * refusals: a Geometry field, a WKT constant (a string or a template variable holding one) that
   * parses, for st_dwithin a POINT and a constant distance in metres that is not negative.
   */
  private spatial(name: string, args: Ast[], pos: number): Typed {
    const target = this.visit(args[0]!);
    const col = this.column(target, `${name}()`);
    const fn = name.toUpperCase();
    if (col.type !== DataType.Geometry || col.path.length > 0) {
      // Milvus's three wordings: VisitSTIsValid, VisitSTDWithin, VisitSpatialBinary.
      const what = name === 'st_isvalid' ? 'STIsValid' : name === 'st_dwithin' ? 'ST_DWITHIN' : 'spatial';
      throw new FilterError(
        'type_mismatch',
        target.pos,
        `${what} operation are only supported on geometry fields now, got: ${colName(col)}`,
      );
    }
    if (name === 'st_isvalid') return { k: 'pred', pos, p: { k: 'isValid', col } };
    const wkt = this.visit(args[1]!);
    if (wkt.k !== 'val' || wkt.v.t !== 'str') {
      throw new FilterError('type_mismatch', wkt.pos, `the geometry of ${fn} must be a WKT string`);
    }
    let query: Shape;
    try {
      query = parseWkt(wkt.v.v);
    } catch (e) {
      if (!(e instanceof GeometryError)) throw e;
      throw new FilterError('invalid_literal', wkt.pos, `invalid WKT: ${wkt.v.v}: ${e.message}`);
    }
    const op = SPATIAL_FUNCTIONS[name]!;
    if (op !== 'dwithin') return { k: 'pred', pos, p: { k: 'spatial', col, op, query, distance: 0 } };
    if (query.getGeometryType() !== 'Point' || query.isEmpty()) {
      throw new FilterError('invalid_literal', wkt.pos, `the geometry of ST_DWITHIN must be a POINT, got: ${wkt.v.v}`);
    }
    const d = this.visit(args[2]!);
    if (d.k !== 'val' || (d.v.t !== 'int' && d.v.t !== 'float')) {
      throw new FilterError('type_mismatch', d.pos, 'distance parameter must be a constant numeric value');
    }
    const distance = Number(d.v.v);
    if (distance < 0) throw new FilterError('invalid_literal', d.pos, `distance parameter must be non-negative, got: ${distance}`);
    return { k: 'pred', pos, p: { k: 'spatial', col, op, query, distance } };
  }

  /**
   * `text_match(field, 'query'[, minimum_should_match=n])` and `phrase_match(field, 'phrase'[,
   * slop])`, on a VarChar field with match enabled, checked as Milvus's VisitTextMatch and
   * VisitPhraseMatch check them, with their messages.
   */
  private textQuery(name: 'text_match' | 'phrase_match', args: Ast[], pos: number, argText: string[]): Typed {
    const target = this.visit(args[0]!);
    const ref = this.column(target, `${name}()`);
    const field = this.fields.get(ref.column);
    const operation = name === 'text_match' ? 'text match' : 'phrase match';
    if (!isStringType(ref.type) || ref.path.length > 0 || !field)
      throw new FilterError('type_mismatch', target.pos, `${operation} operation on non-string is unsupported`);
    if (!field.enableMatch) throw new FilterError('type_mismatch', target.pos, `field "${field.name}" does not enable match`);
    const query = (args[1] as Extract<Ast, { t: 'str' }>).v;
    let tokens: AnalyzedToken[];
    try {
      tokens = analyzerFor(field.analyzerParams).analyze(query);
    } catch (e) {
      if (!(e instanceof AnalyzerError)) throw e;
      throw new FilterError('unsupported', target.pos, `the analyzer of field ${field.name}: ${e.message}`);
    }
    const terms = tokens.map((t) => t.token);
    const analyzerParams = field.analyzerParams;
    if (name === 'text_match') {
      const minShouldMatch = args[2] ? this.minShouldMatch(args[2] as Extract<Ast, { t: 'int' }>) : 1;
      return { k: 'pred', pos, p: { k: 'textMatch', col: ref, analyzerParams, terms, minShouldMatch } };
    }
    const slop = args[2] ? this.slop(args[2], argText[2]!) : 0;
    // Milvus hands a phrase of fewer than two tokens to a text match.
    if (tokens.length < 2) return { k: 'pred', pos, p: { k: 'textMatch', col: ref, analyzerParams, terms, minShouldMatch: 1 } };
    const phrase = tokens.map((t) => ({ term: t.token, offset: t.position }));
    return { k: 'pred', pos, p: { k: 'phraseMatch', col: ref, analyzerParams, phrase, slop } };
  }

  /** text_match's minimum_should_match, within Milvus's bounds (validateAndExtractMinShouldMatch). */
  private minShouldMatch(a: Extract<Ast, { t: 'int' }>): number {
    if (a.v < 1n) throw new FilterError('type_mismatch', a.pos, `minimum_should_match should be >= 1, got ${a.v}`);
    if (a.v > 1000n) throw new FilterError('type_mismatch', a.pos, `minimum_should_match should be <= 1000, got ${a.v}`);
    return Number(a.v);
  }

  /**
   * phrase_match's slop: a constant, read as Milvus reads it (its Int64 value: a constant of
   * another type reads as 0), within uint32.
   */
  private slop(a: Ast, text: string): number {
    const t = this.visit(a);
    if (t.k !== 'val' || t.template)
      throw new FilterError(
        'type_mismatch',
        t.pos,
        `"slop" should be a const integer expression with "uint32" value. "slop" expression passed: ${text}`,
      );
    const v = t.v.t === 'int' ? t.v.v : 0n;
    if (v < 0n) throw new FilterError('type_mismatch', t.pos, `"slop" should not be a negative interger. "slop" passed: ${text}`);
    if (v > 0xffffffffn)
      throw new FilterError('type_mismatch', t.pos, `"slop" exceeds the range of "uint32". "slop" expression passed: ${text}`);
    return Number(v);
  }
}

/** Whether a checked operand takes part in a Timestamptz comparison (a literal, an interval shift, or a Timestamptz field). */
function involvesTimestamptz(t: Typed): boolean {
  return t.k === 'iso' || t.k === 'shift' || t.k === 'interval' || (t.k === 'col' && t.ref.type === DataType.Timestamptz);
}

/** Milvus's refusal of a Timestamptz operation on another field. */
const notTimestamptz = (ref: ColRef, pos: number) =>
  new FilterError('type_mismatch', pos, `field '${colName(ref)}' is not a timestamptz datatype`);

/** A Timestamptz literal or interval, its refusal (with Milvus's message) as a filter error at `pos`. */
function timestamptzLiteral<T>(parse: () => T, pos: number): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TimestamptzError) throw new FilterError('invalid_literal', pos, e.message);
    throw e;
  }
}

/** Converts an expr_template_values entry (a JS value) into a literal. */
function templateLit(v: unknown, name: string, pos: number): Lit {
  switch (typeof v) {
    case 'boolean':
      return { t: 'bool', v };
    case 'string':
      return { t: 'str', v };
    case 'bigint':
      if (v !== BigInt.asIntN(64, v)) throw new FilterError('template', pos, `template variable {${name}} is out of the Int64 range`);
      return { t: 'int', v };
    case 'number':
      if (!Number.isFinite(v)) throw new FilterError('template', pos, `template variable {${name}} is not a finite number`);
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return { t: 'int', v: BigInt(v) };
      return { t: 'float', v };
    default:
      if (Array.isArray(v)) return { t: 'arr', v: v.map((e) => templateLit(e, name, pos)) };
      throw new FilterError(
        'template',
        pos,
        `template variable {${name}} has an unsupported value type (${v === null ? 'null' : typeof v})`,
      );
  }
}
