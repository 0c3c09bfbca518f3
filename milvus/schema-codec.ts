import { checkCarriedMessage } from './field-guard.js';
import { DEFAULT_TIMEZONE, formatTimestamptz, parseTimestamptz } from '../core/timestamptz.js';
import { timestamptzParameter } from './timestamptz.js';
import { GeometryError, wkbFromWkt } from '../core/geometry.js';
import {
  DataType,
  DYNAMIC_FIELD,
  type CollectionSchema,
  type FieldSchema,
  isIntegerType,
  isFloatingType,
  isStringType,
  isVectorType,
  schemaVersion,
} from '../core/schema.js';
import type {
  CollectionSchema as CollectionSchemaMessageIn,
  CollectionSchema__Output,
} from '../proto/generated/milvus/proto/schema/CollectionSchema.js';
import type { FieldSchema as FieldSchemaMessageIn, FieldSchema__Output } from '../proto/generated/milvus/proto/schema/FieldSchema.js';
import type { ValueField, ValueField__Output } from '../proto/generated/milvus/proto/schema/ValueField.js';
import { CollectionSchemaMessage } from './proto.js';
import { keyValueMap } from './key-values.js';
import { checkTextField, decodeFunctions, decodeTextParams, encodeFunctions, encodeTextParams } from './schema-functions.js';
import { validateName } from './names.js';
import { invalidParameter } from './status.js';

/** Milvus numbers user fields from 100; 0 and 1 are its row id and timestamp. */
const FIRST_USER_FIELD_ID = 100;
export const MAX_DIM = 32768;
const MAX_VARCHAR_LENGTH = 65535;
const MAX_ARRAY_CAPACITY = 4096;

const SUPPORTED_SCALARS = new Set<DataType>([
  DataType.Bool,
  DataType.Int8,
  DataType.Int16,
  DataType.Int32,
  DataType.Int64,
  DataType.Float,
  DataType.Double,
  DataType.VarChar,
  DataType.JSON,
  DataType.Array,
  DataType.Timestamptz,
  DataType.Geometry,
]);

/** Whether a collection's field may be of this scalar type. */
export const isSupportedScalar = (t: DataType) => SUPPORTED_SCALARS.has(t);

const dataTypeByName = DataType as unknown as Record<string, number>;

/** Accepts the enum name (grpc-js `enums: String`) or its number. */
export function parseDataType(v: unknown): DataType {
  if (typeof v === 'number') return v as DataType;
  if (typeof v === 'string' && v in dataTypeByName) return dataTypeByName[v] as DataType;
  if (typeof v === 'string') throw invalidParameter(`data type ${v} is not supported`);
  return DataType.None;
}

/** A data type's name in Milvus's `schema.DataType`, which names each member as Mishards does. */
export type DataTypeName = keyof typeof DataType;

export function dataTypeName(t: DataType): DataTypeName {
  // A number outside the enum (only parseDataType lets one in) is shown as the number.
  return (DataType[t] ?? String(t)) as DataTypeName;
}

