import { DataType, vectorField } from '../../../core/schema.js';
import type { IndexRecord } from '../../../meta/store.js';
import { keyValueMap } from '../../../milvus/key-values.js';
import type { MilvusRequest, MilvusResponse } from '../../../milvus/methods.js';
import { Code, indexNotFound, invalidParameter, MilvusError } from '../../../milvus/status.js';
import { checkBm25Index, checkIndexType, checkSparseParams, engineIndexType, indexMetric } from '../../../milvus/vector-indexes.js';
import { vectorTypeOf } from '../../../core/vector-types.js';
import type { CollectionState } from '../collection-state.js';
import type { Handlers, WriterApi } from './context.js';

/** The collection, index and field names a request may give (GetIndexStatistics names no field). */
type IndexNames = Pick<MilvusRequest<'DescribeIndex'>, 'db_name' | 'collection_name' | 'index_name'> &
  Partial<Pick<MilvusRequest<'DescribeIndex'>, 'field_name'>>;

/** The collection's vector index, if the request's index and field names (when given) match it. */
function requestedIndex(c: CollectionState, req: IndexNames): IndexRecord {
  const idx = c.vectorIndex();
  if (!idx || (req.index_name && req.index_name !== idx.indexName) || (req.field_name && req.field_name !== idx.fieldName))
    throw indexNotFound(req.collection_name);
  return idx;
}

/** Indexes: one vector index per collection (milvus/vector-indexes.ts says which), built in the background. */
type IndexMethod = 'CreateIndex' | 'DescribeIndex' | 'GetIndexStatistics' | 'GetIndexState' | 'GetIndexBuildProgress' | 'DropIndex';

export function indexHandlers(api: WriterApi): Handlers<IndexMethod> {
  const { writer } = api;
  const indexDescriptions = (req: IndexNames): MilvusResponse<'DescribeIndex'> => {
    const c = api.collection(req.db_name, req.collection_name);
    const idx = requestedIndex(c, req);
    const { indexed, total } = writer.indexProgress(c);
    const params = [
      { key: 'index_type', value: idx.indexType },
      { key: 'metric_type', value: idx.metricType },
      // How Mishards searches it: an HNSW graph, or an exact scan (FLAT) whatever the index type.
      { key: 'engine', value: engineIndexType(idx.indexType, vectorField(c.schema)) },
      ...Object.entries(idx.params).map(([key, value]) => ({ key, value })),
    ];
    if (Object.keys(idx.params).length) params.push({ key: 'params', value: JSON.stringify(idx.params) });
    return {
      index_descriptions: [
        {
          index_name: idx.indexName,
          indexID: String(idx.id),
          params,
          field_name: idx.fieldName,
          indexed_rows: String(indexed),
          total_rows: String(total),
          pending_index_rows: String(total - indexed),
          state: indexed < total ? 'InProgress' : 'Finished',
          index_state_fail_reason: '',
        },
      ],
    };
  };
  return {
    async CreateIndex(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const vector = vectorField(c.schema);
      const fieldName = req.field_name || vector.name;
      const field = c.schema.fields.find((f) => f.name === fieldName);
      if (!field) throw invalidParameter(`cannot create index on non-exist field: ${fieldName}`);
      if (field.isFunctionOutput) {
        checkBm25Index(keyValueMap(req.extra_params), field);
        return {};
      }
      if (field !== vector)
        throw new MilvusError(Code.IndexNotSupported, `Mishards indexes vector fields only; ${fieldName} is ${DataType[field.dataType]}`);
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
      checkIndexType(indexType, field);
      // Milvus: an index created without a metric gets its type's default (COSINE for float vectors).
      const metric = indexMetric(params.get('metric_type') || (nested.metric_type as string) || '', field);
      const buildParams: Record<string, string> = {};
      for (const [k, v] of Object.entries(nested)) if (k !== 'metric_type' && k !== 'index_type') buildParams[k] = String(v);
      for (const k of ['inverted_index_algo', 'drop_ratio_build']) if (params.has(k)) buildParams[k] = params.get(k)!;
      if (vectorTypeOf(field).element === 'sparse') checkSparseParams(buildParams);
      for (const k of ['M', 'efConstruction']) {
        if (params.has(k)) buildParams[k] = params.get(k)!;
        if (buildParams[k] !== undefined) {
          const n = Number(buildParams[k]);
          const [lo, hi] = k === 'M' ? [2, 2048] : [1, 2147483647];
          if (!Number.isInteger(n) || n < lo || n > hi)
            throw invalidParameter(`index param ${k} = ${buildParams[k]} is out of range [${lo}, ${hi}]`);
        }
      }
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
        indexName: req.index_name || fieldName,
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
      if (!c.vectorIndex()) throw indexNotFound(req.collection_name);
      const building = [...c.sealed.values()].some((s) => !s.indexInfo());
      return { state: building ? 'InProgress' : 'Finished', fail_reason: '' };
    },
    async GetIndexBuildProgress(req) {
      const c = api.collection(req.db_name, req.collection_name);
      if (!c.vectorIndex()) throw indexNotFound(req.collection_name);
      const { indexed, total } = writer.indexProgress(c);
      return { indexed_rows: String(indexed), total_rows: String(total) };
    },
    async DropIndex(req) {
      const c = api.collection(req.db_name, req.collection_name);
      const idx = requestedIndex(c, req);
      if (c.isLoaded()) throw invalidParameter('index cannot be dropped, collection is loaded, please release it first');
      await writer.dropIndex(c, idx);
      return {};
    },
  };
}
