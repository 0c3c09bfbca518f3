import type { PrimaryKey } from '../../core/columns.js';
import { DataType, primaryField, vectorField } from '../../core/schema.js';
import { MetaConflictError } from '../../meta/errors.js';
import { ConsistencyLevel, consistencyLevelName, consistencyLevelNumber } from '../../milvus/consistency.js';
import { decodeFieldsData } from '../../milvus/field-data.js';
import { keyValueMap } from '../../milvus/key-values.js';
import { prepareHybridSearch } from '../../milvus/hybrid-request.js';
import { encodeFieldsData, encodeIds } from '../../milvus/results.js';
import {
  comparePks, compileRequestFilter, countFieldData, namedPartitions, partitionScope, prepareQuery, prepareSearch, searchScope,
} from '../../milvus/search-request.js';
import { isSupportedMetric } from '../../milvus/search-params.js';
import { hitRows, searchResultData } from '../../milvus/search-results.js';
import { describeResourceGroupReply, listResourceGroupsReply } from '../../milvus/resource-groups.js';
import { decodeCollectionSchema, encodeCollectionSchema, validateName } from '../../milvus/schema-codec.js';
import type { MilvusHandler } from '../../milvus/service.js';
import {
  Code, collectionNotFound, indexNotFound, invalidParameter, metricNotSupported, MilvusError, partitionNotFound, partitionNotLoaded, successStatus,
} from '../../milvus/status.js';
import { getMetricsReply, MILVUS_COMPAT_VERSION, type TopologyNode } from '../../milvus/system-info.js';
import { searchSegments, queryRows } from '../../search/segment-search.js';
import type { Hit } from '../../search/hits.js';
import { fuseQueries } from '../../search/hybrid-rank.js';
import type { ResourceMeter } from '../../runtime/node-resources.js';
import { servedCollectionIds } from '../data-node-api.js';
import type { CollectionState } from './collection-state.js';
import { writerSegmentSource } from './segment-source.js';
import { DEFAULT_PARTITION, type Writer } from './writer.js';

/** Mishards has Milvus's default database only (id 1, as in Milvus). */
const DEFAULT_DB = { name: 'default', id: '1' };
const INDEX_TYPES = new Set(['FLAT', 'HNSW', 'AUTOINDEX']);

/** Milvus timestamps are hybrid: physical milliseconds shifted left by 18 logical bits. */
const hybridTs = (ms: number) => (BigInt(ms) << 18n).toString();
const physicalMs = (ts: string) => Number(BigInt(ts || '0') >> 18n);

/** The writer as a process: where it serves and what it runs on (GetMetrics, resource groups). */
export interface WriterProcess {
  /** The gRPC address it serves (known once bound). */
  address(): string;
  meter: ResourceMeter;
}

function describeCollection(c: CollectionState): Record<string, unknown> {
  const created = c.record.createdAt;
  return {
    schema: encodeCollectionSchema(c.schema),
    collectionID: String(c.id),
    virtual_channel_names: [`mishards-dml_${c.id}_v0`],
    physical_channel_names: ['mishards-dml_0'],
    created_timestamp: hybridTs(created),
    created_utc_timestamp: String(created),
    shards_num: c.record.shardsNum,
    aliases: [],
    start_positions: [],
    consistency_level: consistencyLevelName(c.record.consistencyLevel) ?? 'Bounded',
    collection_name: c.record.name,
    properties: Object.entries(c.record.properties).map(([key, value]) => ({ key, value })),
    db_name: DEFAULT_DB.name,
    num_partitions: String(c.partitions.size),
    update_timestamp: hybridTs(created),
    update_timestamp_str: hybridTs(created),
  };
}

/**
 * The Milvus 2.x API of the writable node: request validation, Milvus status codes and
 * response shapes over the Writer's state machine.
 */
