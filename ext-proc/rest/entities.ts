import { z } from 'zod';
import { encodePlaceholder, encodeQueryTexts } from '../../milvus/placeholder.js';
import { invalidParameter } from '../../milvus/status.js';
import type { CollectionSchema__Output } from '../../proto/generated/milvus/proto/schema/CollectionSchema.js';
import type { TemplateArrayValue__Output } from '../../proto/generated/milvus/proto/schema/TemplateArrayValue.js';
import type { TemplateValue__Output } from '../../proto/generated/milvus/proto/schema/TemplateValue.js';
import type { QueryReply, SearchReply } from '../coordinator/coordinator.js';
import { RestCode, RestError } from './reply.js';
import { collectionBody, consistency, consistencyLevel, exprParams, templateValues } from './requests.js';
import { route, type RestContext, type Route } from './route.js';
import { columnLength, fieldsDataToRows, float32, idsOut, rowsToFieldsData } from './rows.js';
import { queryVectors, VectorValueError } from './vectors.js';
import { DataType, type CollectionSchema, type FieldSchema } from '../../core/schema.js';
import { vectorType } from '../../core/vector-types.js';
import type { PlaceholderType } from '../../proto/generated/milvus/proto/common/PlaceholderType.js';

/**
 * `/v2/vectordb/entities/*`. Search, hybrid search, query and get are answered by the coordinator's
 * scatter-gather (the REST body translated into the gRPC request it would be); insert,
 * upsert and delete go to the writable node.
 */

/** Milvus's REST defaults: 100 rows, every field. */
const DEFAULT_LIMIT = 100;
const ALL_FIELDS = ['*'];
/** The template variable holding the keys of a get or delete by id. */
const PK_IDS = 'pk_ids';

const names = z.array(z.string()).optional();
const int = z.number().int().optional();
const id = z.union([z.number(), z.string()]);
const ids = z.union([id, z.array(id)]);

async function describe(collectionName: string, ctx: RestContext): Promise<CollectionSchema__Output> {
  // The writer describes every collection it has with its schema.
  return (await ctx.writer.call('DescribeCollection', { collection_name: collectionName }, ctx.call)).schema!;
}

/** A search's `data` refused as Milvus's REST search refuses it (1801). */
const badQueries = (reason: string) =>
  new RestError(RestCode.IncorrectParameterFormat, `can only accept json format request, error: ${reason}`);

/** The vector field a search's `data` is for: `annsField`, or the collection's only vector field (Milvus's REST search picks it so). */
function searchedField(schema: CollectionSchema, annsField: string | undefined): FieldSchema {
  const vectors = schema.fields.filter((f) => vectorType(f.dataType));
  if (!annsField && vectors.length > 1) {
    throw badQueries(
      `search without annsField, but already found multiple vector fields: [${vectors[0]!.name}, ${vectors[1]!.name},,,]: invalid parameter`,
    );
  }
  const field = annsField ? vectors.find((f) => f.name === annsField) : vectors[0];
  if (!field) throw badQueries(`cannot find a vector field named: ${annsField ?? ''}`);
  return field;
}

/** The collection's schema as the coordinator holds it (the searches' own view of it). */
const searchSchema = (collectionName: string, ctx: RestContext): Promise<CollectionSchema> =>
  ctx.coordinator.schemaOf({ db_name: ctx.call.database, collection_name: collectionName }, ctx.call);

/**
 * The placeholder group of a search's `data`, each query in the form of the field searched
 * (vectors.ts). A BM25 output is searched by texts, sent as a VarChar placeholder as Milvus's REST
 * sends them: a value that is not a string is taken as its JSON text, as Milvus takes it.
 */
function placeholderOf(schema: CollectionSchema, annsField: string | undefined, data: unknown[]): Buffer {
  const field = searchedField(schema, annsField);
  if (field.isFunctionOutput) return encodeQueryTexts(data.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))));
  try {
    return encodePlaceholder(DataType[field.dataType] as PlaceholderType, queryVectors(vectorType(field.dataType)!, field.dim ?? 0, data));
  } catch (e) {
    if (e instanceof VectorValueError) throw badQueries(e.message);
    throw e;
  }
}

