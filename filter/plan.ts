import { DataType } from '../core/schema.js';
import type { Shape } from '../core/geometry.js';
import type { Interval } from '../core/timestamptz.js';
import type { ArithOp, CmpOp } from './ast.js';
import type { SpatialOp } from './spatial.js';
import type { PhraseToken } from '../text/token-index.js';

/** A constant, typed the way Milvus types literals (integers are exact Int64). */
export type Lit =
  | { t: 'bool'; v: boolean }
  | { t: 'int'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'str'; v: string }
  | { t: 'arr'; v: Lit[] };

/** A column read by the filter: a field, a JSON path inside it, or an element of an Array field. */
export interface ColRef {
  /** Name of the batch column ($meta for dynamic keys). */
  column: string;
  type: DataType;
  elementType?: DataType;
  /** JSON path, or the single element index of an Array field; empty for the field itself. */
  path: string[];
  isPrimaryKey: boolean;
}

/** Type of the values a reference yields: the element type for `array[i]`. */
export function valueType(ref: ColRef): DataType {
  return ref.type === DataType.Array && ref.path.length > 0 ? (ref.elementType ?? DataType.None) : ref.type;
}

/**
 * The checked, schema-resolved predicate. Each leaf matches Milvus's segcore expression of
 * the same meaning; `not in` and `json is null` are expressed with `not`, as Milvus does,
 * so that null rows behave the same.
 */
export type Pred =
  | { k: 'const'; v: boolean }
  | { k: 'and' | 'or'; args: Pred[] }
  | { k: 'not'; arg: Pred }
  | { k: 'cmp'; col: ColRef; op: CmpOp; v: Lit }
  | { k: 'range'; col: ColRef; lo: Lit; hi: Lit; loInclusive: boolean; hiInclusive: boolean }
  | { k: 'cmpCols'; a: ColRef; b: ColRef; op: CmpOp }
  /** `col <arith> operand <op> v`, e.g. `a % 2 == 0`. */
  | { k: 'arith'; col: ColRef; arith: ArithOp; operand: Lit; op: CmpOp; v: Lit }
  | { k: 'arrayLength'; col: ColRef; op: CmpOp; v: bigint }
  | { k: 'in'; col: ColRef; values: Lit[] }
  | { k: 'like'; col: ColRef; pattern: string }
  | { k: 'isNull'; col: ColRef }
  | { k: 'isNotNull'; col: ColRef }
  | { k: 'exists'; col: ColRef }
  | { k: 'contains'; col: ColRef; mode: 'one' | 'all' | 'any'; values: Lit[] }
  /**
   * `text_match(field, 'query')`: rows whose text, analyzed by the field's analyzer (its
   * `analyzerParams`), holds any of the query's tokens (`terms`, analyzed the same way).
   */
  | { k: 'textMatch'; col: ColRef; analyzerParams: string | undefined; terms: string[]; minShouldMatch: number }
  /**
   * `phrase_match(field, 'phrase', slop)`: rows whose text holds the phrase's tokens (two or
   * more, at their offsets in the phrase) within `slop` (text/token-index.ts).
   */
  | { k: 'phraseMatch'; col: ColRef; analyzerParams: string | undefined; phrase: PhraseToken[]; slop: number }
  /**
   * `tsz + INTERVAL 'P1M' > ISO '...'` with years or months in the interval (Milvus's
   * TimestamptzArithCompareExpr): each row's time moved by the calendar (shiftByInterval),
   * then compared with `v` (UTC microseconds). Intervals of fixed length become a `cmp`.
   */
  | { k: 'tszArith'; col: ColRef; interval: Interval; sign: 1 | -1; op: CmpOp; v: bigint }
  /** `st_<op>(field, 'WKT')` on a Geometry field (filter/spatial.ts); `distance` in metres for st_dwithin. */
  | { k: 'spatial'; col: ColRef; op: SpatialOp; query: Shape; distance: number }
  /** `st_isvalid(field)`: the row's geometry is valid (OGC). */
  | { k: 'isValid'; col: ColRef };