function intParam(params: Map<string, string>, key: string, field: string): number | undefined {
  const raw = params.get(key);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidParameter(`field ${field}: ${key} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** Milvus's names of the types a default value can be sent as (its error messages name them). */
const VALUE_FIELD_TYPES: Record<NonNullable<ValueField__Output['data']>, string> = {
  bool_data: 'DataType_Bool',
  int_data: 'DataType_Int32',
  long_data: 'DataType_Int64',
  float_data: 'DataType_Float',
  double_data: 'DataType_Double',
  string_data: 'DataType_VarChar',
  bytes_data: 'DataType_BinaryVector',
  timestamptz_data: 'DataType_Timestamptz',
  date_data: 'DataType_Date',
  time_data: 'DataType_Time',
};

/**
 * A Timestamptz default as Milvus's rootcoord keeps it: UTC microseconds, sent as such
 * (timestamptz_data, what the SDK sends) or as an ISO 8601 string read in the collection's
 * time zone.
 */
function timestamptzDefault(v: ValueField__Output, field: string, timezone: string): bigint {
  if (v.data === 'timestamptz_data') return BigInt(v.timestamptz_data!);
  if (v.data !== 'string_data') {
    throw invalidParameter(
      `type (Timestamptz) of field (${field}) is not equal to the type(${VALUE_FIELD_TYPES[v.data!]}) of default_value`,
    );
  }
  return timestamptzParameter(() => parseTimestamptz(v.string_data!, timezone));
}

function defaultValueOf(v: ValueField__Output | null, type: DataType, field: string, timezone: string): FieldSchema['defaultValue'] {
  if (!v?.data) return undefined;
  const raw = v[v.data];
  switch (type) {
    case DataType.Timestamptz:
      return timestamptzDefault(v, field, timezone);
    case DataType.Bool:
      return Boolean(raw);
    // long_data: a decimal string.
    case DataType.Int64:
      return BigInt(raw as string);
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
    case DataType.Float:
    case DataType.Double:
      return Number(raw);
    case DataType.VarChar:
      return String(raw);
    // WKT in string_data, kept as sent; rows that take it store its WKB.
    case DataType.Geometry:
      try {
        wkbFromWkt(String(raw));
      } catch (e) {
        if (!(e instanceof GeometryError)) throw e;
        throw invalidParameter(`field ${field}: invalid default value of Geometry field: ${e.message}`);
      }
      return String(raw);
    default:
      throw invalidParameter(`field ${field}: default values are not supported for ${dataTypeName(type)}`);
  }
}

/**
 * Decodes and validates the serialized schema of a CreateCollection request; `timezone` (the
 * collection's) reads Timestamptz defaults given without an offset.
 */
export function decodeCollectionSchema(bytes: Uint8Array, collectionName: string, timezone = DEFAULT_TIMEZONE): CollectionSchema {
  let proto: CollectionSchema__Output;
  try {
    proto = CollectionSchemaMessage.decode(bytes);
  } catch (e) {
    throw invalidParameter(`schema of collection ${collectionName} is not a valid CollectionSchema: ${(e as Error).message}`);
  }
  checkCarriedMessage('CollectionSchema', 'milvus.proto.schema.CollectionSchema', proto, 'schema');
  const schema: CollectionSchema = {
    name: collectionName,
    description: proto.description ?? '',
    enableDynamicField: Boolean(proto.enable_dynamic_field),
    fields: [],
  };
  const seen = new Set<string>();
  let nextId = FIRST_USER_FIELD_ID;
  for (const f of proto.fields ?? []) {
    if (seen.has(f.name)) throw invalidParameter(`duplicated field name ${f.name} in collection ${collectionName}`);
    seen.add(f.name);
    schema.fields.push(decodeField(f, nextId++, collectionName, Boolean(proto.autoID), timezone));
  }
  const functions = decodeFunctions(proto.functions ?? [], schema);
  if (functions.length) schema.functions = functions;
  validateSchemaShape(schema);
  if (schema.enableDynamicField) {
    schema.fields.push({
      fieldId: nextId++,
      name: DYNAMIC_FIELD,
      description: 'dynamic schema',
      dataType: DataType.JSON,
      isPrimaryKey: false,
      autoId: false,
      nullable: false,
      isDynamic: true,
      isPartitionKey: false,
    });
  }
  return schema;
}

/** One field of a schema as a request gives it, checked; `schemaAutoId` is the schema's autoID (for the key). */
function decodeField(
  f: FieldSchema__Output,
  fieldId: number,
  collectionName: string,
  schemaAutoId: boolean,
  timezone: string,
): FieldSchema {
  const name: string = f.name;
  validateName('field name', name);
  const dataType = parseDataType(f.data_type);
  const params = keyValueMap(f.type_params);
  const field: FieldSchema = {
    fieldId,
    name,
    description: f.description ?? '',
    dataType,
    isPrimaryKey: Boolean(f.is_primary_key),
    autoId: Boolean(f.autoID) || (Boolean(f.is_primary_key) && schemaAutoId),
    nullable: Boolean(f.nullable),
    isDynamic: false,
    isPartitionKey: Boolean(f.is_partition_key),
  };
  if (isVectorType(dataType)) {
    const dim = vectorDimension(dataType, params, name, fieldId);
    if (dim !== undefined) field.dim = dim;
  } else if (!SUPPORTED_SCALARS.has(dataType)) {
    throw invalidParameter(`field ${name}: data type ${dataTypeName(dataType)} is not supported by Mishards`);
  }
  if (isStringType(dataType) || (dataType === DataType.Array && parseDataType(f.element_type) === DataType.VarChar)) {
    const maxLength = intParam(params, 'max_length', name);
    if (maxLength === undefined)
      throw invalidParameter(`type param(max_length) should be specified for the field(${name}) of collection ${collectionName}`);
    if (maxLength <= 0 || maxLength > MAX_VARCHAR_LENGTH)
      throw invalidParameter(`the maximum length specified for the field(${name}) should be in (0, ${MAX_VARCHAR_LENGTH}]`);
    field.maxLength = maxLength;
  }
  if (dataType === DataType.Array) {
    const elementType = parseDataType(f.element_type);
    if (!SUPPORTED_SCALARS.has(elementType) || [DataType.Array, DataType.JSON, DataType.Geometry].includes(elementType)) {
      throw invalidParameter(`field ${name}: element type ${dataTypeName(elementType)} is not supported for arrays`);
    }
    const cap = intParam(params, 'max_capacity', name);
    if (cap === undefined) throw invalidParameter(`type param(max_capacity) should be specified for array field ${name}`);
    if (cap <= 0 || cap > MAX_ARRAY_CAPACITY)
      throw invalidParameter(`the maximum capacity specified for array field ${name} should be in (0, ${MAX_ARRAY_CAPACITY}]`);
    field.elementType = elementType;
    field.maxCapacity = cap;
  }
  field.defaultValue = defaultValueOf(f.default_value, dataType, name, timezone);
  decodeTextParams(field, params);
  checkTextField(field, false);
  return field;
}

/**
 * A vector field's dimension, checked as Milvus's proxy checks it (validateDimension), with its
 * messages: none for a sparse vector; 2 to MAX_DIM for a float or int8 vector; a multiple of 8
 * up to 8 x MAX_DIM bits for a binary vector.
 */
function vectorDimension(dataType: DataType, params: Map<string, string>, name: string, fieldId: number): number | undefined {
  const sparse = dataType === DataType.SparseFloatVector;
  if (sparse) {
    if (params.has('dim')) throw invalidParameter(`dim should not be specified for sparse vector field ${name}(${fieldId})`);
    return undefined;
  }
  const dim = intParam(params, 'dim', name);
  if (dim === undefined)
    throw invalidParameter(`dimension is not defined in field type params of field ${name}, check type param \`dim\` for vector field`);
  if (dim <= 1) throw invalidParameter(`invalid dimension: ${dim}. should be in range 2 ~ ${MAX_DIM}`);
  if (dataType !== DataType.BinaryVector) {
    if (dim > MAX_DIM)
      throw invalidParameter(`invalid dimension: ${dim} of field ${name}. float vector dimension should be in range 2 ~ ${MAX_DIM}`);
    return dim;
  }
  if (dim % 8 !== 0)
    throw invalidParameter(`invalid dimension: ${dim} of field ${name}. binary vector dimension should be multiple of 8. `);
  if (dim > MAX_DIM * 8)
    throw invalidParameter(`invalid dimension: ${dim} of field ${name}. binary vector dimension should be in range 2 ~ ${MAX_DIM * 8}`);
  return dim;
}

