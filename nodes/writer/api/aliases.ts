import { validateName } from '../../../milvus/names.js';
import { aliasAlreadyExists, aliasNameConflict, aliasNotFound, collectionNotFound, collectionNotFoundIn } from '../../../milvus/status.js';
import type { CollectionState } from '../collection-state.js';
import { DEFAULT_DB, type Handlers, type WriterApi } from './context.js';

/**
 * Aliases, with Milvus's rules (rootcoord's meta table) and messages: an alias is never a
 * collection's name; it names an existing collection by its name, not by another alias;
 * creating it again for the same collection, or moving it to where it is, changes nothing;
 * dropping one that does not exist succeeds (Milvus 2.5). Changes run one at a time with the
 * other changes of names (Writer.definitionChange), so their checks hold.
 */
export function aliasHandlers(api: WriterApi): Handlers<'CreateAlias' | 'AlterAlias' | 'DropAlias' | 'DescribeAlias' | 'ListAliases'> {
  const { writer } = api;
  const db = DEFAULT_DB.name;

  /** The collection an alias is to name: by its name only, which must not itself be the alias. */
  const target = (alias: string, collectionName: string, notFound: (name: string) => Error): CollectionState => {
    validateName('collection alias', alias);
    if (writer.collections.has(alias)) throw aliasNameConflict(db, alias);
    const c = writer.collections.get(collectionName);
    if (!c) throw notFound(collectionName);
    return c;
  };

  return {
    CreateAlias: (req) =>
      writer.definitionChange(async () => {
        const c = target(req.alias, req.collection_name, (name) => collectionNotFoundIn(db, name));
        const current = writer.aliases.get(req.alias);
        if (current === c) return {};
        if (current) throw aliasAlreadyExists(db, req.alias, current.record.name);
        await writer.createAlias(req.alias, c);
        return {};
      }),
    AlterAlias: (req) =>
      writer.definitionChange(async () => {
        const c = target(req.alias, req.collection_name, collectionNotFound);
        const current = writer.aliases.get(req.alias);
        if (!current) throw aliasNotFound(db, req.alias);
        if (current !== c) await writer.alterAlias(req.alias, c);
        return {};
      }),
    DropAlias: (req) =>
      writer.definitionChange(async () => {
        validateName('collection alias', req.alias);
        if (writer.aliases.has(req.alias)) await writer.dropAlias(req.alias);
        return {};
      }),
    async DescribeAlias(req) {
      validateName('collection alias', req.alias);
      const c = writer.aliases.get(req.alias);
      if (!c) throw aliasNotFound(db, req.alias);
      return { db_name: db, alias: req.alias, collection: c.record.name };
    },
    async ListAliases(req) {
      // One collection's aliases (named by its name), or every alias of the database.
      if (!req.collection_name) return { db_name: db, collection_name: '', aliases: [...writer.aliases.keys()].sort() };
      const c = writer.collections.get(req.collection_name);
      if (!c) throw collectionNotFound(req.collection_name);
      return { db_name: db, collection_name: req.collection_name, aliases: writer.aliasesOf(c) };
    },
  };
}
