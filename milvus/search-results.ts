import { formatTimestamptzFields } from './timestamptz.js';
import { primaryField, type CollectionSchema, type FieldSchema } from '../core/schema.js';
import type { FieldData } from '../proto/generated/milvus/proto/schema/FieldData.js';
import type { IDs } from '../proto/generated/milvus/proto/schema/IDs.js';
import type { SearchResultData__Output } from '../proto/generated/milvus/proto/schema/SearchResultData.js';
import type { Hit } from '../search/hits.js';
import type { OutgoingFieldData } from './result-fields.js';
import { encodeField, encodeFieldsData, encodeIds, fieldColumn, type OutputSelection } from './results.js';

/**
 * Milvus's `SearchResultData`, assembled in one place for every answer that carries one: the
 * writable node's Search and HybridSearch (from its own hits), the coordinator's (from merged
 * partial answers) and a data node's partial answer. Each caller gathers its rows its own way
 * and hands them over as wire columns: built here from hits (`schema.IDs` and `schema.FieldData`
 * as a sender writes them) or picked from partial answers (milvus/result-fields.ts).
 */

/** The rows of an answer as wire columns, query after query. */
export interface ResultRows<Ids extends IDs = IDs, Field extends object = FieldData> {
  /** Per query, how many rows it has. */
  topks: number[];
  scores: number[];
  /** A `schema.IDs` message. */
  ids: Ids;
  /** One `schema.FieldData` per output field. */
  fieldsData: Field[];
  /** A grouping search: each row's group value, a `schema.FieldData` of the group_by field. */
  groupValues?: Field | undefined;
}

/**
 * The `SearchResultData` fields an answer fills in, typed as decoded (int64 counts as strings),
 * with the ids and output columns of the rows it was built from.
 */
export type ResultData<Ids extends IDs = IDs, Field extends object = FieldData> = Pick<
  SearchResultData__Output,
  'num_queries' | 'top_k' | 'scores' | 'topks' | 'output_fields' | 'primary_field_name'
> & { ids: Ids; fields_data: Field[]; group_by_field_value?: Field; group_by_field_values?: Field[] };

export interface ResultShape {
  schema: CollectionSchema;
  selection: OutputSelection;
  nq: number;
  topK: number;
  /** Decimal places scores are rounded to; -1 leaves them as they are. */
  roundDecimal: number;
  /** The time zone Timestamptz values are written in (requestTimezone). */
  timezone: string;
}

export function searchResultData<Ids extends IDs, Field extends object>(
  shape: ResultShape,
  rows: ResultRows<Ids, Field>,
): ResultData<Ids, Field> {
  const { roundDecimal } = shape;
  // A grouping search's values go in both fields: the one-field `group_by_field_value` older
  // clients read, and `group_by_field_values` (one per group_by field), which newer ones read.
  const groups = rows.groupValues ? { group_by_field_value: rows.groupValues, group_by_field_values: [rows.groupValues] } : {};
  return {
    ...groups,
    num_queries: String(shape.nq),
    top_k: String(shape.topK),
    fields_data: formatTimestamptzFields(rows.fieldsData, shape.timezone),
    scores: roundDecimal >= 0 ? rows.scores.map((x) => Number(x.toFixed(roundDecimal))) : rows.scores,
    ids: rows.ids,
    topks: rows.topks.map(String),
    output_fields: shape.selection.names,
    primary_field_name: primaryField(shape.schema).name,
  };
}

/** The wire columns of in-process hits, scored by their own scores unless others (fused ones) are given. */
export function hitRows(
  schema: CollectionSchema,
  selection: OutputSelection,
  hits: Hit[],
  topks: number[],
  scores = hits.map((h) => h.score),
  groupField?: FieldSchema,
): ResultRows<IDs, OutgoingFieldData> {
  return {
    topks,
    scores,
    ids: encodeIds(
      primaryField(schema).dataType,
      hits.map((h) => h.pk),
    ),
    fieldsData: encodeFieldsData(schema, hits, selection),
    groupValues: groupField && encodeField(groupField, hits, fieldColumn(groupField).value),
  };
}
