import { z } from 'zod';
import { base, collectionBody, name } from './requests.js';
import { relay, route, type Route } from './route.js';

/** `/v2/vectordb/aliases/*`, onto the writable node's alias calls (Milvus's AliasReq, AliasCollectionReq). */

const aliasBody = base.extend({ aliasName: name });
const aliasCollectionBody = collectionBody.extend({ aliasName: name });
const onCollection = (b: z.infer<typeof aliasCollectionBody>) => ({ collection_name: b.collectionName, alias: b.aliasName });

export const aliasRoutes: Record<string, Route> = {
  create: relay(aliasCollectionBody, 'CreateAlias', onCollection),
  alter: relay(aliasCollectionBody, 'AlterAlias', onCollection),
  drop: relay(aliasBody, 'DropAlias', (b) => ({ alias: b.aliasName })),
  describe: route(aliasBody, async (b, ctx) => {
    const res = await ctx.writer.call('DescribeAlias', { alias: b.aliasName }, ctx.call);
    return { data: { dbName: res.db_name, collectionName: res.collection, aliasName: res.alias } };
  }),
  // Every alias, or with `collectionName` that collection's.
  list: route(base.extend({ collectionName: z.string().optional() }), async (b, ctx) => ({
    data: (await ctx.writer.call('ListAliases', { collection_name: b.collectionName ?? '' }, ctx.call)).aliases,
  })),
};
