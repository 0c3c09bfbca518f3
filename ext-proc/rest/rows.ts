import type { CollectionSchema__Output } from '../../proto/generated/milvus/proto/schema/CollectionSchema.js';
import type { ResultFieldData } from '../../milvus/result-fields.js';
import type { FieldData } from '../../proto/generated/milvus/proto/schema/FieldData.js';
import type { FieldSchema__Output } from '../../proto/generated/milvus/proto/schema/FieldSchema.js';
import type { IDs__Output } from '../../proto/generated/milvus/proto/schema/IDs.js';
import type { ScalarField__Output } from '../../proto/generated/milvus/proto/schema/ScalarField.js';
import { RestCode, RestError } from './reply.js';
import { restVectorType, vectorColumn, vectorReader, vectorRows } from './vectors.js';

/**
 * Rows (REST v2's JSON objects) to and from Milvus's columnar `schema.FieldData`. Inserts are
 * turned into columns by the described schema and validated further by the writer; results
 * are turned into rows the way Milvus renders them: int64 as strings unless the client allows
 * numbers, JSON fields as text, dynamic keys flattened into the row, nulls as null.
 */

const SCALAR_KEY: Record<string, string> = {
  Bool: 'bool_data',
  Int8: 'int_data',
  Int16: 'int_data',
  Int32: 'int_data',
  Int64: 'long_data',
  Float: 'float_data',
  Double: 'double_data',
  VarChar: 'string_data',
  JSON: 'json_data',
  Array: 'array_data',
  // WKT text, as Milvus's REST takes and gives geometries.
  Geometry: 'geometry_wkt_data',
};

/**
 * A float32 as the shortest decimal that reads back as the same float32, as Go prints it
 * (0.1 rather than 0.10000000149011612).
 */
export function float32(x: number): number {
  const f = Math.fround(x);
  for (let p = 1; p < 9; p++) {
    const short = Number(f.toPrecision(p));
    if (Math.fround(short) === f) return short;
  }
  return f;
}

const invalidRow = (row: number, message: string) =>
  new RestError(RestCode.InvalidInsertData, `fail to deal the insert data, error: row ${row}: ${message}`);

/** One described field's column over all rows, or undefined when every row leaves it out. */
function column(field: FieldSchema__Output, rows: Record<string, unknown>[]): FieldData | undefined {
  const type = field.data_type;
  const optional = field.nullable || field.default_value?.data;
  if (field.is_primary_key && field.autoID && rows.every((r) => r[field.name] === undefined)) return undefined;
  const base = { type, field_name: field.name, is_dynamic: false };
  const vector = restVectorType(field);
  if (vector) {
    const values = rows.map((r, i) => {
      const v = r[field.name];
      if (v === undefined || v === null) throw invalidRow(i, `missing vector field: ${field.name}`);
      return v;
    });
    return { ...base, vectors: vectorColumn(field, vector, values, invalidRow) };
  }
  const valid: boolean[] = [];
  const values = rows.map((r, i) => {
    const v = r[field.name];
    if (v === undefined || v === null) {
      if (!optional) throw invalidRow(i, `missing field ${field.name}, which is neither nullable nor has a default value`);
      valid.push(false);
      return placeholder(type);
    }
    valid.push(true);
    return scalarIn(type, v, field);
  });
  const payload: Record<string, unknown> = { data: values };
  if (type === 'Array') payload.element_type = field.element_type;
  return { ...base, valid_data: optional ? valid : [], scalars: { [SCALAR_KEY[type] ?? 'string_data']: payload } };
}

/** The stand-in sent for a null row (ignored by the writer, which reads valid_data). */
function placeholder(type: string): unknown {
  switch (type) {
    case 'Bool':
      return false;
    case 'Int64':
      return '0';
    case 'VarChar':
    // Timestamptz rows travel as ISO 8601 strings, which the writer parses.
    case 'Timestamptz':
    case 'Geometry':
      return '';
    case 'JSON':
      return Buffer.from('null');
    case 'Array':
      return {};
    default:
      return 0;
  }
}

function scalarIn(type: string, v: unknown, field: FieldSchema__Output): unknown {
  switch (type) {
    case 'Int64':
      return typeof v === 'number' || typeof v === 'string' ? String(v) : v;
    // As in Milvus, a string is JSON text; any other value is the document itself.
    case 'JSON':
      return Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
    case 'Array': {
      if (!Array.isArray(v)) return v;
      const element = field.element_type;
      return { [SCALAR_KEY[element] ?? 'string_data']: { data: element === 'Int64' ? v.map(String) : v } };
    }
    default:
      return v;
  }
}

