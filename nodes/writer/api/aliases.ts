import { validateName } from '../../../milvus/names.js';
import { aliasAlreadyExists, aliasNameConflict, aliasNotFound, collectionNotFound, collectionNotFoundIn } from '../../../milvus/status.js';
import type { CollectionState } from '../collection-state.js';
import type { DatabaseState } from '../database-state.js';
import type { Handlers, WriterApi } from './context.js';

/**
 * Aliases, with Milvus's rules (rootcoord's meta table) and messages, each database with its
 * own: an alias is never a collection's name; it names an existing collection of its database
 * by its name, not by another alias; creating it again for the same collection, or moving it
 * to where it is, changes nothing; dropping one that does not exist succeeds (Milvus 2.5).
 * Changes run one at a time with the other changes of names (Writer.definitionChange), so
 * their checks hold.
 */
export function aliasHandlers(api: WriterApi): Handlers<'CreateAlias' | 'AlterAlias' | 'DropAlias' | 'DescribeAlias' | 'ListAliases'> {
  const { writer } = api;

  /** The collection an alias of `db` is to name: by its name only, which must not itself be the alias. */
  const target = (db: DatabaseState, alias: string, collectionName: string, notFound: (name: string) => Error): CollectionState => {
    if (db.collections.has(alias)) throw aliasNameConflict(db.name, alias);
    const c = db.collections.get(collectionName);
    if (!c) throw notFound(collectionName);
    return c;
  };
  /** The request's alias checked (the collection name was, at the edge: milvus/names.ts), then its database. */
  const database = (req: { db_name: string; alias: string }): DatabaseState => {
    validateName('collection alias', req.alias);
    return api.database(req.db_name);
  };

  return {
    CreateAlias: (req) =>
      writer.definitionChange(async () => {
        const db = database(req);
        const c = target(db, req.alias, req.collection_name, (name) => collectionNotFoundIn(db.name, name));
        const current = db.aliases.get(req.alias);
        if (current === c) return {};
        if (current) throw aliasAlreadyExists(db.name, req.alias, current.record.name);
        await writer.createAlias(req.alias, c);
        return {};
      }),
    AlterAlias: (req) =>
      writer.definitionChange(async () => {
        const db = database(req);
        const c = target(db, req.alias, req.collection_name, collectionNotFound);
        const current = db.aliases.get(req.alias);
        if (!current) throw aliasNotFound(db.name, req.alias);
        if (current !== c) await writer.alterAlias(req.alias, c);
        return {};
      }),
    DropAlias: (req) =>
      writer.definitionChange(async () => {
        validateName('collection alias', req.alias);
        const db = api.database(req.db_name);
        if (db.aliases.has(req.alias)) await writer.dropAlias(db, req.alias);
        return {};
      }),
    async DescribeAlias(req) {
      validateName('collection alias', req.alias);
      const db = api.database(req.db_name);
      const c = db.aliases.get(req.alias);
      if (!c) throw aliasNotFound(db.name, req.alias);
      return { db_name: db.name, alias: req.alias, collection: c.record.name };
    },
    async ListAliases(req) {
      // One collection's aliases (named by its name), or every alias of the database.
      const db = api.database(req.db_name);
      if (!req.collection_name) return { db_name: db.name, collection_name: '', aliases: [...db.aliases.keys()].sort() };
      const c = db.collections.get(req.collection_name);
      if (!c) throw collectionNotFound(req.collection_name);
      return { db_name: db.name, collection_name: req.collection_name, aliases: db.aliasesOf(c) };
    },
  };
}