/** `pk in {pk_ids}` with the keys bound as a template value, so no key is parsed as filter text. */
async function byIds(
  collectionName: string,
  keys: z.infer<typeof ids>,
  ctx: RestContext,
): Promise<{ expr: string; expr_template_values: Record<string, TemplateValue__Output> }> {
  const pk = (await describe(collectionName, ctx)).fields.find((f) => f.is_primary_key)!;
  const list = [keys].flat();
  let array: TemplateArrayValue__Output;
  if (pk.data_type === 'Int64') {
    const bad = list.find((k) => !(Number.isInteger(k) || (typeof k === 'string' && /^-?\d+$/.test(k))));
    if (bad !== undefined) {
      throw new RestError(
        RestCode.CheckPrimaryKey,
        `please check the primary key and its' type can only in [int, string], error: ${JSON.stringify(bad)} is not an Int64 key of ${pk.name}`,
      );
    }
    array = { data: 'long_data', long_data: { data: list.map(String) } };
  } else {
    array = { data: 'string_data', string_data: { data: list.map(String) } };
  }
  return { expr: `${pk.name} in {${PK_IDS}}`, expr_template_values: { [PK_IDS]: { val: 'array_val', array_val: array } } };
}

const dataBody = collectionBody.extend({
  partitionName: z.string().optional(),
  data: z.array(z.record(z.string(), z.unknown())),
});

async function write(method: 'Insert' | 'Upsert', b: z.infer<typeof dataBody>, ctx: RestContext) {
  if (b.data.length === 0) throw new RestError(RestCode.InvalidInsertData, 'fail to deal the insert data, error: data is empty');
  const schema = await describe(b.collectionName, ctx);
  return ctx.writer.call(
    method,
    {
      collection_name: b.collectionName,
      partition_name: b.partitionName ?? '',
      fields_data: rowsToFieldsData(schema, b.data),
      num_rows: b.data.length,
    },
    ctx.call,
  );
}

/** The rows of a query result. */
function queryRows(res: QueryReply, ctx: RestContext): Record<string, unknown>[] {
  const fields = res.fields_data;
  const [first] = fields;
  return fieldsDataToRows(fields, first ? columnLength(first) : 0, ctx.allowInt64);
}

/** Query vectors: each in its field type's REST form (vectors.ts), checked against the field. */
const queryData = z.array(z.unknown());

