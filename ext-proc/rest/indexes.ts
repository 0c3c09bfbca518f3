import { z } from 'zod';
import { Code, MilvusError } from '../../milvus/status.js';
import { collectionBody, name } from './requests.js';
import { relay, route, type RestContext, type Route } from './route.js';

/** `/v2/vectordb/indexes/*`, each a relay of the matching index call to the writable node. */

export const indexParam = z.object({
  fieldName: name,
  indexName: z.string().optional(),
  metricType: z.string().optional(),
  indexType: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export type IndexParam = z.infer<typeof indexParam>;

/** An index's `extra_params`, built as Milvus builds them from REST's `indexParams`. */
function extraParams(p: IndexParam): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const indexType = p.indexType || p.params?.index_type;
  if (indexType) out.push({ key: 'index_type', value: String(indexType) });
  if (p.metricType) out.push({ key: 'metric_type', value: p.metricType });
  if (p.params && Object.keys(p.params).length) out.push({ key: 'params', value: JSON.stringify(p.params) });
  return out;
}

export async function createIndexes(collectionName: string, params: IndexParam[], ctx: RestContext): Promise<void> {
  for (const p of params) {
    await ctx.writer.call(
      'CreateIndex',
      {
        collection_name: collectionName,
        field_name: p.fieldName,
        index_name: p.indexName ?? '',
        extra_params: extraParams(p),
      },
      ctx.call,
    );
  }
}

const paramValue = (params: { key: string; value: string }[], key: string) => params.find((p) => p.key === key)?.value ?? '';

const indexBody = collectionBody.extend({ indexName: name });

export const indexRoutes: Record<string, Route> = {
  create: route(collectionBody.extend({ indexParams: z.array(indexParam) }), async (b, ctx) => {
    await createIndexes(b.collectionName, b.indexParams, ctx);
    return { data: {} };
  }),

  describe: route(indexBody, async (b, ctx) => {
    const res = await ctx.writer.call('DescribeIndex', { collection_name: b.collectionName, index_name: b.indexName }, ctx.call);
    return {
      data: res.index_descriptions.map((d) => ({
        indexName: d.index_name,
        fieldName: d.field_name,
        indexType: paramValue(d.params, 'index_type'),
        metricType: paramValue(d.params, 'metric_type'),
        totalRows: BigInt(d.total_rows),
        pendingRows: BigInt(d.pending_index_rows),
        indexedRows: BigInt(d.indexed_rows),
        indexState: d.state,
        failReason: d.index_state_fail_reason,
      })),
    };
  }),

  list: route(collectionBody, async (b, ctx) => {
    try {
      const res = await ctx.writer.call('DescribeIndex', { collection_name: b.collectionName }, ctx.call);
      return { data: res.index_descriptions.map((d) => d.index_name) };
    } catch (e) {
      // A collection without indexes lists none, as in Milvus.
      if (e instanceof MilvusError && e.code === Code.IndexNotFound) return { data: [] };
      throw e;
    }
  }),

  drop: relay(indexBody, 'DropIndex', (b) => ({ collection_name: b.collectionName, index_name: b.indexName })),
};
