import { z } from 'zod';
import { base, name, properties, propertyPairs } from './requests.js';
import { relay, route, type Route } from './route.js';

/**
 * `/v2/vectordb/databases/*`, onto the writable node's database calls, with the bodies and
 * answers of Milvus's REST handler: `dbName` (required but for list) names the database acted on.
 */

const databaseBody = base.extend({ dbName: name });
const withProperties = databaseBody.extend({ properties: properties.optional() });
const onDatabase = (b: { dbName: string }) => ({ db_name: b.dbName });
const alter = relay(withProperties, 'AlterDatabase', (b) => ({ ...onDatabase(b), properties: propertyPairs(b.properties ?? {}) }));

export const databaseRoutes: Record<string, Route> = {
  create: relay(withProperties, 'CreateDatabase', (b) => ({ ...onDatabase(b), properties: propertyPairs(b.properties ?? {}) })),
  drop: relay(databaseBody, 'DropDatabase', onDatabase),
  list: route(base, async (_b, ctx) => ({ data: (await ctx.writer.call('ListDatabases', {}, ctx.call)).db_names })),
  describe: route(databaseBody, async (b, ctx) => {
    const res = await ctx.writer.call('DescribeDatabase', onDatabase(b), ctx.call);
    return { data: { dbName: res.db_name, dbID: BigInt(res.dbID), properties: res.properties } };
  }),
  // Milvus serves both paths with one handler.
  alter,
  alter_properties: alter,
  drop_properties: relay(databaseBody.extend({ propertyKeys: z.array(z.string()).optional() }), 'AlterDatabase', (b) => ({
    ...onDatabase(b),
    delete_keys: b.propertyKeys ?? [],
  })),
};