/** Names Milvus keeps for its own fields (row id, timestamp, the dynamic field). */
const SYSTEM_FIELD_NAMES = new Set(['RowID', 'Timestamp', DYNAMIC_FIELD]);

/**
 * A field AddCollectionField (or AlterCollectionSchema's add request) adds to `schema`, checked
 * as Milvus's proxy checks one (validateAddFieldRequest), with its messages: a new scalar name,
 * no key of any kind, nullable (the rows written before read its default value, or null). Its
 * id follows the schema's highest.
 */
export function decodeAddedField(f: FieldSchema__Output, schema: CollectionSchema, timezone: string): FieldSchema {
  const name = f.name;
  if (schema.fields.some((x) => x.name === name)) throw invalidParameter(`duplicated field name ${name}`);
  if (SYSTEM_FIELD_NAMES.has(name)) throw invalidParameter(`not support to add system field, field name = ${name}`);
  if (f.is_primary_key) throw invalidParameter(`not support to add pk field, field name = ${name}`);
  if (f.autoID) throw invalidParameter(`only primary field can speficy AutoID with true, field name = ${name}`);
  if (f.is_partition_key) throw invalidParameter(`not support to add partition key field, field name  = ${name}`);
  if (f.is_clustering_key) throw invalidParameter(`field ${name}: clustering keys are not supported by Mishards`);
  if (isVectorType(parseDataType(f.data_type))) throw invalidParameter(`not support to add vector field, field name = ${name}`);
  if (!f.nullable) throw invalidParameter(`added field must be nullable, please check it, field name = ${name}`);
  return decodeField(f, schemaVersion(schema) + 1, schema.name, false, timezone);
}

