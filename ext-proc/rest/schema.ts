import { z } from 'zod';
import { CollectionSchemaMessage, milvusRoot } from '../../milvus/proto.js';
import { invalidParameter } from '../../milvus/status.js';
import type { DataType__Output } from '../../proto/generated/milvus/proto/schema/DataType.js';
import type { FieldSchema, FieldSchema__Output } from '../../proto/generated/milvus/proto/schema/FieldSchema.js';
import type { ValueField, ValueField__Output } from '../../proto/generated/milvus/proto/schema/ValueField.js';
import { name } from './requests.js';

/**
 * Collection schemas between REST v2's JSON (`schema.fields[]` with `fieldName`, `dataType`,
 * `elementTypeParams`...) and Milvus's `schema.CollectionSchema` as the writer takes and
 * describes it. Support for each type is the writer's to decide; this only translates.
 */

const DATA_TYPES = new Set<string>(Object.keys(milvusRoot.lookupEnum('milvus.proto.schema.DataType').values));
const isDataType = (v: string): v is DataType__Output => DATA_TYPES.has(v);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const fieldBody = z.object({
  fieldName: name,
  dataType: name,
  elementDataType: z.string().optional(),
  isPrimary: z.boolean().optional(),
  isPartitionKey: z.boolean().optional(),
  nullable: z.boolean().optional(),
  defaultValue: scalar.nullable().optional(),
  description: z.string().optional(),
  elementTypeParams: z.record(z.string(), z.unknown()).optional(),
});

export const schemaBody = z.object({
  autoID: z.boolean().optional(),
  enableDynamicField: z.boolean().optional(),
  fields: z.array(fieldBody).optional(),
});

type FieldBody = z.infer<typeof fieldBody>;

interface KeyValue {
  key: string;
  value: string;
}

/** A field in the `schema.FieldSchema` shape, named and typed. */
export type MilvusField = FieldSchema & { name: string; data_type: DataType__Output };

function dataType(value: string, what: string): DataType__Output {
  if (!isDataType(value)) throw invalidParameter(`${what} ${value} is invalid(case sensitive)`);
  return value;
}

/** The `schema.ValueField` of a default value, checked against the field's type. */
function defaultValue(type: DataType__Output, v: string | number | boolean, field: string): ValueField {
  const wrong = () => invalidParameter(`field ${field}: cannot use ${JSON.stringify(v)} as the default value of a ${type} field`);
  switch (type) {
    case 'Bool':
      if (typeof v !== 'boolean') throw wrong();
      return { bool_data: v };
    case 'Int8':
    case 'Int16':
    case 'Int32':
      if (typeof v !== 'number' || !Number.isInteger(v)) throw wrong();
      return { int_data: v };
    case 'Int64':
      if (!Number.isInteger(v) && !(typeof v === 'string' && /^-?\d+$/.test(v))) throw wrong();
      return { long_data: String(v) };
    case 'Float':
    case 'Double':
      if (typeof v !== 'number') throw wrong();
      return type === 'Float' ? { float_data: v } : { double_data: v };
    // A geometry's default is its WKT.
    case 'VarChar':
    case 'Geometry':
      if (typeof v !== 'string') throw wrong();
      return { string_data: v };
    default:
      throw invalidParameter(`field ${field}: default values are not supported for ${type}`);
  }
}

/** `elementTypeParams` as type params: strings as they are, anything else as JSON (as Milvus). */
const typeParams = (params: Record<string, unknown> | undefined): KeyValue[] =>
  Object.entries(params ?? {}).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }));

export function restField(f: FieldBody, autoID: boolean): MilvusField {
  const type = dataType(f.dataType, 'data type');
  const field: MilvusField = {
    name: f.fieldName,
    data_type: type,
    is_primary_key: Boolean(f.isPrimary),
    autoID: Boolean(f.isPrimary) && autoID,
    nullable: Boolean(f.nullable),
    is_partition_key: Boolean(f.isPartitionKey),
    description: f.description ?? '',
    type_params: typeParams(f.elementTypeParams),
  };
  if (type === 'Array') field.element_type = dataType(f.elementDataType ?? '', 'element data type');
  if (f.defaultValue !== undefined && f.defaultValue !== null) field.default_value = defaultValue(type, f.defaultValue, f.fieldName);
  return field;
}

/** The serialized `schema.CollectionSchema` of a CreateCollection request. */
export function encodeSchema(collectionName: string, fields: MilvusField[], enableDynamicField: boolean, description = ''): Buffer {
  const pk = fields.find((f) => f.is_primary_key);
  return CollectionSchemaMessage.encode({
    name: collectionName,
    description,
    autoID: Boolean(pk?.autoID),
    enable_dynamic_field: enableDynamicField,
    fields,
  });
}

const defaultOf = (v: ValueField__Output | null): unknown =>
  v?.data ? (v.data === 'long_data' ? BigInt(v.long_data!) : v[v.data]) : undefined;

/** A described field in REST v2's shape (`name`, `type`, `primaryKey`, `params`...). */
export function describeField(f: FieldSchema__Output): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: f.name,
    id: BigInt(f.fieldID),
    type: f.data_type,
    primaryKey: f.is_primary_key,
    partitionKey: f.is_partition_key,
    clusteringKey: f.is_clustering_key,
    autoId: f.autoID,
    description: f.description,
    nullable: f.nullable,
    defaultValue: defaultOf(f.default_value),
  };
  if (f.type_params.length) out.params = f.type_params.map((p) => ({ key: p.key, value: p.value }));
  if (f.data_type === 'Array') out.elementType = f.element_type;
  return out;
}
