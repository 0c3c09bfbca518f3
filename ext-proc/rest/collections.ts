import { z } from 'zod';
import { FieldSchemaMessage } from '../../milvus/proto.js';
import { invalidParameter } from '../../milvus/status.js';
import { createIndexes, indexParam } from './indexes.js';
import { RestCode, RestError } from './reply.js';
import { base, collectionBody, consistency, name, properties, propertyPairs } from './requests.js';
import { relay, route, rowCount, type RestContext, type Route } from './route.js';
import { describeField, encodeSchema, fieldBody, restField, schemaBody, type MilvusField } from './schema.js';

/** `/v2/vectordb/collections/*`, translated onto the writable node's collection calls. */

/** Quick-create defaults of Milvus's REST API. */
const QUICK = { primaryField: 'id', vectorField: 'vector', metricType: 'COSINE' };

const createBody = collectionBody.extend({
  dimension: z.number().int().optional(),
  metricType: z.string().optional(),
  idType: z.string().optional(),
  autoID: z.boolean().optional(),
  primaryFieldName: z.string().optional(),
  vectorFieldName: z.string().optional(),
  description: z.string().optional(),
  schema: schemaBody.optional(),
  indexParams: z.array(indexParam).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

type CreateBody = z.infer<typeof createBody>;

const flag = (v: unknown, what: string): boolean | undefined => {
  if (v === undefined || typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw invalidParameter(`params.${what} must be a boolean, got ${JSON.stringify(v)}`);
};

/** Partitions of a partition-key collection created over REST without `params.partitionsNum` (Milvus's REST handler). */
const REST_PARTITION_KEY_PARTITIONS = 64;

/**
 * The `num_partitions` of a REST create, as Milvus's handler sets it: with a partition key
 * field, `params.partitionsNum` when it reads as an integer (else 64), sent only when
 * positive (the server's default of 16 applies otherwise); without one, none.
 */
function numPartitions(fields: MilvusField[], requested: unknown): number {
  if (!fields.some((f) => f.is_partition_key)) return 0;
  const n = typeof requested === 'number' || (typeof requested === 'string' && /^[+-]?\d+$/.test(requested)) ? Number(requested) : NaN;
  const partitions = Number.isSafeInteger(n) ? n : REST_PARTITION_KEY_PARTITIONS;
  return Math.max(partitions, 0);
}

/** The two fields of a quick create (`dimension`): a key and a float vector. */
function quickFields(b: CreateBody): MilvusField[] {
  if (!b.dimension) throw invalidParameter('dimension is required for quickly create collection (default metric type: COSINE)');
  const idType = b.idType ?? '';
  let key: MilvusField;
  if (idType === '' || idType === 'Int64' || idType === 'int64') {
    key = { name: b.primaryFieldName || QUICK.primaryField, data_type: 'Int64', is_primary_key: true, autoID: Boolean(b.autoID) };
  } else if (idType === 'VarChar' || idType === 'Varchar') {
    const maxLength = b.params?.max_length;
    if (maxLength === undefined) throw invalidParameter('params.max_length is required for a VarChar primary key');
    key = {
      name: b.primaryFieldName || QUICK.primaryField,
      data_type: 'VarChar',
      is_primary_key: true,
      autoID: Boolean(b.autoID),
      type_params: [{ key: 'max_length', value: String(maxLength) }],
    };
  } else {
    throw invalidParameter(`idType can only be [Int64, VarChar], default: Int64, got ${idType}`);
  }
  const vector: MilvusField = {
    name: b.vectorFieldName || QUICK.vectorField,
    data_type: 'FloatVector',
    type_params: [{ key: 'dim', value: String(b.dimension) }],
  };
  return [key, vector];
}

/**
 * Create as Milvus's REST API does: a quick create (`dimension`) also indexes the vector
 * (AUTOINDEX, COSINE by default) and loads; a full `schema` does so when `indexParams` are given.
 */
async function create(b: CreateBody, ctx: RestContext): Promise<void> {
  const full = Boolean(b.schema?.fields?.length);
  const fields = full ? b.schema!.fields!.map((f) => restField(f, Boolean(b.schema!.autoID))) : quickFields(b);
  const dynamic = full ? Boolean(b.schema!.enableDynamicField) : (flag(b.params?.enableDynamicField, 'enableDynamicField') ?? true);
  const vectorField = fields.find((f) => f.data_type === 'FloatVector')?.name ?? QUICK.vectorField;
  const indexes = full
    ? (b.indexParams ?? [])
    : [{ fieldName: vectorField, indexName: vectorField, metricType: b.metricType || QUICK.metricType }];
  // Checked before creating anything, so a bad index leaves no collection behind.
  const unknown = indexes.find((p) => !fields.some((f) => f.name === p.fieldName));
  if (unknown)
    throw new RestError(
      RestCode.MissingRequiredParameters,
      `missing required parameters, error: \`${unknown.fieldName}\` hasn't defined in schema`,
    );
  const level = b.params?.consistencyLevel;
  const shards = Number(b.params?.shardsNum ?? 1);
  await ctx.writer.call(
    'CreateCollection',
    {
      collection_name: b.collectionName,
      schema: encodeSchema(b.collectionName, fields, dynamic, b.description),
      shards_num: Number.isInteger(shards) && shards > 0 ? shards : 1,
      num_partitions: numPartitions(fields, b.params?.partitionsNum),
      consistency_level: level === undefined ? 'Bounded' : consistency(String(level)).consistency_level,
      properties: [],
    },
    ctx.call,
  );
  if (indexes.length === 0) return;
  await createIndexes(b.collectionName, indexes, ctx);
  await ctx.writer.call('LoadCollection', { collection_name: b.collectionName }, ctx.call);
}

const request = (b: { collectionName: string }) => ({ collection_name: b.collectionName });

/** The collection's load state, or with `partitionNames` theirs (loaded only if all are). */
async function loadState(b: { collectionName: string; partitionNames?: string[] }, ctx: RestContext): Promise<Record<string, unknown>> {
  const scoped = { ...request(b), partition_names: b.partitionNames ?? [] };
  const { state } = await ctx.writer.call('GetLoadState', scoped, ctx.call);
  if (state === 'LoadStateNotLoad') return { loadState: state };
  const { progress } = await ctx.writer.call('GetLoadingProgress', scoped, ctx.call);
  return { loadState: Number(progress) >= 100 ? 'LoadStateLoaded' : 'LoadStateLoading', loadProgress: Number(progress) };
}

async function describe(b: { collectionName: string }, ctx: RestContext): Promise<Record<string, unknown>> {
  const c = await ctx.writer.call('DescribeCollection', request(b), ctx.call);
  // The writer describes every collection it has with its schema.
  const schema = c.schema!;
  const pk = schema.fields.find((f) => f.is_primary_key);
  // As in Milvus, load state and indexes are best effort: a collection without an index describes fine.
  const [state, index] = await Promise.allSettled([
    ctx.writer.call('GetLoadState', request(b), ctx.call),
    ctx.writer.call('DescribeIndex', request(b), ctx.call),
  ]);
  const indexes = index.status === 'fulfilled' ? index.value.index_descriptions : [];
  return {
    collectionName: c.collection_name,
    collectionID: BigInt(c.collectionID),
    description: schema.description,
    autoId: Boolean(pk?.autoID),
    fields: schema.fields.map(describeField),
    functions: [],
    aliases: c.aliases,
    indexes: indexes.map((d) => ({
      fieldName: d.field_name,
      indexName: d.index_name,
      metricType: d.params.find((p) => p.key === 'metric_type')?.value ?? '',
    })),
    load: state.status === 'fulfilled' ? state.value.state : '',
    shardsNum: c.shards_num,
    partitionsNum: BigInt(c.num_partitions),
    consistencyLevel: c.consistency_level,
    enableDynamicField: schema.enable_dynamic_field,
    properties: c.properties,
  };
}

export const collectionRoutes: Record<string, Route> = {
  create: route(createBody, async (b, ctx) => {
    await create(b, ctx);
    return { data: {} };
  }),
  describe: route(collectionBody, async (b, ctx) => ({ data: await describe(b, ctx) })),
  has: route(collectionBody, async (b, ctx) => ({ data: { has: (await ctx.writer.call('HasCollection', request(b), ctx.call)).value } })),
  list: route(base, async (_b, ctx) => ({ data: (await ctx.writer.call('ShowCollections', {}, ctx.call)).collection_names })),
  drop: relay(collectionBody, 'DropCollection', request),
  get_stats: route(collectionBody, async (b, ctx) => rowCount(await ctx.writer.call('GetCollectionStatistics', request(b), ctx.call))),
  load: relay(collectionBody, 'LoadCollection', request),
  // Loaded segments are always current: a refresh is a load that finds nothing new.
  refresh_load: relay(collectionBody, 'LoadCollection', (b) => ({ ...request(b), refresh: true })),
  release: relay(collectionBody, 'ReleaseCollection', request),
  get_load_state: route(collectionBody.extend({ partitionNames: z.array(z.string()).optional() }), async (b, ctx) => ({
    data: await loadState(b, ctx),
  })),
  flush: relay(collectionBody, 'Flush', (b) => ({ collection_names: [b.collectionName] })),
  rename: relay(collectionBody.extend({ newCollectionName: name, newDbName: z.string().optional() }), 'RenameCollection', (b) => ({
    oldName: b.collectionName,
    newName: b.newCollectionName,
    newDBName: b.newDbName ?? '',
  })),
  truncate: relay(collectionBody, 'TruncateCollection', request),
  alter_properties: relay(collectionBody.extend({ properties }), 'AlterCollection', (b) => ({
    ...request(b),
    properties: propertyPairs(b.properties),
  })),
  drop_properties: relay(collectionBody.extend({ propertyKeys: z.array(z.string()) }), 'AlterCollection', (b) => ({
    ...request(b),
    delete_keys: b.propertyKeys,
  })),
  'fields/add': relay(collectionBody.extend({ schema: fieldBody }), 'AddCollectionField', (b) => ({
    ...request(b),
    schema: FieldSchemaMessage.encode(restField(b.schema, false)),
  })),
};
