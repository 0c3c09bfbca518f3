// Original file: mishards/data_node.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One output field of a partial answer.
 */
export interface PartialColumn {
  'field_name'?: (string);
  'field_id'?: (number | string | Long);
  /**
   * The milvus.proto.schema.DataType name, e.g. FloatVector.
   */
  'type'?: (string);
  'is_dynamic'?: (boolean);
  /**
   * FloatVector only.
   */
  'dim'?: (number | string | Long);
  /**
   * Bool, Int8, Int16, Int32, Int64, Float, Double and FloatVector fields that are not
   * nullable: the rows' values back to back, little-endian, as columns store them
   * (core/columns.ts): Bool 1 byte (0 or 1), Int8 to Int32 as int32, Int64 as int64,
   * Float as float32, Double as float64, FloatVector dim float32s.
   */
  'fixed'?: (Buffer | Uint8Array | string);
  /**
   * Every other field (VarChar, JSON, Array, nullable fields, the dynamic field): a
   * serialized milvus.proto.schema.FieldData of the rows.
   */
  'field_data'?: (Buffer | Uint8Array | string);
  'values'?: "fixed"|"field_data";
}

/**
 * One output field of a partial answer.
 */
export interface PartialColumn__Output {
  'field_name': (string);
  'field_id': (string);
  /**
   * The milvus.proto.schema.DataType name, e.g. FloatVector.
   */
  'type': (string);
  'is_dynamic': (boolean);
  /**
   * FloatVector only.
   */
  'dim': (string);
  /**
   * Bool, Int8, Int16, Int32, Int64, Float, Double and FloatVector fields that are not
   * nullable: the rows' values back to back, little-endian, as columns store them
   * (core/columns.ts): Bool 1 byte (0 or 1), Int8 to Int32 as int32, Int64 as int64,
   * Float as float32, Double as float64, FloatVector dim float32s.
   */
  'fixed'?: (Buffer);
  /**
   * Every other field (VarChar, JSON, Array, nullable fields, the dynamic field): a
   * serialized milvus.proto.schema.FieldData of the rows.
   */
  'field_data'?: (Buffer);
  'values'?: "fixed"|"field_data";
}
