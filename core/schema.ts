/**
 * The collection schema as every Mishards module sees it. Numbers follow Milvus's
 * `schema.DataType` enum so that values read off the wire need no translation.
 */
export enum DataType {
  None = 0,
  Bool = 1,
  Int8 = 2,
  Int16 = 3,
  Int32 = 4,
  Int64 = 5,
  Float = 10,
  Double = 11,
  String = 20,
  VarChar = 21,
  Array = 22,
  JSON = 23,
  Geometry = 24,
  /** UTC microseconds since the epoch, read and written as ISO 8601 strings (core/timestamptz.ts). */
  Timestamptz = 26,
  BinaryVector = 100,
  FloatVector = 101,
  Float16Vector = 102,
  BFloat16Vector = 103,
  SparseFloatVector = 104,
  Int8Vector = 105,
}

const VECTOR_DATA_TYPES = new Set<DataType>([
  DataType.BinaryVector,
  DataType.FloatVector,
  DataType.Float16Vector,
  DataType.BFloat16Vector,
  DataType.SparseFloatVector,
  DataType.Int8Vector,
]);

/** Whether a data type is a vector type (core/vector-types.ts describes each). */
export const isVectorType = (t: DataType): boolean => VECTOR_DATA_TYPES.has(t);

/** Name of the hidden JSON field that holds dynamic (schema-less) keys. */
export const DYNAMIC_FIELD = '$meta';

export interface FieldSchema {
  fieldId: number;
  name: string;
  description: string;
  dataType: DataType;
  isPrimaryKey: boolean;
  autoId: boolean;
  /** Dimension of a dense vector field (bits, for a binary vector); a sparse vector has none. */
  dim?: number;
  /** VarChar (and VarChar array element) maximum length in bytes. */
  maxLength?: number;
  /** Array element type. */
  elementType?: DataType;
  /** Array maximum number of elements. */
  maxCapacity?: number;
  nullable: boolean;
  /** Default used when an insert omits the field (or sends null for it). */
  defaultValue?: boolean | number | bigint | string;
  /** True only for the hidden `$meta` field. */
  isDynamic: boolean;
  isPartitionKey: boolean;
  /** VarChar: analyzed as text (Milvus's `enable_analyzer`), by the analyzer of `analyzerParams`. */
  enableAnalyzer?: boolean;
  /** `analyzer_params` as sent (JSON text); absent: the standard analyzer (text/analyzer.ts). */
  analyzerParams?: string;
  /** VarChar: `text_match` may filter on it (Milvus's `enable_match`). */
  enableMatch?: boolean;
  /** Computed from other fields by a function of the schema (a BM25 output): never inserted, never output. */
  isFunctionOutput?: boolean;
}

/**
 * A function of the schema (Milvus's FunctionSchema). Only BM25 exists in Mishards: its
 * output, a SparseFloatVector field, holds the term frequencies of its input VarChar field's
 * text (text/bm25.ts), computed on insert.
 */
export interface SchemaFunction {
  name: string;
  description: string;
  type: 'BM25';
  inputField: string;
  outputField: string;
}

export interface CollectionSchema {
  name: string;
  description: string;
  fields: FieldSchema[];
  enableDynamicField: boolean;
  /** Absent in schemas written before functions existed: none. */
  functions?: SchemaFunction[];
}

export function isIntegerType(t: DataType): boolean {
  return t === DataType.Int8 || t === DataType.Int16 || t === DataType.Int32 || t === DataType.Int64;
}

export function isFloatingType(t: DataType): boolean {
  return t === DataType.Float || t === DataType.Double;
}

export function isStringType(t: DataType): boolean {
  return t === DataType.VarChar || t === DataType.String;
}

export function primaryField(schema: CollectionSchema): FieldSchema {
  const pk = schema.fields.find((f) => f.isPrimaryKey);
  if (!pk) throw new Error(`collection ${schema.name} has no primary key field`);
  return pk;
}

/** The partition key field, in a collection that has one (Milvus's partition-key mode). */
export function partitionKeyField(schema: CollectionSchema): FieldSchema | undefined {
  return schema.fields.find((f) => f.isPartitionKey);
}

/**
 * The collection's vector field, of any vector type: the one vector field Mishards indexes and
 * searches with its engine. BM25 outputs are vector fields beside it, searched by their text
 * (search/bm25-search.ts); in a collection whose only vectors are BM25 outputs, the first of
 * them is its vector field: the segments hold it as their vector column, no engine index is
 * built on it, and a search that names no field searches it by text.
 */
export function vectorField(schema: CollectionSchema): FieldSchema {
  const v =
    schema.fields.find((f) => isVectorType(f.dataType) && !f.isFunctionOutput) ?? schema.fields.find((f) => isVectorType(f.dataType));
  if (!v) throw new Error(`collection ${schema.name} has no vector field`);
  return v;
}

/** Whether the engine builds indexes of this field: a vector field that no function outputs. */
export const isEngineIndexed = (f: FieldSchema): boolean => isVectorType(f.dataType) && !f.isFunctionOutput;

/** The BM25 function whose output is the named field, if it is one. */
export function bm25FunctionOf(schema: CollectionSchema, outputField: string): SchemaFunction | undefined {
  return schema.functions?.find((f) => f.type === 'BM25' && f.outputField === outputField);
}

/**
 * A schema's version: its highest field id. Fields are only ever added, each with a higher id
 * than any before, so a newer schema of a collection always has a higher version.
 */
export function schemaVersion(schema: CollectionSchema): number {
  return schema.fields.reduce((max, f) => Math.max(max, f.fieldId), 0);
}
