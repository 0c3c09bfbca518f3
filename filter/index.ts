/**
 * The Milvus boolean filter language (query `expr`, search `filter`, delete `expr`):
 * parse, check against a collection schema, evaluate over columnar batches.
 * See docs/filter.md for the grammar and the semantics chosen where Milvus is subtle.
 */
import type { ColumnBatch, PrimaryKey } from '../core/columns.js';
import { partitionKeyField, type CollectionSchema } from '../core/schema.js';
import { check } from './checker.js';
import { compile, evaluate } from './evaluator.js';
import { keyBounds, type KeyValue } from './key-bounds.js';
import type { Lit, Pred } from './plan.js';
import { parse } from './parser.js';

export { FilterError, type FilterErrorKind } from './errors.js';
export type { KeyValue } from './key-bounds.js';

export interface CompileOptions {
  /** Values of `{name}` template variables (Milvus's expr_template_values), as JS values. */
  templateValues?: Record<string, unknown>;
  /** The IANA time zone of ISO literals that carry no offset (default UTC). */
  timezone?: string;
}

export interface CompiledFilter {
  /** True for the empty expression. */
  readonly matchesAll: boolean;
  /** Schema fields read (plus '$meta' if dynamic keys are read). */
  readonly fields: string[];
  /**
   * Evaluates over rows [0, batch.length); returns a Uint8Array of 0/1 (length = batch.length).
   * If `candidates` is given only rows with candidates[i] !== 0 are evaluated; the others are 0.
   */
  evaluate(batch: ColumnBatch, candidates?: Uint8Array): Uint8Array;
  /**
   * The primary keys, when the expression is exactly a primary-key set (`pk in [...]`,
   * `pk == x`, or an `or` of those): bigint for Int64 keys, string for VarChar. Else null.
   */
  primaryKeys(): PrimaryKey[] | null;
  /**
   * The values the schema's partition key field can hold in matching rows, when the
   * expression bounds them (`key == x`, `key in [...]`, and `and`s and `or`s of such; see
   * key-bounds.ts). Null when it does not, or the schema has no partition key.
   */
  partitionKeys(): ReadonlySet<KeyValue> | null;
}

/** Compiles a filter expression against a schema; throws FilterError when it is invalid. */
export function compileFilter(expr: string, schema: CollectionSchema, opts: CompileOptions = {}): CompiledFilter {
  const ast = parse(expr);
  if (ast === null) {
    return {
      matchesAll: true,
      fields: [],
      evaluate(batch, candidates) {
        const out = new Uint8Array(batch.length);
        if (candidates === undefined) out.fill(1);
        else for (let i = 0; i < out.length; i++) out[i] = candidates[i] !== 0 ? 1 : 0;
        return out;
      },
      primaryKeys: () => null,
      partitionKeys: () => null,
    };
  }
  const pred = check(ast, schema, opts.templateValues ?? {}, opts.timezone);
  const binder = compile(pred);
  const fields = fieldsOf(pred);
  const keys = primaryKeysOf(pred);
  // Worked out on first use only: most filters are never asked.
  let partitionKeys: ReadonlySet<KeyValue> | null | undefined;
  return {
    matchesAll: false,
    fields,
    evaluate: (batch, candidates) => evaluate(binder, batch, candidates),
    primaryKeys: () => (keys === null ? null : [...keys]),
    partitionKeys() {
      if (partitionKeys === undefined) {
        const field = partitionKeyField(schema);
        partitionKeys = field ? keyBounds(pred, field.name) : null;
      }
      return partitionKeys;
    },
  };
}

function fieldsOf(p: Pred): string[] {
  const names = new Set<string>();
  const walk = (q: Pred): void => {
    switch (q.k) {
      case 'const':
        return;
      case 'and':
      case 'or':
        q.args.forEach(walk);
        return;
      case 'not':
        walk(q.arg);
        return;
      case 'cmpCols':
        names.add(q.a.column);
        names.add(q.b.column);
        return;
      default:
        names.add(q.col.column);
    }
  };
  walk(p);
  return [...names];
}

function primaryKeysOf(p: Pred): PrimaryKey[] | null {
  const keys: Lit[] = [];
  const collect = (q: Pred): boolean => {
    if (q.k === 'or') return q.args.every(collect);
    if ((q.k === 'in' || (q.k === 'cmp' && q.op === '==')) && q.col.isPrimaryKey && q.col.path.length === 0) {
      // One by one: a list of any length (`pk in [...]` of a million keys) must not become call arguments.
      if (q.k === 'in') for (const v of q.values) keys.push(v);
      else keys.push(q.v);
      return true;
    }
    return false;
  };
  if (!collect(p)) return null;
  const unique = new Set<PrimaryKey>();
  for (const k of keys) {
    if (k.t === 'int' || k.t === 'str') unique.add(k.v);
  }
  return [...unique];
}
