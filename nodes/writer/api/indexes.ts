import { isVectorType, vectorField } from '../../../core/schema.js';
import type { IndexRecord } from '../../../meta/store.js';
import { validateIndexName } from '../../../milvus/names.js';
import { keyValueMap } from '../../../milvus/key-values.js';
import type { MilvusRequest, MilvusResponse } from '../../../milvus/methods.js';
import { Code, indexNotFound, invalidParameter, MilvusError } from '../../../milvus/status.js';
import { checkBuildParams } from '../../../milvus/index-params.js';
import { checkScalarIndex, scalarIndexEngine } from '../../../milvus/scalar-indexes.js';
import { checkBm25Index, checkIndexType, engineIndexType, indexMetric } from '../../../milvus/vector-indexes.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/** The collection, index and field names a request may give (GetIndexStatistics names no field). */
type IndexNames = Pick<MilvusRequest<'DescribeIndex'>, 'db_name' | 'collection_name' | 'index_name'> &
  Partial<Pick<MilvusRequest<'DescribeIndex'>, 'field_name'>>;

/** The collection's indexes that the request's index and field names (when given) match; at least one. */
function requestedIndexes(c: CollectionState, req: IndexNames): IndexRecord[] {
  const found = c.indexes.filter(
    (idx) => (!req.index_name || req.index_name === idx.indexName) && (!req.field_name || req.field_name === idx.fieldName),
  );
  if (found.length === 0) throw indexNotFound(req.collection_name);
  return found;
}

/**
 * An index request's parameters as Milvus's proxy reads them: every pair of `extra_params`, the
 * `params` JSON's entries among them (values as strings); `index_type` (default AUTOINDEX) and
 * `metric_type` apart from the build parameters.
 */