/**
 * Insert or upsert rows as `fields_data`, by the collection's described schema. Keys that are
 * not fields go to the dynamic field when it is on, and are refused otherwise.
 */
export function rowsToFieldsData(schema: CollectionSchema__Output, rows: Record<string, unknown>[]): FieldData[] {
  const fields = schema.fields;
  const names = new Set(fields.map((f) => f.name));
  const columns = fields.map((f) => column(f, rows)).filter((c) => c !== undefined);
  if (!schema.enable_dynamic_field) {
    rows.forEach((r, i) => {
      const extra = Object.keys(r).find((k) => !names.has(k));
      if (extra !== undefined) throw invalidRow(i, `field ${extra} is not in the schema and the dynamic field is disabled`);
    });
    return columns;
  }
  const dynamic = rows.map((r) => Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !names.has(k))))));
  return [...columns, { type: 'JSON', field_name: '$meta', is_dynamic: true, scalars: { json_data: { data: dynamic } } }];
}

type ScalarMember = Exclude<keyof ScalarField__Output, 'data'>;

/**
 * The payload of a ScalarField (a column, or one row of an Array column): its one data member,
 * found by its value since the coordinator's merged columns do not name it in `data`.
 */
function scalarValues(s: ScalarField__Output | null | undefined): { key: ScalarMember | ''; values: unknown[] } {
  const key = s
    ? (Object.keys(s) as (keyof ScalarField__Output)[]).find((k): k is ScalarMember => k !== 'data' && s[k] != null)
    : undefined;
  return key ? { key, values: s![key]!.data ?? [] } : { key: '', values: [] };
}

/** One value of the ScalarField member `key`, as REST renders it. */
function scalarOut(key: ScalarMember | '', v: unknown, allowInt64: boolean): unknown {
  switch (key) {
    case 'long_data':
      return allowInt64 ? BigInt(v as string) : String(v);
    case 'float_data':
      return float32(v as number);
    case 'json_data':
      return Buffer.from(v as Uint8Array).toString('utf8');
    case 'array_data': {
      const element = scalarValues(v as ScalarField__Output);
      return element.values.map((e) => scalarOut(element.key, e, allowInt64));
    }
    default:
      return v;
  }
}

/** Reads row `i` of one FieldData into `row`. */
type ColumnReader = (row: Record<string, unknown>, i: number) => void;

function reader(fd: ResultFieldData, allowInt64: boolean): ColumnReader {
  const valid = fd.valid_data ?? [];
  const isNull = (i: number) => valid.length > 0 && !valid[i];
  if (fd.vectors) {
    const read = vectorReader(fd.vectors, float32);
    return (row, i) => {
      row[fd.field_name] = read(i);
    };
  }
  const { key, values } = scalarValues(fd.scalars);
  if (fd.is_dynamic) {
    return (row, i) => {
      if (!isNull(i)) Object.assign(row, JSON.parse(Buffer.from(values[i] as Uint8Array).toString('utf8')));
    };
  }
  return (row, i) => {
    row[fd.field_name] = isNull(i) ? null : scalarOut(key, values[i], allowInt64);
  };
}

/** `count` rows from result columns. */
export function fieldsDataToRows(fieldsData: ResultFieldData[], count: number, allowInt64: boolean): Record<string, unknown>[] {
  const readers = fieldsData.map((fd) => reader(fd, allowInt64));
  return Array.from({ length: count }, (_, i) => {
    const row: Record<string, unknown> = {};
    for (const read of readers) read(row, i);
    return row;
  });
}

/** The number of rows a result column holds. */
export function columnLength(fd: ResultFieldData): number {
  if (fd.vectors) return vectorRows(fd.vectors);
  return scalarValues(fd.scalars).values.length;
}

/** Primary keys of a result (`schema.IDs`), typed like the rows' int64 values. */
export function idsOut(ids: IDs__Output | null | undefined, allowInt64: boolean): unknown[] {
  if (ids?.int_id) return ids.int_id.data.map((k) => scalarOut('long_data', k, allowInt64));
  return ids?.str_id?.data ?? [];
}
