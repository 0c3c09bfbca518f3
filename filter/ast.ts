import type { JsonKey } from './lexer.js';

/** Syntax tree of a filter expression, before any schema is consulted. */
export type Ast =
  | { t: 'int'; pos: number; v: bigint }
  | { t: 'float'; pos: number; v: number }
  | { t: 'bool'; pos: number; v: boolean }
  | { t: 'str'; pos: number; v: string }
  /** A bare identifier, or `$meta`. */
  | { t: 'ident'; pos: number; name: string }
  | { t: 'json'; pos: number; name: string; keys: JsonKey[] }
  | { t: 'template'; pos: number; name: string }
  | { t: 'list'; pos: number; items: Ast[] }
  | { t: 'unary'; pos: number; op: UnaryOp; arg: Ast }
  | { t: 'binary'; pos: number; op: BinaryOp; l: Ast; r: Ast }
  /** `and` / `or` chains, flattened (both are associative) so long chains stay shallow. */
  | { t: 'logic'; pos: number; op: 'and' | 'or'; args: Ast[] }
  | { t: 'in'; pos: number; negated: boolean; l: Ast; r: Ast }
  /** `lo < col <= hi`, or the reverse form `hi > col >= lo`. */
  | { t: 'range'; pos: number; col: Ast; lo: Ast; hi: Ast; loInclusive: boolean; hiInclusive: boolean }
  | { t: 'isnull'; pos: number; negated: boolean; col: Ast }
  | { t: 'exists'; pos: number; arg: Ast }
  /** `argText`: the arguments' source text as Milvus quotes it in messages (its tokens without spaces). */
  | { t: 'call'; pos: number; name: string; args: Ast[]; argText?: string[] }
  /** `ISO '2025-01-01T00:00:00+08:00'`: a Timestamptz literal (the string as written). */
  | { t: 'iso'; pos: number; v: string }
  /** `INTERVAL 'P1DT2H'`: an ISO 8601 duration, added to or subtracted from a Timestamptz field. */
  | { t: 'interval'; pos: number; v: string };

export type UnaryOp = '+' | '-' | '~' | 'not';

export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';
export type BinaryOp = CmpOp | ArithOp | '**' | '<<' | '>>' | '&' | '|' | '^' | 'like' | '=~' | '!~';