const searchBody = collectionBody.extend({
  data: queryData,
  annsField: z.string().optional(),
  filter: z.string().optional(),
  limit: int,
  offset: int,
  outputFields: names,
  partitionNames: names,
  consistencyLevel,
  exprParams,
  groupingField: z.string().optional(),
  groupSize: int,
  strictGroupSize: z.boolean().optional(),
  searchParams: z.object({ metricType: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }).optional(),
  /** Legacy top-level range-search parameters. */
  params: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The string pairs of a gRPC SearchRequest's `search_params`: a range search's `radius` and
 * `range_filter` go in the `params` JSON (from `searchParams.params` or the legacy top-level
 * `params`), a grouping search's fields in their own pairs.
 */
function searchParams(
  b: Pick<z.infer<typeof searchBody>, 'limit' | 'offset' | 'annsField' | 'searchParams' | 'params'> &
    Partial<Pick<z.infer<typeof searchBody>, 'groupingField' | 'groupSize' | 'strictGroupSize'>>,
): { key: string; value: string }[] {
  const pairs = [
    { key: 'topk', value: String(b.limit ?? DEFAULT_LIMIT) },
    { key: 'offset', value: String(b.offset ?? 0) },
    { key: 'anns_field', value: b.annsField ?? '' },
    { key: 'params', value: JSON.stringify({ ...b.params, ...b.searchParams?.params }) },
    { key: 'round_decimal', value: '-1' },
  ];
  if (b.searchParams?.metricType) pairs.push({ key: 'metric_type', value: b.searchParams.metricType });
  if (b.groupingField) pairs.push({ key: 'group_by_field', value: b.groupingField });
  if (b.groupSize !== undefined) pairs.push({ key: 'group_size', value: String(b.groupSize) });
  if (b.strictGroupSize !== undefined) pairs.push({ key: 'strict_group_size', value: String(b.strictGroupSize) });
  return pairs;
}

/** Search rows (the key, the output fields and `distance`) and the per-query `topks`. */
function searchReply(res: SearchReply, ctx: RestContext): { data: Record<string, unknown>[]; topks: number[] } {
  const r = res.results;
  const keys = idsOut(r.ids, ctx.allowInt64);
  const rows = fieldsDataToRows(r.fields_data, keys.length, ctx.allowInt64);
  rows.forEach((row, i) => {
    row[r.primary_field_name] = keys[i];
    row.distance = float32(r.scores[i]!);
  });
  return { data: rows, topks: r.topks.map(Number) };
}

/**
 * Milvus's REST hybrid search: `search` (sub-searches, each with `data`, `annsField`,
 * `filter`, `limit`, `params` or `searchParams`, `metricType`), `rerank`
 * (`{strategy: "rrf"|"weighted", params}`), and the fused page's `limit` and `offset`.
 */
const hybridBody = collectionBody.extend({
  search: z
    .array(
      z.object({
        data: queryData,
        annsField: z.string().optional(),
        filter: z.string().optional(),
        limit: int,
        offset: int,
        exprParams,
        groupingField: z.string().optional(),
        metricType: z.string().optional(),
        searchParams: z.object({ metricType: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }).optional(),
        params: z.record(z.string(), z.unknown()).optional(),
        ignoreGrowing: z.boolean().optional(),
      }),
    )
    .optional()
    .default([]),
  rerank: z.object({ strategy: z.string().optional(), params: z.record(z.string(), z.unknown()).optional() }).optional(),
  limit: int,
  offset: int,
  outputFields: names,
  partitionNames: names,
  consistencyLevel,
});

export const entityRoutes: Record<string, Route> = {
  insert: route(dataBody, async (b, ctx) => {
    const res = await write('Insert', b, ctx);
    return { data: { insertCount: Number(res.insert_cnt), insertIds: idsOut(res.IDs, ctx.allowInt64) } };
  }),

  upsert: route(dataBody, async (b, ctx) => {
    const res = await write('Upsert', b, ctx);
    return { data: { upsertCount: Number(res.upsert_cnt), upsertIds: idsOut(res.IDs, ctx.allowInt64) } };
  }),

  delete: route(
    collectionBody.extend({ filter: z.string().optional(), id: ids.optional(), partitionName: z.string().optional(), exprParams }),
    async (b, ctx) => {
      let target: { expr: string; expr_template_values: Record<string, TemplateValue__Output> };
      if (b.filter) target = { expr: b.filter, expr_template_values: templateValues(b.exprParams) };
      else if (b.id !== undefined) target = await byIds(b.collectionName, b.id, ctx);
      else throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters, error: filter or id is required');
      const res = await ctx.writer.call(
        'Delete',
        { collection_name: b.collectionName, partition_name: b.partitionName ?? '', ...target },
        ctx.call,
      );
      return { data: { deleteCount: Number(res.delete_cnt) } };
    },
  ),

  get: route(collectionBody.extend({ id: ids, outputFields: names, partitionNames: names, consistencyLevel }), async (b, ctx) => {
    const res = await ctx.coordinator.query(
      {
        db_name: ctx.call.database,
        collection_name: b.collectionName,
        ...(await byIds(b.collectionName, b.id, ctx)),
        output_fields: b.outputFields ?? ALL_FIELDS,
        partition_names: b.partitionNames ?? [],
        query_params: [],
        ...consistency(b.consistencyLevel),
      },
      ctx.call,
    );
    return { data: queryRows(res, ctx) };
  }),

  query: route(
    collectionBody.extend({
      filter: z.string().optional(),
      outputFields: names,
      limit: int,
      offset: int,
      partitionNames: names,
      consistencyLevel,
      exprParams,
    }),
    async (b, ctx) => {
      const outputFields = b.outputFields ?? ALL_FIELDS;
      const limit = b.limit ?? DEFAULT_LIMIT;
      const countOnly = outputFields.length === 1 && outputFields[0]!.trim().toLowerCase() === 'count(*)';
      const queryParams = [];
      if (b.offset && b.offset > 0) queryParams.push({ key: 'offset', value: String(b.offset) });
      if (limit > 0 && !countOnly) queryParams.push({ key: 'limit', value: String(limit) });
      const res = await ctx.coordinator.query(
        {
          db_name: ctx.call.database,
          collection_name: b.collectionName,
          expr: b.filter ?? '',
          expr_template_values: templateValues(b.exprParams),
          output_fields: outputFields,
          partition_names: b.partitionNames ?? [],
          query_params: queryParams,
          ...consistency(b.consistencyLevel),
        },
        ctx.call,
      );
      return { data: queryRows(res, ctx) };
    },
  ),

  search: route(searchBody, async (b, ctx) => {
    if (b.data.length === 0)
      throw new RestError(RestCode.MissingRequiredParameters, 'missing required parameters, error: data (the query vectors) is empty');
    const placeholder = placeholderOf(await searchSchema(b.collectionName, ctx), b.annsField, b.data);
    const res = await ctx.coordinator.search(
      {
        db_name: ctx.call.database,
        collection_name: b.collectionName,
        placeholder_group: placeholder,
        dsl: b.filter ?? '',
        expr_template_values: templateValues(b.exprParams),
        output_fields: b.outputFields ?? [],
        partition_names: b.partitionNames ?? [],
        search_params: searchParams(b),
        nq: String(b.data.length),
        ...consistency(b.consistencyLevel),
      },
      ctx.call,
    );
    return searchReply(res, ctx);
  }),

  hybrid_search: route(hybridBody, async (b, ctx) => {
    if (b.search.length === 0) throw invalidParameter('hybrid search needs at least one search request in search');
    const schema = await searchSchema(b.collectionName, ctx);
    const requests = b.search.map((sub, i) => {
      if (sub.data.length === 0)
        throw new RestError(
          RestCode.MissingRequiredParameters,
          `missing required parameters, error: search[${i}].data (the query vectors) is empty`,
        );
      if (sub.groupingField) throw invalidParameter('groupingField in a hybrid search is not supported by Mishards: use it in a search');
      const params = searchParams({
        ...sub,
        searchParams: {
          metricType: sub.metricType ?? sub.searchParams?.metricType,
          params: { ...sub.searchParams?.params, ...sub.params },
        },
        params: undefined,
      });
      return {
        collection_name: b.collectionName,
        placeholder_group: placeholderOf(schema, sub.annsField, sub.data),
        dsl: sub.filter ?? '',
        expr_template_values: templateValues(sub.exprParams),
        search_params: params,
        nq: String(sub.data.length),
      };
    });
    const rerank = b.rerank ?? { strategy: 'rrf' };
    const res = await ctx.coordinator.hybridSearch(
      {
        db_name: ctx.call.database,
        collection_name: b.collectionName,
        requests,
        rank_params: [
          { key: 'strategy', value: rerank.strategy ?? 'rrf' },
          { key: 'params', value: JSON.stringify(rerank.params ?? {}) },
          { key: 'limit', value: String(b.limit ?? DEFAULT_LIMIT) },
          { key: 'offset', value: String(b.offset ?? 0) },
          { key: 'round_decimal', value: '-1' },
        ],
        output_fields: b.outputFields ?? [],
        partition_names: b.partitionNames ?? [],
        ...consistency(b.consistencyLevel),
      },
      ctx.call,
    );
    return searchReply(res, ctx);
  }),
};
