import type { MetadataCache } from '../../cluster/metadata-cache.js';
import type { CollectionView } from '../../meta/collection-view.js';
import { collectionNotFound, databaseNotFound } from '../../milvus/status.js';

/**
 * The view of the collection a request names in its database (by name or alias), as the
 * writer would find it: an unknown database or collection is Milvus's not-found status.
 */
export function namedView(cache: MetadataCache, database: string, name: string): CollectionView {
  const view = cache.resolve(database, name);
  if (view) return view;
  if (!cache.hasDatabase(database)) throw databaseNotFound(database);
  throw collectionNotFound(name);
}
