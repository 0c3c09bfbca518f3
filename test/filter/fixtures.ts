import { compileFilter, FilterError } from '../../filter/index.js';
import { ColumnMap, type Column } from '../../core/columns.js';
import { wkbFromWkt } from '../../core/geometry.js';
import { DataType, DYNAMIC_FIELD, type CollectionSchema, type FieldSchema } from '../../core/schema.js';
import { fieldSchema } from '../harness/schemas.js';

export function field(name: string, dataType: DataType, extra: Partial<FieldSchema> = {}): FieldSchema {
  return fieldSchema(100, name, dataType, extra);
}

export function schemaOf(fields: FieldSchema[], enableDynamicField = false): CollectionSchema {
  return { name: 'test', description: '', enableDynamicField, fields };
}

export type Row = Record<string, unknown>;

/**
 * Builds the columnar batch a segment would hand the filter: typed arrays per core/columns.ts
 * (geometries given as WKT),
 * `valid` bitmaps for nullable fields (null values), and row keys unknown to the schema
 * gathered into `$meta` when the dynamic field is on (null for rows without any).
 */
export function batchOf(schema: CollectionSchema, rows: Row[]): ColumnMap {
  const n = rows.length;
  const columns = new Map<string, Column>();
  const known = new Set(schema.fields.map((f) => f.name));
  for (const f of schema.fields) {
    if (f.isDynamic) continue;
    const raw = rows.map((r) => r[f.name]);
    const col: Column = { type: f.dataType, values: [] };
    if (f.elementType !== undefined) col.elementType = f.elementType;
    if (f.nullable) col.valid = Uint8Array.from(raw, (v) => (v === null || v === undefined ? 0 : 1));
    switch (f.dataType) {
      case DataType.Bool:
        col.values = Uint8Array.from(raw, (v) => (v ? 1 : 0));
        break;
      case DataType.Int8:
      case DataType.Int16:
      case DataType.Int32:
        col.values = Int32Array.from(raw, (v) => Number(v ?? 0));
        break;
      case DataType.Int64:
      case DataType.Timestamptz:
        col.values = BigInt64Array.from(raw, (v) => BigInt((v as number | bigint | null) ?? 0));
        break;
      case DataType.Float:
        col.values = Float32Array.from(raw, (v) => Number(v ?? 0));
        break;
      case DataType.Double:
        col.values = Float64Array.from(raw, (v) => Number(v ?? 0));
        break;
      case DataType.VarChar:
      case DataType.String:
        col.values = raw.map((v) => (v ?? '') as string);
        break;
      case DataType.JSON:
        col.values = raw.map((v) => (v === undefined ? null : v));
        break;
      case DataType.Array:
        col.values = raw.map((v) => (v ?? []) as unknown[]);
        break;
      case DataType.Geometry:
        col.values = raw.map((v) => (v === null || v === undefined ? new Uint8Array(0) : wkbFromWkt(v as string)));
        break;
      case DataType.FloatVector:
        col.dim = f.dim ?? 2;
        col.values = new Float32Array(n * col.dim);
        break;
      default:
        throw new Error(`fixture cannot build ${DataType[f.dataType]} columns`);
    }
    columns.set(f.name, col);
  }
  if (schema.enableDynamicField) {
    const docs = rows.map((r) => {
      const extra = Object.entries(r).filter(([k]) => !known.has(k));
      return extra.length > 0 ? Object.fromEntries(extra) : null;
    });
    columns.set(DYNAMIC_FIELD, { type: DataType.JSON, values: docs });
  }
  return new ColumnMap(n, columns);
}

/** Indices of the rows set in a 0/1 mask. */
export function matching(mask: Uint8Array): number[] {
  const out: number[] = [];
  mask.forEach((v, i) => {
    if (v) out.push(i);
  });
  return out;
}

/** The message of the FilterError compiling `expr` against `schema` throws; fails when it compiles. */
export function refusal(expr: string, schema: CollectionSchema): string {
  try {
    compileFilter(expr, schema);
  } catch (e) {
    if (e instanceof FilterError) return e.message;
    throw e;
  }
  throw new Error(`${expr} compiled`);
}
