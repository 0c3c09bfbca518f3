import { collectionTimezone } from '../../../milvus/collection-properties.js';
import type { PrimaryKey } from '../../../core/columns.js';
import { partitionKeyField, primaryField } from '../../../core/schema.js';
import type { CompiledFilter } from '../../../filter/index.js';
import type { PartitionRecord } from '../../../meta/store.js';
import { decodeFieldsData, type IncomingFieldData } from '../../../milvus/field-data.js';
import type { MilvusRequest, MilvusResponse } from '../../../milvus/methods.js';
import { DEFAULT_PARTITION, partitionsInHashOrder, prunedScope, refuseNamedPartitions } from '../../../milvus/partition-key.js';
import { encodeIds } from '../../../milvus/results.js';
import { compileRequestFilter, partitionScope } from '../../../milvus/search-request.js';
import { invalidParameter, partitionNotFound } from '../../../milvus/status.js';
import { rateCollection } from '../../../milvus/quotas.js';
import { wireBytes } from '../../../milvus/writer-service.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * The partition an insert or upsert names, `_default` when it names none. A partition-key
 * collection's inserts name none: the writer sends each row to the partition its key hashes
 * to (partition-routing.ts), and the mutation carries its first partition.
 */
function insertTarget(c: CollectionState, name: string | undefined): PartitionRecord {
  refuseNamedPartitions(c.schema, name);
  if (partitionKeyField(c.schema)) return partitionsInHashOrder(c.partitions.values())[0]!;
  const partition = c.partitions.get(name || DEFAULT_PARTITION);
  if (!partition) throw partitionNotFound(name || DEFAULT_PARTITION);
  return partition;
}

/**
 * The partitions a delete by `filter` can hit, when the partition key prunes them (see
 * prunedScope); undefined when it does not narrow them, for the whole collection.
 */
function keyScope(c: CollectionState, filter: CompiledFilter): Set<number> | undefined {
  const all = new Set([...c.partitions.values()].map((p) => p.id));
  const pruned = prunedScope(c.partitions.values(), all, filter);
  return pruned.size < all.size ? pruned : undefined;
}

/** Insert and Upsert as the writer's service definition decodes them (milvus/insert-request.ts). */
type IncomingInsert = Omit<MilvusRequest<'Insert' | 'Upsert'>, 'fields_data'> & { fields_data: IncomingFieldData[] };

/**
 * Entities: insert, upsert and delete, each acknowledged once durable and applied, and each
 * held to memory protection and the DML rates first (milvus/quotas.ts).
 */
export function entityHandlers(api: WriterApi): Handlers<'Insert' | 'Upsert' | 'Delete'> {
  const { writer } = api;
  const { quotas, memory } = api.self;
  const insertOrUpsert = async (req: IncomingInsert, upsert: boolean): Promise<MilvusResponse<'Insert'>> => {
    const c = api.collection(req.db_name, req.collection_name);
    const rated = rateCollection(req.db_name, c.record.name);
    memory.check(rated);
    quotas.charge(rated, { [upsert ? 'upsert' : 'insert']: wireBytes(req), rows: req.num_rows });
    const partition = insertTarget(c, req.partition_name);
    const decoded = decodeFieldsData(c.schema, req.fields_data, req.num_rows, collectionTimezone(c.record.properties));
    const pk = primaryField(c.schema);
    let ids: PrimaryKey[];
    const provided = decoded.columns.get(pk.name);
    if (provided) {
      if (pk.autoId && !upsert)
        throw invalidParameter(`the primary key ${pk.name} is auto-generated (autoID): do not provide it on insert`);
      ids = Array.from(provided.values as ArrayLike<PrimaryKey>);
    } else {
      if (!pk.autoId || upsert)
        throw invalidParameter(`the primary key field ${pk.name} is missing from the ${upsert ? 'upsert' : 'insert'} data`);
      ids = await writer.withAutoIds(c, decoded.rows, decoded.columns);
    }
    const insert = { rows: decoded.rows, columns: decoded.columns };
    const lsn = await writer.mutate(
      upsert
        ? { collectionId: c.id, partitionId: partition.id, deletes: ids, insert }
        : { collectionId: c.id, partitionId: partition.id, insert },
    );
    return {
      IDs: encodeIds(pk.dataType, ids),
      succ_index: ids.map((_, i) => i),
      err_index: [],
      insert_cnt: String(upsert ? 0 : decoded.rows),
      upsert_cnt: String(upsert ? decoded.rows : 0),
      delete_cnt: '0',
      timestamp: String(lsn),
      acknowledged: true,
    };
  };
  return {
    Insert: (req) => insertOrUpsert(req, false),
    Upsert: (req) => insertOrUpsert(req, true),
    async Delete(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const rated = rateCollection(req.db_name, c.record.name);
      memory.check(rated);
      refuseNamedPartitions(c.schema, req.partition_name);
      const named = req.partition_name ? partitionScope(c.partitions.values(), [req.partition_name]) : undefined;
      if (!req.expr || !String(req.expr).trim())
        throw invalidParameter('delete expression should not be empty: use a filter such as `id in [...]`');
      const { filter } = compileRequestFilter(c.schema, req.expr, req.expr_template_values, collectionTimezone(c.record.properties));
      const scope = named ?? keyScope(c, filter);
      const keys = filter.primaryKeys() ?? writer.matchingKeys(c, filter, scope);
      const pk = primaryField(c.schema);
      if (keys.length === 0) return { IDs: encodeIds(pk.dataType, []), delete_cnt: '0', succ_index: [], err_index: [], acknowledged: true };
      quotas.charge(rated, { delete: wireBytes(req), rows: keys.length });
      const partitionId = scope ? [...scope][0]! : (c.partitions.get(DEFAULT_PARTITION)?.id ?? [...c.partitions.values()][0]!.id);
      const lsn = await writer.mutate({
        collectionId: c.id,
        partitionId,
        deletes: keys,
        ...(scope ? { deletePartitions: [...scope] } : {}),
      });
      return {
        IDs: encodeIds(pk.dataType, keys),
        delete_cnt: String(keys.length),
        succ_index: [],
        err_index: [],
        timestamp: String(lsn),
        acknowledged: true,
      };
    },
  };
}
