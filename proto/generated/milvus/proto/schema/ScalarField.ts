// Original file: null

import type { BoolArray as _milvus_proto_schema_BoolArray, BoolArray__Output as _milvus_proto_schema_BoolArray__Output } from '../../../milvus/proto/schema/BoolArray.js';
import type { IntArray as _milvus_proto_schema_IntArray, IntArray__Output as _milvus_proto_schema_IntArray__Output } from '../../../milvus/proto/schema/IntArray.js';
import type { LongArray as _milvus_proto_schema_LongArray, LongArray__Output as _milvus_proto_schema_LongArray__Output } from '../../../milvus/proto/schema/LongArray.js';
import type { FloatArray as _milvus_proto_schema_FloatArray, FloatArray__Output as _milvus_proto_schema_FloatArray__Output } from '../../../milvus/proto/schema/FloatArray.js';
import type { DoubleArray as _milvus_proto_schema_DoubleArray, DoubleArray__Output as _milvus_proto_schema_DoubleArray__Output } from '../../../milvus/proto/schema/DoubleArray.js';
import type { StringArray as _milvus_proto_schema_StringArray, StringArray__Output as _milvus_proto_schema_StringArray__Output } from '../../../milvus/proto/schema/StringArray.js';
import type { BytesArray as _milvus_proto_schema_BytesArray, BytesArray__Output as _milvus_proto_schema_BytesArray__Output } from '../../../milvus/proto/schema/BytesArray.js';
import type { ArrayArray as _milvus_proto_schema_ArrayArray, ArrayArray__Output as _milvus_proto_schema_ArrayArray__Output } from '../../../milvus/proto/schema/ArrayArray.js';
import type { JSONArray as _milvus_proto_schema_JSONArray, JSONArray__Output as _milvus_proto_schema_JSONArray__Output } from '../../../milvus/proto/schema/JSONArray.js';
import type { GeometryArray as _milvus_proto_schema_GeometryArray, GeometryArray__Output as _milvus_proto_schema_GeometryArray__Output } from '../../../milvus/proto/schema/GeometryArray.js';
import type { TimestamptzArray as _milvus_proto_schema_TimestamptzArray, TimestamptzArray__Output as _milvus_proto_schema_TimestamptzArray__Output } from '../../../milvus/proto/schema/TimestamptzArray.js';
import type { GeometryWktArray as _milvus_proto_schema_GeometryWktArray, GeometryWktArray__Output as _milvus_proto_schema_GeometryWktArray__Output } from '../../../milvus/proto/schema/GeometryWktArray.js';
import type { MolArray as _milvus_proto_schema_MolArray, MolArray__Output as _milvus_proto_schema_MolArray__Output } from '../../../milvus/proto/schema/MolArray.js';
import type { MolSmilesArray as _milvus_proto_schema_MolSmilesArray, MolSmilesArray__Output as _milvus_proto_schema_MolSmilesArray__Output } from '../../../milvus/proto/schema/MolSmilesArray.js';
import type { DateArray as _milvus_proto_schema_DateArray, DateArray__Output as _milvus_proto_schema_DateArray__Output } from '../../../milvus/proto/schema/DateArray.js';
import type { TimeArray as _milvus_proto_schema_TimeArray, TimeArray__Output as _milvus_proto_schema_TimeArray__Output } from '../../../milvus/proto/schema/TimeArray.js';

export interface ScalarField {
  'bool_data'?: (_milvus_proto_schema_BoolArray | null);
  'int_data'?: (_milvus_proto_schema_IntArray | null);
  'long_data'?: (_milvus_proto_schema_LongArray | null);
  'float_data'?: (_milvus_proto_schema_FloatArray | null);
  'double_data'?: (_milvus_proto_schema_DoubleArray | null);
  'string_data'?: (_milvus_proto_schema_StringArray | null);
  'bytes_data'?: (_milvus_proto_schema_BytesArray | null);
  'array_data'?: (_milvus_proto_schema_ArrayArray | null);
  'json_data'?: (_milvus_proto_schema_JSONArray | null);
  'geometry_data'?: (_milvus_proto_schema_GeometryArray | null);
  'timestamptz_data'?: (_milvus_proto_schema_TimestamptzArray | null);
  'geometry_wkt_data'?: (_milvus_proto_schema_GeometryWktArray | null);
  'mol_data'?: (_milvus_proto_schema_MolArray | null);
  'mol_smiles_data'?: (_milvus_proto_schema_MolSmilesArray | null);
  'date_data'?: (_milvus_proto_schema_DateArray | null);
  'time_data'?: (_milvus_proto_schema_TimeArray | null);
  'data'?: "bool_data"|"int_data"|"long_data"|"float_data"|"double_data"|"string_data"|"bytes_data"|"array_data"|"json_data"|"geometry_data"|"timestamptz_data"|"geometry_wkt_data"|"mol_data"|"mol_smiles_data"|"date_data"|"time_data";
}

export interface ScalarField__Output {
  'bool_data'?: (_milvus_proto_schema_BoolArray__Output | null);
  'int_data'?: (_milvus_proto_schema_IntArray__Output | null);
  'long_data'?: (_milvus_proto_schema_LongArray__Output | null);
  'float_data'?: (_milvus_proto_schema_FloatArray__Output | null);
  'double_data'?: (_milvus_proto_schema_DoubleArray__Output | null);
  'string_data'?: (_milvus_proto_schema_StringArray__Output | null);
  'bytes_data'?: (_milvus_proto_schema_BytesArray__Output | null);
  'array_data'?: (_milvus_proto_schema_ArrayArray__Output | null);
  'json_data'?: (_milvus_proto_schema_JSONArray__Output | null);
  'geometry_data'?: (_milvus_proto_schema_GeometryArray__Output | null);
  'timestamptz_data'?: (_milvus_proto_schema_TimestamptzArray__Output | null);
  'geometry_wkt_data'?: (_milvus_proto_schema_GeometryWktArray__Output | null);
  'mol_data'?: (_milvus_proto_schema_MolArray__Output | null);
  'mol_smiles_data'?: (_milvus_proto_schema_MolSmilesArray__Output | null);
  'date_data'?: (_milvus_proto_schema_DateArray__Output | null);
  'time_data'?: (_milvus_proto_schema_TimeArray__Output | null);
  'data'?: "bool_data"|"int_data"|"long_data"|"float_data"|"double_data"|"string_data"|"bytes_data"|"array_data"|"json_data"|"geometry_data"|"timestamptz_data"|"geometry_wkt_data"|"mol_data"|"mol_smiles_data"|"date_data"|"time_data";
}