export function writerMilvusHandlers(writer: Writer, self: WriterProcess): Record<string, MilvusHandler> {
  const collection = (name: string): CollectionState => {
    if (!name) throw invalidParameter('collection name should not be empty');
    const c = writer.collections.get(name);
    if (!c) throw collectionNotFound(name);
    return c;
  };
  const partitionIds = (c: CollectionState, names: string[] | undefined) => partitionScope(c.partitions.values(), names);
  /** The named partitions (at least one, as Milvus requires for partition load and release). */
  const partitionsToChange = (c: CollectionState, names: string[] | undefined, emptyMessage: string): number[] => {
    if (!names?.length) throw invalidParameter(emptyMessage);
    return namedPartitions(c.partitions.values(), names).map((p) => p.id);
  };
  /** The named partitions, each of which must be loaded. */
  const loadedPartitions = (c: CollectionState, names: string[]) => namedPartitions(c.partitions.values(), names).map((p) => {
    if (!p.loaded) throw partitionNotLoaded(p.name);
    return p;
  });
  /**
   * ShowPartitions' partitions: all of them; with type InMemory (the SDK's
   * ShowPartitionsType.Loaded) the loaded ones, or the named ones if each is loaded, as Milvus
   * answers it.
   */
  const shownPartitions = (c: CollectionState, req: any) => {
    if (req.type !== 'InMemory') return [...c.partitions.values()];
    if (req.partition_names?.length) return loadedPartitions(c, req.partition_names);
    return [...c.partitions.values()].filter((p) => p.loaded);
  };
  /** The collection and the partitions a search or query covers (see searchScope). */
  const searchTarget = (req: any) => {
    const c = collection(req.collection_name);
    return { c, segments: c.segments(searchScope(c.record.name, c.partitions.values(), req.partition_names)) };
  };
  const source = writerSegmentSource(writer);
  const loadedNames = () => [...writer.collections.values()].filter((c) => c.isLoaded()).map((c) => c.record.name);
  // Standalone, the writer is the whole deployment: the only node it describes.
  const selfNode = async (): Promise<TopologyNode> => ({
    id: 1, role: 'standalone', kind: 'writer', name: 'writer', address: self.address(),
    resources: await self.meter.read(), collectionIds: servedCollectionIds(source), connected: [],
  });

  const indexDescriptions = (req: any) => {
    const c = collection(req.collection_name);
    const idx = c.vectorIndex();
    if (!idx || (req.index_name && req.index_name !== idx.indexName) || (req.field_name && req.field_name !== idx.fieldName)) throw indexNotFound(req.collection_name);
    const { indexed, total } = writer.indexProgress(c);
    const params = [
      { key: 'index_type', value: idx.indexType },
      { key: 'metric_type', value: idx.metricType },
      ...Object.entries(idx.params).map(([key, value]) => ({ key, value })),
    ];
    if (Object.keys(idx.params).length) params.push({ key: 'params', value: JSON.stringify(idx.params) });
    return {
      index_descriptions: [{
        index_name: idx.indexName,
        indexID: String(idx.id),
        params,
        field_name: idx.fieldName,
        indexed_rows: String(indexed),
        total_rows: String(total),
        pending_index_rows: String(total - indexed),
        state: indexed < total ? 'InProgress' : 'Finished',
        index_state_fail_reason: '',
      }],
    };
  };

  const insertOrUpsert = async (req: any, upsert: boolean) => {
    const c = collection(req.collection_name);
    const partitionName = req.partition_name || DEFAULT_PARTITION;
    const partition = c.partitions.get(partitionName);
    if (!partition) throw partitionNotFound(partitionName);
    const decoded = decodeFieldsData(c.schema, req.fields_data, req.num_rows);
    const pk = primaryField(c.schema);
    let ids: PrimaryKey[];
    const provided = decoded.columns.get(pk.name);
    if (provided) {
      if (pk.autoId && !upsert) throw invalidParameter(`the primary key ${pk.name} is auto-generated (autoID): do not provide it on insert`);
      ids = Array.from(provided.values as ArrayLike<PrimaryKey>);
    } else {
      if (!pk.autoId || upsert) throw invalidParameter(`the primary key field ${pk.name} is missing from the ${upsert ? 'upsert' : 'insert'} data`);
      ids = await writer.withAutoIds(c, decoded.rows, decoded.columns);
    }
    const insert = { rows: decoded.rows, columns: decoded.columns };
    const lsn = await writer.mutate(upsert
      ? { collectionId: c.id, partitionId: partition.id, deletes: ids, insert }
      : { collectionId: c.id, partitionId: partition.id, insert });
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
    async Connect() {
      return {
        server_info: { build_tags: MILVUS_COMPAT_VERSION, build_time: '', git_commit: '', go_version: 'node', deploy_mode: 'mishards', reserved: {} },
        identifier: String(Date.now()),
      };
    },
    async GetVersion() {
      return { version: MILVUS_COMPAT_VERSION };
    },
    async CheckHealth() {
      return { isHealthy: true, reasons: [], quota_states: [] };
    },
    GetMetrics: (req) => getMetricsReply(req.request, async () => {
      const node = await selfNode();
      return { nodes: [node], self: node };
    }),
    ListResourceGroups: async () => listResourceGroupsReply(),
    DescribeResourceGroup: async (req) =>
      describeResourceGroupReply(req.resource_group, [{ id: 1, address: self.address() }], loadedNames()),

    async ListDatabases() {
      return { db_names: [DEFAULT_DB.name], db_ids: [DEFAULT_DB.id], created_timestamp: ['0'] };
    },
    async DescribeDatabase(req) {
      const name = req.db_name || DEFAULT_DB.name;
      if (name !== DEFAULT_DB.name) throw new MilvusError('UnexpectedError', Code.DatabaseNotFound, `database not found[database=${name}]`);
      return { db_name: name, dbID: DEFAULT_DB.id, created_timestamp: '0', properties: [] };
    },

    async CreateCollection(req) {
      validateName('collection', req.collection_name);
      const schema = decodeCollectionSchema(req.schema ?? Buffer.alloc(0), req.collection_name);
      if (writer.collections.has(schema.name)) throw invalidParameter(`collection ${schema.name} already exists`);
      // A missing or unknown level is Strong, the enum's zero value.
      const level = consistencyLevelNumber(req.consistency_level) ?? ConsistencyLevel.Strong;
      const props = Object.fromEntries(keyValueMap(req.properties));
      try {
        await writer.createCollection(schema, Number(req.shards_num) || 1, level, props);
      } catch (e) {
        if (e instanceof MetaConflictError) throw invalidParameter(`collection ${schema.name} already exists`);
        throw e;
      }
      return {};
    },
    async DescribeCollection(req) {
      return describeCollection(collection(req.collection_name));
    },
    async BatchDescribeCollection(req) {
      const byId = new Map([...writer.collections.values()].map((c) => [String(c.id), c]));
      const wanted: CollectionState[] = (req.collection_name ?? []).map((name: string) => collection(name));
      for (const id of req.collectionID ?? []) {
        const c = byId.get(String(id));
        if (!c) throw collectionNotFound(String(id));
        wanted.push(c);
      }
      return { responses: wanted.map((c) => ({ status: successStatus(), ...describeCollection(c) })) };
    },
    async HasCollection(req) {
      return { value: writer.collections.has(req.collection_name) };
    },
    async ShowCollections(req) {
      // The SDK's ShowCollectionsType.Loaded arrives as InMemory.
      const all = [...writer.collections.values()].filter((c) => req.type !== 'InMemory' || c.isLoaded());
      return {
        collection_names: all.map((c) => c.record.name),
        collection_ids: all.map((c) => String(c.id)),
        created_timestamps: all.map((c) => hybridTs(c.record.createdAt)),
        created_utc_timestamps: all.map((c) => String(c.record.createdAt)),
        inMemory_percentages: all.map((c) => (c.isLoaded() ? '100' : '0')),
        query_service_available: all.map((c) => c.isLoaded()),
        shards_num: all.map((c) => c.record.shardsNum),
      };
    },
    async ListAliases(req) {
      // Aliases cannot be created here (CreateAlias is not supported): every collection has none.
      if (req.collection_name) collection(req.collection_name);
      return { db_name: DEFAULT_DB.name, collection_name: req.collection_name, aliases: [] };
    },
    async DropCollection(req) {
      const c = writer.collections.get(req.collection_name);
      if (c) await writer.dropCollection(c);
      return {};
    },
    async GetCollectionStatistics(req) {
      const c = collection(req.collection_name);
      return { stats: [{ key: 'row_count', value: String(writer.rowCount(c)) }] };
    },
    async GetPartitionStatistics(req) {
      const c = collection(req.collection_name);
      return { stats: [{ key: 'row_count', value: String(writer.rowCount(c, partitionIds(c, [req.partition_name]))) }] };
    },

    async CreatePartition(req) {
      const c = collection(req.collection_name);
      validateName('partition', req.partition_name);
      if (c.partitions.has(req.partition_name)) throw invalidParameter(`partition ${req.partition_name} already exists`);
      await writer.createPartition(c, req.partition_name);
      return {};
    },
    async HasPartition(req) {
      return { value: collection(req.collection_name).partitions.has(req.partition_name) };
    },
    async ShowPartitions(req) {
      const c = collection(req.collection_name);
      const parts = shownPartitions(c, req);
      return {
        partition_names: parts.map((p) => p.name),
        partitionIDs: parts.map((p) => String(p.id)),
        created_timestamps: parts.map((p) => hybridTs(p.createdAt)),
        created_utc_timestamps: parts.map((p) => String(p.createdAt)),
        inMemory_percentages: parts.map((p) => (p.loaded ? '100' : '0')),
      };
    },
    async DropPartition(req) {
      const c = collection(req.collection_name);
      if (req.partition_name === DEFAULT_PARTITION) throw invalidParameter('default partition cannot be deleted');
      const partition = c.partitions.get(req.partition_name);
      if (!partition) throw partitionNotFound(req.partition_name);
      if (partition.loaded) throw invalidParameter('partition cannot be dropped, partition is loaded, please release it first');
      await writer.dropPartition(c, req.partition_name);
      return {};
    },

    async CreateIndex(req) {
      const c = collection(req.collection_name);
      const vector = vectorField(c.schema);
      const fieldName = req.field_name || vector.name;
      const field = c.schema.fields.find((f) => f.name === fieldName);
      if (!field) throw invalidParameter(`cannot create index on non-exist field: ${fieldName}`);
      if (field.dataType !== DataType.FloatVector) throw new MilvusError('IllegalIndexType', Code.IndexNotSupported, `Mishards indexes vector fields only; ${fieldName} is ${DataType[field.dataType]}`);
      const params = keyValueMap(req.extra_params);
      let nested: Record<string, unknown> = {};
      if (params.get('params')) {
        try {
          nested = JSON.parse(params.get('params')!);
        } catch {
          throw invalidParameter(`index params is not valid JSON: ${params.get('params')}`);
        }
      }
      const indexType = (params.get('index_type') || 'AUTOINDEX').toUpperCase();
      if (!INDEX_TYPES.has(indexType)) throw new MilvusError('IllegalIndexType', Code.IndexNotSupported, `index type ${indexType} is not supported: use FLAT, HNSW or AUTOINDEX`);
      // Milvus: an index created without parameters is AUTOINDEX with COSINE.
      const metric = (params.get('metric_type') || (nested.metric_type as string) || 'COSINE').toUpperCase();
      if (!isSupportedMetric(metric)) throw metricNotSupported(metric);
      const buildParams: Record<string, string> = {};
      for (const [k, v] of Object.entries(nested)) if (k !== 'metric_type' && k !== 'index_type') buildParams[k] = String(v);
      for (const k of ['M', 'efConstruction']) {
        if (params.has(k)) buildParams[k] = params.get(k)!;
        if (buildParams[k] !== undefined) {
          const n = Number(buildParams[k]);
          const [lo, hi] = k === 'M' ? [2, 2048] : [1, 2147483647];
          if (!Number.isInteger(n) || n < lo || n > hi) throw invalidParameter(`index param ${k} = ${buildParams[k]} is out of range [${lo}, ${hi}]`);
        }
      }
      const existing = c.vectorIndex();
      if (existing) {
        if (existing.indexType === indexType && existing.metricType === metric) return {};
        throw new MilvusError('UnexpectedError', Code.IndexDuplicate, `at most one distinct index is allowed per field: ${existing.indexName} exists with ${existing.indexType}/${existing.metricType}`);
      }
      await writer.createIndex(c, { fieldName, indexName: req.index_name || fieldName, indexType, metricType: metric, params: buildParams });
      return {};
    },
    DescribeIndex: async (req) => indexDescriptions(req),
    // The same index descriptions (with row counts) as DescribeIndex, as in Milvus.
    GetIndexStatistics: async (req) => indexDescriptions(req),
    async GetIndexState(req) {
      const c = collection(req.collection_name);
      if (!c.vectorIndex()) throw indexNotFound(req.collection_name);
      return { state: 'Finished', fail_reason: '' };
    },
    async GetIndexBuildProgress(req) {
      const c = collection(req.collection_name);
      if (!c.vectorIndex()) throw indexNotFound(req.collection_name);
      const { indexed, total } = writer.indexProgress(c);
      return { indexed_rows: String(indexed), total_rows: String(total) };
    },
    async DropIndex(req) {
      const c = collection(req.collection_name);
      const idx = c.vectorIndex();
      if (!idx || (req.index_name && req.index_name !== idx.indexName) || (req.field_name && req.field_name !== idx.fieldName)) throw indexNotFound(req.collection_name);
      if (c.isLoaded()) throw invalidParameter('index cannot be dropped, collection is loaded, please release it first');
      await writer.dropIndex(c, idx);
      return {};
    },

    async LoadCollection(req) {
      const c = collection(req.collection_name);
      if (!c.vectorIndex()) throw indexNotFound(req.collection_name);
      await writer.changeLoadState(c, { action: 'load', partitionIds: 'all' });
      return {};
    },
    async LoadPartitions(req) {
      const c = collection(req.collection_name);
      if (!c.vectorIndex()) throw indexNotFound(req.collection_name);
      const ids = partitionsToChange(c, req.partition_names, 'failed to load partition, due to no partition specified');
      await writer.changeLoadState(c, { action: 'load', partitionIds: ids });
      return {};
    },
    async ReleaseCollection(req) {
      await writer.changeLoadState(collection(req.collection_name), { action: 'release', partitionIds: 'all' });
      return {};
    },
    async ReleasePartitions(req) {
      const c = collection(req.collection_name);
      const ids = partitionsToChange(c, req.partition_names, 'invalid parameter[expected=any partition][actual=empty partition list]');
      await writer.changeLoadState(c, { action: 'release', partitionIds: ids });
      return {};
    },
    async GetLoadingProgress(req) {
      const c = collection(req.collection_name);
      // Loading completes with the request. Named partitions must be loaded, as in Milvus.
      if (req.partition_names?.length) loadedPartitions(c, req.partition_names);
      const progress = req.partition_names?.length || c.isLoaded() ? '100' : '0';
      return { progress, refresh_progress: progress };
    },
    async GetLoadState(req) {
      const c = collection(req.collection_name);
      const loaded = req.partition_names?.length
        ? namedPartitions(c.partitions.values(), req.partition_names).every((p) => p.loaded)
        : c.isLoaded();
      return { state: loaded ? 'LoadStateLoaded' : 'LoadStateNotLoad' };
    },

    Insert: (req) => insertOrUpsert(req, false),
    Upsert: (req) => insertOrUpsert(req, true),
    async Delete(req) {
      const c = collection(req.collection_name);
      const scope = req.partition_name ? partitionIds(c, [req.partition_name]) : undefined;
      if (!req.expr || !String(req.expr).trim()) throw invalidParameter('delete expression should not be empty: use a filter such as `id in [...]`');
      const { filter } = compileRequestFilter(c.schema, req.expr, req.expr_template_values);
      const keys = filter.primaryKeys() ?? writer.matchingKeys(c, filter, scope);
      const pk = primaryField(c.schema);
      if (keys.length === 0) return { IDs: encodeIds(pk.dataType, []), delete_cnt: '0', succ_index: [], err_index: [], acknowledged: true };
      const partitionId = scope ? [...scope][0]! : c.partitions.get(DEFAULT_PARTITION)?.id ?? [...c.partitions.values()][0]!.id;
      const lsn = await writer.mutate({ collectionId: c.id, partitionId, deletes: keys, ...(scope ? { deletePartitions: [...scope] } : {}) });
      return { IDs: encodeIds(pk.dataType, keys), delete_cnt: String(keys.length), succ_index: [], err_index: [], timestamp: String(lsn), acknowledged: true };
    },
    async Flush(req) {
      const names: string[] = req.collection_names ?? [];
      const collSegIDs: Record<string, { data: string[] }> = {};
      const flushSegIDs: Record<string, { data: string[] }> = {};
      const sealTimes: Record<string, string> = {};
      for (const name of names) {
        const c = collection(name);
        const sealed = await writer.flush(c);
        flushSegIDs[name] = { data: sealed.map(String) };
        collSegIDs[name] = { data: [...c.sealed.keys()].map(String) };
        sealTimes[name] = String(Math.floor(Date.now() / 1000));
      }
      return { db_name: 'default', coll_segIDs: collSegIDs, flush_coll_segIDs: flushSegIDs, coll_seal_times: sealTimes, coll_flush_ts: {} };
    },
    async GetFlushState(req) {
      // Flush returns after its segments are persisted, so a segment is flushed once the
      // metadata store knows it (or it was compacted away, which Milvus also reports as flushed).
      const ids: string[] = req.segmentIDs ?? [];
      const records = await Promise.all(ids.map((id) => writer.meta.getSegment(Number(id))));
      return { flushed: records.every((r) => !r || r.state !== 'growing') };
    },

    async FlushAll(req) {
      const started = Date.now();
      const targets: string[] = (req.flush_targets ?? []).flatMap((t: any) => t.collection_names ?? []);
      const states = targets.length ? targets.map(collection) : [...writer.collections.values()];
      await Promise.all(states.map((c) => writer.flush(c)));
      return { flush_all_ts: hybridTs(started) };
    },
    async GetFlushAllState(req) {
      // Rows written before the timestamp are flushed once no unpersisted segment is older.
      const since = Math.max(physicalMs(req.flush_all_ts), ...Object.values<string>(req.flush_all_tss ?? {}).map(physicalMs));
      return { flushed: ![...writer.collections.values()].some((c) => c.unpersistedBefore(since)) };
    },

    async Search(req) {
      const { c, segments } = searchTarget(req);
      const p = prepareSearch(c.schema, c.vectorIndex()!, req);
      const { topk, offset, roundDecimal } = p.params;
      const perQuery = await searchSegments(segments, {
        queries: p.queries, nq: p.nq, k: topk + offset, metric: p.metric, params: p.params.engine, filter: p.filter,
      }, writer.engine);
      const pages = perQuery.map((hits) => hits.slice(offset, offset + topk));
      return {
        collection_name: c.record.name,
        results: searchResultData(
          { schema: c.schema, selection: p.selection, nq: p.nq, topK: topk, roundDecimal },
          hitRows(c.schema, p.selection, pages.flat(), pages.map((page) => page.length)),
        ),
      };
    },

    async HybridSearch(req) {
      const { c, segments } = searchTarget(req);
      const h = prepareHybridSearch(c.schema, c.vectorIndex()!, req);
      // Every sub-search is an exact search of its own (its topk, its filter); the fused
      // hits keep the row of the sub-search that found them first, for their output fields.
      const perSub = await Promise.all(h.subs.map((p) => searchSegments(segments, {
        queries: p.queries, nq: p.nq, k: p.params.topk, metric: p.metric, params: p.params.engine, filter: p.filter,
      }, writer.engine)));
      const fused = fuseQueries(perSub, h, (hit) => ({ key: hit.pk, score: hit.score }));
      return {
        collection_name: c.record.name,
        results: searchResultData(
          { schema: c.schema, selection: h.selection, nq: h.nq, topK: h.limit, roundDecimal: h.roundDecimal },
          hitRows(c.schema, h.selection, fused.hits, fused.topks, fused.scores),
        ),
      };
    },

    async Query(req) {
      const { c, segments } = searchTarget(req);
      const q = prepareQuery(c.schema, req);
      const rows = queryRows(segments, q.filter);
      const base = { collection_name: c.record.name, primary_field_name: primaryField(c.schema).name };
      if (q.countOnly) return { ...base, output_fields: ['count(*)'], fields_data: [countFieldData(rows.length)] };
      // Milvus returns query pages ordered by primary key.
      rows.sort((a, b) => comparePks(a.pk, b.pk));
      const page: Hit[] = rows.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
      return { ...base, fields_data: encodeFieldsData(c.schema, page, q.selection!), output_fields: q.selection!.names };
    },
  };
}
