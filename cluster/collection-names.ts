import type { CollectionView } from '../meta/collection-view.js';
import type { Names__Output } from '../proto/generated/mishards/data/Names.js';

/**
 * What a request's (database, name) stands for, as the metadata feed tells it: the databases
 * and their aliases (the feed's names), and the collection names of the views. Everything
 * downstream names a collection by id, which is unique across databases and kept through
 * renames. Names are Milvus names (letters, digits, underscores), so `id/name` keys are unique.
 */
export class CollectionNames {
  /** Database name -> id. */
  private databases = new Map<string, number>();
  /** `databaseId/alias` -> collection id. */
  private aliases = new Map<string, number>();
  /** `databaseId/name` -> collection id, kept in step with the views. */
  private readonly collections = new Map<string, number>();

  /** Takes the feed's databases and aliases, replacing the previous ones whole. */
  setNames(names: Names__Output): void {
    this.databases = new Map(names.databases.map((d) => [d.name, Number(d.id)]));
    this.aliases = new Map(names.aliases.map((a) => [`${a.database_id}/${a.alias}`, Number(a.collection_id)]));
  }

  /** Follows a collection's view from `before` to `after` (undefined: it does not exist). */
  viewChanged(before: CollectionView | undefined, after: CollectionView | undefined): void {
    if (before) {
      const key = keyOf(before);
      // A view renamed onto the name another dropped a moment ago may have taken the key already.
      if (this.collections.get(key) === before.record.id) this.collections.delete(key);
    }
    if (after) this.collections.set(keyOf(after), after.record.id);
  }

  /** Starts over from a snapshot's views. */
  reset(views: Iterable<CollectionView>): void {
    this.collections.clear();
    for (const v of views) this.viewChanged(undefined, v);
  }

  hasDatabase(name: string): boolean {
    return this.databases.has(name);
  }

  /** The collection id a name of a database stands for: an alias first, then a collection name, as Milvus resolves them. */
  resolve(database: string, name: string): number | undefined {
    return this.aliasTarget(database, name) ?? this.collectionId(database, name);
  }

  /** The collection id an alias of a database names, if `name` is one. */
  aliasTarget(database: string, name: string): number | undefined {
    const id = this.databases.get(database);
    return id === undefined ? undefined : this.aliases.get(`${id}/${name}`);
  }

  private collectionId(database: string, name: string): number | undefined {
    const id = this.databases.get(database);
    return id === undefined ? undefined : this.collections.get(`${id}/${name}`);
  }
}

const keyOf = (v: CollectionView) => `${v.record.dbId}/${v.record.name}`;