function validateSchemaShape(schema: CollectionSchema): void {
  const pks = schema.fields.filter((f) => f.isPrimaryKey);
  if (pks.length !== 1) {
    throw invalidParameter(
      pks.length === 0
        ? `primary key is not specified in collection ${schema.name}`
        : `there are more than one primary key in collection ${schema.name}`,
    );
  }
  const pk = pks[0]!;
  if (pk.dataType !== DataType.Int64 && pk.dataType !== DataType.VarChar) {
    throw invalidParameter(`the data type of primary key should be Int64 or VarChar, got ${dataTypeName(pk.dataType)}`);
  }
  if (pk.nullable) throw invalidParameter(`primary field ${pk.name} should not be nullable`);
  const autoIds = schema.fields.filter((f) => f.autoId);
  if (autoIds.some((f) => !f.isPrimaryKey)) throw invalidParameter('only the primary key field can be autoID');
  const allVectors = schema.fields.filter((f) => isVectorType(f.dataType));
  if (allVectors.length === 0) throw invalidParameter(`schema does not contain vector field: collection ${schema.name}`);
  // BM25 outputs are searched by their text, beside at most one vector field the engine indexes.
  const vectors = allVectors.filter((f) => !f.isFunctionOutput);
  if (vectors.length > 1) throw invalidParameter('Mishards supports one vector field per collection besides BM25 outputs');
  if (vectors[0]?.nullable) throw invalidParameter('vector field should not be nullable');
  validatePartitionKey(schema);
}

/** The partition key, if any, as Milvus's proxy checks it (createCollectionTask.validatePartitionKey). */
function validatePartitionKey(schema: CollectionSchema): void {
  let key: FieldSchema | undefined;
  for (const f of schema.fields) {
    if (!f.isPartitionKey) continue;
    if (key) throw invalidParameter(`there are more than one partition key, field name = ${key.name}, ${f.name}`);
    if (f.isPrimaryKey) throw invalidParameter('the partition key field must not be primary field');
    if (f.nullable) throw invalidParameter('partition key field not support nullable');
    if (f.dataType !== DataType.Int64 && f.dataType !== DataType.VarChar)
      throw invalidParameter('the data type of partition key should be Int64 or VarChar');
    key = f;
  }
}

/**
 * The schema in the plain shape of `milvus.proto.schema.CollectionSchema` for DescribeCollection;
 * Timestamptz defaults are shown in `timezone` (the collection's), as Milvus shows them.
 */
export function encodeCollectionSchema(schema: CollectionSchema, timezone = DEFAULT_TIMEZONE): CollectionSchemaMessageIn {
  const pk = schema.fields.find((f) => f.isPrimaryKey);
  return {
    name: schema.name,
    description: schema.description,
    autoID: Boolean(pk?.autoId),
    enable_dynamic_field: schema.enableDynamicField,
    properties: [],
    functions: encodeFunctions(schema),
    // The dynamic field is an implementation detail that Milvus hides in Describe.
    fields: schema.fields.filter((f) => !f.isDynamic).map((f) => encodeField(f, timezone)),
  };
}

function encodeField(f: FieldSchema, timezone: string): FieldSchemaMessageIn {
  const typeParams: { key: string; value: string }[] = [];
  if (f.dim !== undefined) typeParams.push({ key: 'dim', value: String(f.dim) });
  if (f.maxLength !== undefined) typeParams.push({ key: 'max_length', value: String(f.maxLength) });
  if (f.maxCapacity !== undefined) typeParams.push({ key: 'max_capacity', value: String(f.maxCapacity) });
  typeParams.push(...encodeTextParams(f));
  return {
    fieldID: String(f.fieldId),
    name: f.name,
    is_primary_key: f.isPrimaryKey,
    description: f.description,
    data_type: dataTypeName(f.dataType),
    type_params: typeParams,
    index_params: [],
    autoID: f.autoId,
    state: 'FieldCreated',
    element_type: dataTypeName(f.elementType ?? DataType.None),
    default_value: encodeDefault(f, timezone),
    is_dynamic: f.isDynamic,
    is_partition_key: f.isPartitionKey,
    is_clustering_key: false,
    nullable: f.nullable,
    is_function_output: Boolean(f.isFunctionOutput),
  };
}

function encodeDefault(f: FieldSchema, timezone: string): ValueField | null {
  const v = f.defaultValue;
  if (v === undefined) return null;
  if (f.dataType === DataType.Timestamptz) return { string_data: formatTimestamptz(v as bigint, timezone), data: 'string_data' };
  if (typeof v === 'boolean') return { bool_data: v, data: 'bool_data' };
  if (typeof v === 'string') return { string_data: v, data: 'string_data' };
  if (typeof v === 'bigint') return { long_data: v.toString(), data: 'long_data' };
  if (isIntegerType(f.dataType)) return { int_data: v, data: 'int_data' };
  if (isFloatingType(f.dataType))
    return f.dataType === DataType.Float ? { float_data: v, data: 'float_data' } : { double_data: v, data: 'double_data' };
  return null;
}
