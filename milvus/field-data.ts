import type { Column } from '../core/columns.js';
import { GeometryError, wkbFromWkb, wkbFromWkt } from '../core/geometry.js';
import { DataType, DYNAMIC_FIELD, isVectorType, type CollectionSchema, type FieldSchema } from '../core/schema.js';
import type { FieldData__Output } from '../proto/generated/milvus/proto/schema/FieldData.js';
import type { ScalarField__Output } from '../proto/generated/milvus/proto/schema/ScalarField.js';
import { dataTypeName, parseDataType } from './schema-codec.js';
import { computeFunctionOutputs } from './function-outputs.js';
import { DEFAULT_TIMEZONE, parseTimestamptz } from '../core/timestamptz.js';
import { timestamptzParameter } from './timestamptz.js';
import { invalidParameter, fieldNotFound } from './status.js';
import { decodeVectorColumn, payloadRows, type IncomingVectors } from './vector-codecs.js';

/**
 * Conversion between Milvus `schema.FieldData` (as grpc-js decodes it: int64 as strings,
 * enums as names, oneofs named) and Mishards columns. Decoding validates everything a
 * client may get wrong, so that nothing invalid reaches the log or a segment.
 */

const INT_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.Int8]: [-128, 127],
  [DataType.Int16]: [-32768, 32767],
  [DataType.Int32]: [-2147483648, 2147483647],
};
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * FieldData as the writer receives it: the generic decoding (FieldData__Output), or the
 * Insert/Upsert decoder of milvus/insert-request.ts, which hands a float vector payload over
 * as a Float32Array and int64 values as a BigInt64Array.
 */
export type IncomingFieldData = Omit<FieldData__Output, 'scalars' | 'vectors'> & {
  scalars?: (Omit<ScalarField__Output, 'long_data'> & { long_data?: { data: string[] | BigInt64Array } | null }) | null;
  vectors?: IncomingVectors | null;
};
type IncomingScalars = IncomingFieldData['scalars'];

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/** The values of a ScalarField (a column, or one row of an Array column): its one data member. */
function scalarValues(s: IncomingScalars): unknown[] {
  const key = s?.data;
  const values = key ? s[key]?.data : undefined;
  if (!values) return [];
  return Array.isArray(values) ? values : Array.from(values);
}

/**
 * Int64 values the decoder already read into a BigInt64Array, when they form the column as
 * they are: one value per row of a field that is not nullable. Otherwise the general path
 * below handles them (as bigints).
 */
function int64Column(fd: IncomingFieldData, field: FieldSchema, rows: number): Column | undefined {
  const values = fd.scalars?.long_data?.data;
  if (!(values instanceof BigInt64Array) || field.dataType !== DataType.Int64 || field.nullable || fd.valid_data.length > 0)
    return undefined;
  if (values.length !== rows) {
    throw invalidParameter(`the num_rows (${rows}) of field ${field.name} is not equal to passed num_rows (${values.length})`);
  }
  return { type: DataType.Int64, values };
}

/** Expands nullable payloads: clients send either one slot per row or only the valid rows. */
function expandNullable(values: unknown[], valid: boolean[] | undefined, rows: number, field: string): (unknown | null)[] {
  if (!valid || valid.length === 0) return values;
  if (valid.length !== rows) throw invalidParameter(`field ${field}: valid_data has ${valid.length} entries for ${rows} rows`);
  if (values.length === rows) return values.map((v, i) => (valid[i] ? v : null));
  const validCount = valid.reduce((n, v) => n + (v ? 1 : 0), 0);
  if (values.length !== validCount) {
    throw invalidParameter(`field ${field}: ${values.length} values for ${validCount} non-null rows`);
  }
  let j = 0;
  return valid.map((v) => (v ? values[j++] : null));
}

function toBigInt(v: unknown, field: string): bigint {
  try {
    const b = typeof v === 'bigint' ? v : BigInt(v as string | number);
    if (b < INT64_MIN || b > INT64_MAX) throw new Error('out of range');
    return b;
  } catch {
    throw invalidParameter(`field ${field}: ${String(v)} is not a valid Int64`);
  }
}

function parseJsonBytes(v: unknown, field: string, row: number): unknown {
  const text = Buffer.isBuffer(v) ? v.toString('utf8') : v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter(`field ${field}: row ${row} is not valid JSON`);
  }
}

function checkElement(v: unknown, field: FieldSchema, row: number): unknown {
  const t = field.elementType!;
  const where = `array field ${field.name} row ${row}`;
  switch (t) {
    case DataType.Bool:
      if (typeof v !== 'boolean') throw invalidParameter(`${where}: expected Bool elements`);
      return v;
    case DataType.VarChar:
      if (typeof v !== 'string') throw invalidParameter(`${where}: expected VarChar elements`);
      if (utf8Length(v) > field.maxLength!) throw invalidParameter(`${where}: element length exceeds max length ${field.maxLength}`);
      return v;
    case DataType.Int64: {
      const b = toBigInt(v, field.name);
      return Number(b);
    }
    default: {
      const n = typeof v === 'string' ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw invalidParameter(`${where}: expected ${dataTypeName(t)} elements`);
      const range = INT_RANGES[t];
      if (range && (!Number.isInteger(n) || n < range[0] || n > range[1]))
        throw invalidParameter(`${where}: ${n} out of range for ${dataTypeName(t)}`);
      return n;
    }
  }
}

