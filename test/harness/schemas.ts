import { DataType, type CollectionSchema, type FieldSchema } from '../../core/schema.js';

/** A field schema: Milvus's defaults (no key, not nullable, not dynamic) for whatever `extra` does not set. */
export function fieldSchema(fieldId: number, name: string, dataType: DataType, extra: Partial<FieldSchema> = {}): FieldSchema {
  return {
    fieldId,
    name,
    description: '',
    dataType,
    isPrimaryKey: false,
    autoId: false,
    nullable: false,
    isDynamic: false,
    isPartitionKey: false,
    ...extra,
  };
}

/** A collection schema of the given fields. */
export function collectionSchema(name: string, fields: FieldSchema[], enableDynamicField = false): CollectionSchema {
  return { name, description: '', enableDynamicField, fields };
}

/** The smallest searchable collection: an Int64 primary key `id` and a FloatVector `v` of `dim`. */
export function keyVectorSchema(name: string, dim: number): CollectionSchema {
  return collectionSchema(name, [
    fieldSchema(100, 'id', DataType.Int64, { isPrimaryKey: true }),
    fieldSchema(101, 'v', DataType.FloatVector, { dim }),
  ]);
}
