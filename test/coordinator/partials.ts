import { DataType, type FieldSchema } from '../../core/schema.js';
import { encodePartial, readPartial, type PartialView } from '../../milvus/partial-result.js';
import { DataNodeService } from '../../proto/data-node.js';
import type { Segment } from '../../segment/segment.js';
import { batchOf, field, schemaOf } from '../filter/fixtures.js';

/**
 * Partial answers as the coordinator receives them, without any process: built as the data
 * nodes encode them (encodePartial over a segment's columns, through the wire encoding of
 * SearchSegmentsResponse) and read as the coordinator reads them.
 */

/** A hit as a node reports it: primary key, score, write timestamp. */
export type NodeHit = [key: number | bigint | string, score: number, ts: number];

/** A field of a test partial and its value in each hit, in order (null for null). */
export interface Output {
  field: FieldSchema;
  values: unknown[];
}

/** Key columns of a partial (PartialKeyFields): a grouping search's group values, order_by values. */
export interface KeyColumns {
  group?: Output;
  order?: Output[];
}

/** One node's answer to nq queries (each query's hits in the node's order), as the coordinator reads it. */
export function partial(perQuery: NodeHit[][], outputs: Output[] = [], keys: KeyColumns = {}): PartialView {
  const hits = perQuery.flat();
  const varchar = hits.some(([key]) => typeof key === 'string');
  const pk = field('id', varchar ? DataType.VarChar : DataType.Int64, { isPrimaryKey: true });
  const columns = [...outputs, ...(keys.group ? [keys.group] : []), ...(keys.order ?? [])];
  const schema = schemaOf([pk, ...new Map(columns.map((o) => [o.field.name, o.field])).values()]);
  const rows = hits.map(([key], i) => Object.fromEntries([['id', key], ...columns.map((o) => [o.field.name, o.values[i]])]));
  const batch = batchOf(schema, rows);
  for (const o of outputs) {
    if (o.field.dataType === DataType.FloatVector) (batch.column(o.field.name)!.values as Float32Array).set(o.values.flat() as number[]);
  }
  // The encoder reads nothing of a segment but its columns.
  const segment = batch as unknown as Segment;
  let row = 0;
  const nodeHits = perQuery.map((q) =>
    q.map(([key, score, ts]) => ({ segment, row: row++, pk: typeof key === 'string' ? key : BigInt(key), score, ts })),
  );
  const method = DataNodeService.service.SearchSegments;
  const wire = method.responseSerialize({
    status: { code: 0, reason: '' },
    partial: encodePartial(
      schema,
      outputs.map((o) => o.field.name),
      nodeHits,
      { group: keys.group?.field, order: keys.order?.map((o) => o.field) },
    ),
  });
  return readPartial(method.responseDeserialize(wire).partial, !varchar);
}
