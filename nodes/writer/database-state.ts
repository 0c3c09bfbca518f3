import type { DatabaseRecord } from '../../meta/store.js';
import type { CollectionState } from './collection-state.js';

/**
 * What the writable node holds for one database: its record and the names in it. Collection
 * names and aliases are unique within a database, and an alias names a collection of its own
 * database.
 */
export class DatabaseState {
  /** Collections by name. */
  readonly collections = new Map<string, CollectionState>();
  /** Aliases (CreateAlias), each to the collection it names: the same state through a rename. */
  readonly aliases = new Map<string, CollectionState>();

  constructor(public record: DatabaseRecord) {}

  get id(): number {
    return this.record.id;
  }

  get name(): string {
    return this.record.name;
  }

  /**
   * The collection a request's name stands for: an alias first, then a collection name, in the
   * order Milvus resolves them (a name is never both).
   */
  resolve(name: string): CollectionState | undefined {
    return this.aliases.get(name) ?? this.collections.get(name);
  }

  /** The aliases of a collection, by name. */
  aliasesOf(state: CollectionState): string[] {
    return [...this.aliases]
      .filter(([, s]) => s === state)
      .map(([alias]) => alias)
      .sort();
  }
}