/** Builds the column of one field from its (expanded, null-marked) row values. */
function buildColumn(field: FieldSchema, values: (unknown | null)[], rows: number): Column {
  const nullable = field.nullable || field.defaultValue !== undefined;
  const valid = field.nullable ? new Uint8Array(rows) : undefined;
  const fill = (i: number): unknown => {
    const v = values[i];
    if (v !== null && v !== undefined) {
      if (valid) valid[i] = 1;
      return v;
    }
    if (field.defaultValue !== undefined) {
      if (valid) valid[i] = 1;
      return field.defaultValue;
    }
    if (!nullable) throw invalidParameter(`field ${field.name}: row ${i} is null but the field is not nullable`);
    return null;
  };
  const name = field.name;
  switch (field.dataType) {
    case DataType.Bool: {
      const out = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        if (v !== null && typeof v !== 'boolean') throw invalidParameter(`field ${name}: row ${i} is not a Bool`);
        out[i] = v ? 1 : 0;
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32: {
      const out = new Int32Array(rows);
      const [lo, hi] = INT_RANGES[field.dataType]!;
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        if (v === null) continue;
        const n = Number(v);
        if (!Number.isInteger(n) || n < lo || n > hi)
          throw invalidParameter(`field ${name}: ${String(v)} is out of range for ${dataTypeName(field.dataType)}`);
        out[i] = n;
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    case DataType.Int64:
    // Timestamptz rows arrive here as UTC microseconds (timestamptzMicros).
    case DataType.Timestamptz: {
      const out = new BigInt64Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        if (v !== null) out[i] = toBigInt(v, name);
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    case DataType.Float:
    case DataType.Double: {
      const out = field.dataType === DataType.Float ? new Float32Array(rows) : new Float64Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        if (v === null) continue;
        const n = Number(v);
        if (!Number.isFinite(n)) throw invalidParameter(`field ${name}: row ${i} value ${String(v)} is NaN or infinite`);
        out[i] = n;
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    case DataType.VarChar: {
      const out: string[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        if (v === null) {
          out[i] = '';
          continue;
        }
        if (typeof v !== 'string') throw invalidParameter(`field ${name}: row ${i} is not a string`);
        if (utf8Length(v) > field.maxLength!) {
          throw invalidParameter(`the length (${utf8Length(v)}) of ${i}th VarChar ${name} exceeds max length (${field.maxLength})`);
        }
        out[i] = v;
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    case DataType.JSON: {
      const out: unknown[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        out[i] = v === null ? null : parseJsonBytes(v, name, i);
        if (field.isDynamic && out[i] !== null && (typeof out[i] !== 'object' || Array.isArray(out[i]))) {
          throw invalidParameter(`dynamic field ${DYNAMIC_FIELD}: row ${i} must be a JSON object`);
        }
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    case DataType.Array: {
      const out: unknown[][] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        if (v === null) {
          out[i] = [];
          continue;
        }
        // A row of an Array column is a ScalarField.
        const elements = Array.isArray(v) ? v : scalarValues(v as ScalarField__Output);
        if (elements.length > field.maxCapacity!) {
          throw invalidParameter(`array field ${name} row ${i}: ${elements.length} elements exceed max capacity ${field.maxCapacity}`);
        }
        out[i] = elements.map((e) => checkElement(e, field, i));
      }
      return withValid({ type: field.dataType, elementType: field.elementType!, values: out }, valid);
    }
    case DataType.Geometry: {
      const out: Uint8Array[] = new Array(rows);
      for (let i = 0; i < rows; i++) {
        const v = fill(i);
        out[i] = v === null ? EMPTY_BYTES : geometryWkb(v, name, i);
      }
      return withValid({ type: field.dataType, values: out }, valid);
    }
    default:
      throw invalidParameter(`field ${name}: data type ${dataTypeName(field.dataType)} is not supported`);
  }
}

/**
 * A Timestamptz column's rows as UTC microseconds (null kept): strings (string_data, as the
 * SDK sends them) parsed as Milvus's proxy parses them, a string without an offset read in the
 * collection's time zone; values already in microseconds (timestamptz_data) taken as they are.
 */
function timestamptzMicros(fd: IncomingFieldData, values: (unknown | null)[], timezone: string): (unknown | null)[] {
  if (fd.scalars?.data === 'timestamptz_data') return values;
  return values.map((v, i) => {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'string') throw invalidParameter(`field ${fd.field_name}: row ${i} is not a Timestamptz string`);
    return timestamptzParameter(() => parseTimestamptz(v, timezone));
  });
}

const EMPTY_BYTES = new Uint8Array(0);

/**
 * A geometry row as the WKB a column stores: WKT (what the SDKs send, in geometry_wkt_data; a
 * default value) or WKB (geometry_data), refused as Milvus's proxy refuses what it cannot
 * convert (checkGeometryFieldData).
 */
function geometryWkb(v: unknown, field: string, row: number): Uint8Array {
  try {
    if (typeof v === 'string') return wkbFromWkt(v);
    if (v instanceof Uint8Array) return wkbFromWkb(v);
  } catch (e) {
    if (!(e instanceof GeometryError)) throw e;
    throw invalidParameter(`invalid Geometry data, transform to wkb failed: field ${field} row ${row}: ${e.message}`);
  }
  throw invalidParameter(`field ${field}: row ${row} is not a geometry (WKT text or WKB bytes)`);
}

const withValid = (c: Column, valid: Uint8Array | undefined): Column => (valid ? { ...c, valid } : c);

function payloadRowCount(fd: IncomingFieldData): number {
  if (fd.vectors) return payloadRows(fd.vectors);
  if (fd.valid_data.length) return fd.valid_data.length;
  return scalarValues(fd.scalars).length;
}

export interface DecodedRows {
  rows: number;
  /** Every stored field (the primary key only when provided), keyed by field name. */
  columns: Map<string, Column>;
}

/**
 * Decodes the `fields_data` of Insert or Upsert into validated columns; `timezone` (the
 * collection's) reads Timestamptz strings that carry no offset.
 */
export function decodeFieldsData(
  schema: CollectionSchema,
  fieldsData: IncomingFieldData[],
  numRows: number | undefined,
  timezone = DEFAULT_TIMEZONE,
): DecodedRows {
  if (!fieldsData || fieldsData.length === 0) throw invalidParameter('no data in the insert request: fields_data is empty');
  const byName = new Map<string, IncomingFieldData>();
  for (const fd of fieldsData) {
    const name = fd.field_name;
    if (byName.has(name)) throw invalidParameter(`duplicated field ${name} in fields_data`);
    const field = schema.fields.find((f) => f.name === name);
    if (!field) {
      if (fd.is_dynamic && !schema.enableDynamicField) throw invalidParameter(`dynamic field is not enabled in collection ${schema.name}`);
      throw fieldNotFound(name, schema.name);
    }
    byName.set(name, fd);
  }
  const first = fieldsData[0]!;
  const rows = numRows && numRows > 0 ? numRows : payloadRowCount(first);
  if (rows === 0) throw invalidParameter('the number of rows to insert is 0');
  const columns = new Map<string, Column>();
  for (const field of schema.fields) {
    const fd = byName.get(field.name);
    if (field.isFunctionOutput) {
      if (fd) throw invalidParameter(`the field '${field.name}' is output by function, no need to provide`);
      continue;
    }
    if (isVectorType(field.dataType)) {
      if (!fd) throw invalidParameter(`insert missed the vector field ${field.name}`);
      columns.set(field.name, decodeVectorColumn(fd.vectors, field, rows));
      continue;
    }
    if (!fd) {
      if (field.isPrimaryKey || field.isDynamic) continue;
      if (!field.nullable && field.defaultValue === undefined) {
        throw invalidParameter(
          `insert missed the field \`${field.name}\` of collection ${schema.name}, which is neither nullable nor has a default value`,
        );
      }
      columns.set(field.name, buildColumn(field, new Array(rows).fill(null), rows));
      continue;
    }
    const sentType = parseDataType(fd.type);
    if (sentType !== DataType.None && sentType !== field.dataType && !(field.isDynamic && sentType === DataType.JSON)) {
      throw invalidParameter(
        field.isPrimaryKey
          ? `primary key ${field.name} is ${dataTypeName(field.dataType)}, but ${dataTypeName(sentType)} values were sent`
          : `field ${field.name}: expected ${dataTypeName(field.dataType)} data, got ${dataTypeName(sentType)}`,
      );
    }
    if (field.isPrimaryKey) {
      const expectKey = field.dataType === DataType.Int64 ? 'long_data' : 'string_data';
      if (fd.scalars?.data && fd.scalars.data !== expectKey) {
        throw invalidParameter(`primary key ${field.name} is ${dataTypeName(field.dataType)}, but ${fd.scalars.data} values were sent`);
      }
    }
    const int64 = int64Column(fd, field, rows);
    if (int64) {
      columns.set(field.name, int64);
      continue;
    }
    const sent = expandNullable(scalarValues(fd.scalars), fd.valid_data, rows, field.name);
    if (sent.length !== rows) {
      throw invalidParameter(`the num_rows (${rows}) of field ${field.name} is not equal to passed num_rows (${sent.length})`);
    }
    const values = field.dataType === DataType.Timestamptz ? timestamptzMicros(fd, sent, timezone) : sent;
    columns.set(field.name, buildColumn(field, values, rows));
  }
  computeFunctionOutputs(schema, columns);
  return { rows, columns };
}