function indexRequestParams(pairs: MilvusRequest<'CreateIndex'>['extra_params']) {
  const all: Record<string, string> = {};
  for (const [key, value] of keyValueMap(pairs)) if (key !== 'params') all[key] = value;
  const json = keyValueMap(pairs).get('params');
  if (json) {
    let nested: unknown;
    try {
      nested = JSON.parse(json);
    } catch {
      throw invalidParameter(`index params is not valid JSON: ${json}`);
    }
    if (typeof nested !== 'object' || nested === null || Array.isArray(nested))
      throw invalidParameter(`index params must be a JSON object: ${json}`);
    for (const [key, value] of Object.entries(nested)) all[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const { index_type: indexType, metric_type: metricType, ...buildParams } = all;
  return { indexType: (indexType || 'AUTOINDEX').toUpperCase(), metricType: metricType ?? '', buildParams };
}

/**
 * Indexes: one vector index per collection (milvus/vector-indexes.ts says which), built in the
 * background, and scalar indexes on other fields (milvus/scalar-indexes.ts), one per field,
 * built by each segment when a filter first needs them.
 */
type IndexMethod = 'CreateIndex' | 'DescribeIndex' | 'GetIndexStatistics' | 'GetIndexState' | 'GetIndexBuildProgress' | 'DropIndex';

export function indexHandlers(api: WriterApi): Handlers<IndexMethod> {
  const { writer } = api;
  const indexDescriptions = (req: IndexNames): MilvusResponse<'DescribeIndex'> => {
    const c = api.collection(req.db_name, req.collection_name);
    const progress = writer.indexProgress(c);
    return { index_descriptions: requestedIndexes(c, req).map((idx) => describe(c, idx, progress)) };
  };
  const describe = (c: CollectionState, idx: IndexRecord, { indexed, total }: { indexed: number; total: number }) => {
    // Only the engine index is built in the background; scalar indexes and BM25 outputs' are
    // built by each segment when a filter or search first needs them: always ready.
    if (idx !== c.vectorIndex()) indexed = total;
    const field = c.schema.fields.find((f) => f.name === idx.fieldName)!;
    const vector = isVectorType(field.dataType);
    const params = [
      { key: 'index_type', value: idx.indexType },
      ...(vector ? [{ key: 'metric_type', value: idx.metricType }] : []),
      // What serves it: an engine index of its family or a stand-in (milvus/vector-indexes.ts),
      // or for a scalar index the sorted index of the filter, or the scan (milvus/scalar-indexes.ts).
      { key: 'engine', value: vector ? engineIndexType(idx.indexType, field) : scalarIndexEngine(field) },
      ...Object.entries(idx.params).map(([key, value]) => ({ key, value })),
    ];
    if (Object.keys(idx.params).length) params.push({ key: 'params', value: JSON.stringify(idx.params) });
    return {
      index_name: idx.indexName,
      indexID: String(idx.id),
      params,
      field_name: idx.fieldName,
      indexed_rows: String(indexed),
      total_rows: String(total),
      pending_index_rows: String(total - indexed),
      state: indexed < total ? ('InProgress' as const) : ('Finished' as const),
      index_state_fail_reason: '',
    };
  };
  /**
   * Records the index of a field that the engine does not index (a scalar field or a BM25
   * output): one per field, created again with the same type and params as a no-op.
   */
  const addFieldIndex = async (c: CollectionState, index: Omit<IndexRecord, 'id' | 'collectionId' | 'createdAt'>) => {
    const existing = c.indexes.find((i) => i.fieldName === index.fieldName);
    if (existing) {
      if (existing.indexType === index.indexType && JSON.stringify(existing.params) === JSON.stringify(index.params)) return;
      throw new MilvusError(
        Code.IndexDuplicate,
        `at most one distinct index is allowed per field: ${existing.indexName} exists with ${existing.indexType}`,
      );
    }
    if (c.indexes.some((i) => i.indexName === index.indexName))
      throw invalidParameter(`index name ${index.indexName} is used by another field's index`);
    await writer.createIndex(c, index);
  };
  return {
    async CreateIndex(req) {
      const c = api.collection(req.db_name, req.collection_name);
      validateIndexName(req.index_name);
      const vector = vectorField(c.schema);
      const fieldName = req.field_name || vector.name;
      const field = c.schema.fields.find((f) => f.name === fieldName);
      if (!field) throw invalidParameter(`cannot create index on non-exist field: ${fieldName}`);
      const { indexType, metricType, buildParams } = indexRequestParams(req.extra_params);
      const indexName = req.index_name || fieldName;
      if (field.isFunctionOutput) {
        checkBm25Index(keyValueMap(req.extra_params), field);
        await addFieldIndex(c, { fieldName, indexName, indexType, metricType: 'BM25', params: buildParams });
        return {};
      }
      if (field !== vector) {
        checkScalarIndex(indexType, field, buildParams);
        await addFieldIndex(c, { fieldName, indexName, indexType, metricType: '', params: buildParams });
        return {};
      }
      checkIndexType(indexType, field);
      // Milvus: an index created without a metric gets its type's default (COSINE for float vectors).
      const metric = indexMetric(metricType, field);
      checkBuildParams(indexType, buildParams, field.dim ?? 0);
      const existing = c.vectorIndex();
      if (existing) {
        if (existing.indexType === indexType && existing.metricType === metric) return {};
        throw new MilvusError(
          Code.IndexDuplicate,
          `at most one distinct index is allowed per field: ${existing.indexName} exists with ${existing.indexType}/${existing.metricType}`,
        );
      }
      await writer.createIndex(c, {
        fieldName,
        indexName,
        indexType,
        metricType: metric,
        params: buildParams,
      });
      return {};
    },
    DescribeIndex: async (req) => indexDescriptions(req),
    // The same index descriptions (with row counts) as DescribeIndex, as in Milvus.
    GetIndexStatistics: async (req) => indexDescriptions(req),
    // InProgress while a sealed segment waits for its index build. Growing rows are searched
    // without one, as Milvus's growing segments are: they do not hold the state back.
    async GetIndexState(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const vector = requestedIndexes(c, req).includes(c.vectorIndex()!);
      const building = vector && [...c.sealed.values()].some((s) => !s.indexInfo());
      return { state: building ? 'InProgress' : 'Finished', fail_reason: '' };
    },
    async GetIndexBuildProgress(req) {
      const c = api.collection(req.db_name, req.collection_name);
      // Only the engine index is built in the background (see describe).
      const building = requestedIndexes(c, req).includes(c.vectorIndex()!);
      const { indexed, total } = writer.indexProgress(c);
      return { indexed_rows: String(building ? indexed : total), total_rows: String(total) };
    },
    async DropIndex(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const found = requestedIndexes(c, req);
      if (found.length > 1) throw invalidParameter('there are multiple indexes, please specify the index_name');
      const idx = found[0]!;
      if (c.isLoaded()) throw invalidParameter('index cannot be dropped, collection is loaded, please release it first');
      await writer.dropIndex(c, idx);
      return {};
    },
  };
}
