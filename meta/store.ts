import type { CollectionSchema } from '../core/schema.js';

/**
 * The metadata store: databases, collections, partitions, indexes and segments. The writable node is
 * its only writer; coordinators and readers read it (and cache it). Two backends implement
 * this interface over one schema: SQLite (embedded default) and MySQL/MariaDB.
 */

/** The database every store has, as Milvus names and numbers it; it cannot be dropped. */
export const DEFAULT_DATABASE = 'default';
export const DEFAULT_DATABASE_ID = 1;

/** A Milvus database: a namespace of collections and aliases, with properties. */
export interface DatabaseRecord {
  id: number;
  name: string;
  properties: Record<string, string>;
  /** Creation time, unix milliseconds. */
  createdAt: number;
}

export interface CollectionRecord {
  id: number;
  /** The database the collection is in (DatabaseRecord.id); its name is unique there. */
  dbId: number;
  name: string;
  schema: CollectionSchema;
  shardsNum: number;
  /** Milvus ConsistencyLevel number (the table is milvus/consistency.ts). */
  consistencyLevel: number;
  properties: Record<string, string>;
  /**
   * Set by LoadCollection (Milvus's load type LoadCollection): partitions created from then on
   * start loaded. Cleared when the collection is released, or its last loaded partition. Which
   * partitions are loaded is PartitionRecord.loaded; the collection counts as loaded when any is.
   */
  loadNewPartitions: boolean;
  /** Creation time, unix milliseconds. */
  createdAt: number;
}

export interface PartitionRecord {
  id: number;
  collectionId: number;
  name: string;
  createdAt: number;
  /** Loaded: searches and queries cover it, and readers hold its sealed segments. */
  loaded: boolean;
}

/** A collection's whole load state, as setLoadState writes it. */
export interface LoadState {
  loadNewPartitions: boolean;
  /** The loaded partitions; every other partition of the collection is released. */
  loadedPartitionIds: number[];
}

export interface IndexRecord {
  id: number;
  collectionId: number;
  fieldName: string;
  indexName: string;
  /** FLAT, HNSW or AUTOINDEX (scalar index types may come later). */
  indexType: string;
  /** L2, IP or COSINE. */
  metricType: string;
  /** Build parameters as Milvus sends them (M, efConstruction, ...), strings. */
  params: Record<string, string>;
  createdAt: number;
}

/**
 * A collection alias (CreateAlias): another name for the collection, usable wherever its name
 * is in the collection's database (its `dbId`), where it is unique.
 */
export interface AliasRecord {
  dbId: number;
  name: string;
  collectionId: number;
  /** Creation time, unix milliseconds (kept when the alias is moved to another collection). */
  createdAt: number;
}

export type SegmentState = 'growing' | 'sealed' | 'indexed' | 'dropped';

export interface SegmentRecord {
  id: number;
  collectionId: number;
  partitionId: number;
  state: SegmentState;
  rowCount: number;
  /** Directory of the segment's files, relative to the shared storage root. */
  path: string;
  createdAt: number;
  /** When the segment was sealed, unix ms; null while growing. */
  sealedAt: number | null;
  /**
   * Set once a compaction has replaced this segment by the one named: it is retiring (still
   * held for readers that serve it) until the writer drops it. Never set by addSegment.
   */
  compactedInto?: number;
  /**
   * The reader group the segment was placed on in the last recorded placement: the anchor the
   * router keeps it on. Absent for a segment never placed. Never set by addSegment.
   */
  placedGroup?: string;
}

/** One segment's placement, as setPlacedGroups records it. */
export interface PlacedGroup {
  segmentId: number;
  group: string;
}

/** A user (CreateCredential): the password only as a salted scrypt hash (security/passwords.ts). */
export interface UserRecord {
  name: string;
  passwordHash: string;
  /** Creation time, unix milliseconds. */
  createdAt: number;
}

/**
 * A privilege a role holds on an object (OperatePrivilege), in Milvus's metastore terms:
 * objectType Collection, Global or User; objectName a name or `*`; privilege a metastore
 * name (`PrivilegeSearch`, `PrivilegeGroupReadOnly`) or `*`; grantor the user who granted it.
 */
export interface GrantRecord {
  role: string;
  objectType: string;
  objectName: string;
  dbName: string;
  privilege: string;
  grantor: string;
}

/** Users, roles, who is in which role and what each role is granted: the whole RBAC state. */
export interface SecurityRecords {
  users: UserRecord[];
  roles: string[];
  memberships: { user: string; role: string }[];
  grants: GrantRecord[];
}

export interface MetaStore {
  /** Creates the tables if they do not exist, and the default database. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;

  /** Fails with MetaConflictError, creating nothing, if the name is taken. */
  createDatabase(d: Omit<DatabaseRecord, 'id'>): Promise<DatabaseRecord>;
  /** Every database, the default one included, ordered by id. */
  listDatabases(): Promise<DatabaseRecord[]>;
  setDatabaseProperties(id: number, properties: Record<string, string>): Promise<void>;
  /** Fails with MetaConflictError, changing nothing, while the database holds a collection. */
  dropDatabase(id: number): Promise<void>;

  /**
   * Creates the collection and its first partitions (`_default`, or a partition-key
   * collection's `_default_<i>`) atomically, each loaded if `loadNewPartitions` is set. Fails
   * if the name is taken.
   */
  createCollection(c: Omit<CollectionRecord, 'id'>, partitionNames: readonly string[]): Promise<CollectionRecord>;
  getCollection(dbId: number, name: string): Promise<CollectionRecord | undefined>;
  getCollectionById(id: number): Promise<CollectionRecord | undefined>;
  listCollections(): Promise<CollectionRecord[]>;
  /** Replaces a collection's load state (its flag and every partition's) in one transaction. */
  setLoadState(collectionId: number, state: LoadState): Promise<void>;
  setCollectionProperties(id: number, properties: Record<string, string>): Promise<void>;
  /** Replaces the schema (AddCollectionField: Mishards only ever adds fields). */
  setCollectionSchema(id: number, schema: CollectionSchema): Promise<void>;
  /**
   * Renames a collection, possibly into another database (`dbId`); `schema` is its schema under
   * the new name. Fails with MetaConflictError, changing nothing, if another collection of that
   * database has the name.
   */
  renameCollection(id: number, dbId: number, name: string, schema: CollectionSchema): Promise<void>;
  /** Removes the collection with its partitions, indexes and segment records. */
  dropCollection(id: number): Promise<void>;

  /** Creates a partition, released unless `loaded`. */
  createPartition(collectionId: number, name: string, loaded?: boolean): Promise<PartitionRecord>;
  listPartitions(collectionId: number): Promise<PartitionRecord[]>;
  /** Removes the partition and its segment records. */
  dropPartition(partitionId: number): Promise<void>;
  /**
   * TruncateCollection, in one transaction: every partition of the collection is replaced by a
   * new, empty one (a new id) of the same name, creation time and load state, so the old ones'
   * segment records go with them. Resolves to the new partitions, in the old ones' order.
   */
  replacePartitions(collectionId: number): Promise<PartitionRecord[]>;

  /** Fails with MetaConflictError if the alias exists in its database, MetaNotFoundError if the collection does not. */
  createAlias(alias: AliasRecord): Promise<void>;
  /** Points an alias of a database at another collection (MetaNotFoundError if that one does not exist). */
  alterAlias(dbId: number, name: string, collectionId: number): Promise<void>;
  dropAlias(dbId: number, name: string): Promise<void>;
  /** Every alias, ordered by database and name. Dropping a collection drops its aliases. */
  listAliases(): Promise<AliasRecord[]>;

  createIndex(i: Omit<IndexRecord, 'id'>): Promise<IndexRecord>;
  listIndexes(collectionId: number): Promise<IndexRecord[]>;
  dropIndex(indexId: number): Promise<void>;

  addSegment(s: SegmentRecord): Promise<void>;
  updateSegment(id: number, patch: Partial<Pick<SegmentRecord, 'state' | 'rowCount' | 'sealedAt'>>): Promise<void>;
  getSegment(id: number): Promise<SegmentRecord | undefined>;
  /** Segments of a collection, excluding dropped ones, ordered by id. */
  listSegments(collectionId: number): Promise<SegmentRecord[]>;
  deleteSegment(id: number): Promise<void>;
  /**
   * A compaction's commit, in one transaction: adds `target` and marks every source as
   * compacted into it. Fails with MetaConflictError, changing nothing, unless every source is
   * a live segment of the target's partition not compacted already.
   */
  compactSegments(target: SegmentRecord, sourceIds: number[]): Promise<void>;
  /** Records the groups segments were placed on, in one transaction; ids without a record are skipped. */
  setPlacedGroups(placements: PlacedGroup[]): Promise<void>;

  /** Everything RBAC, as the writer loads it when it opens. */
  loadSecurity(): Promise<SecurityRecords>;
  /** Fails with MetaConflictError if the user exists. */
  createUser(user: UserRecord): Promise<void>;
  setPasswordHash(user: string, passwordHash: string): Promise<void>;
  /** Removes the user and its role memberships. */
  dropUser(user: string): Promise<void>;
  /** Fails with MetaConflictError if the role exists. */
  createRole(role: string, createdAt: number): Promise<void>;
  /** Removes the role, its memberships and its grants. */
  dropRole(role: string): Promise<void>;
  /** Puts the user in the role or takes it out; idempotent. MetaNotFoundError if either is missing. */
  setMembership(user: string, role: string, member: boolean): Promise<void>;
  /** Grants or revokes; idempotent. MetaNotFoundError if the role is missing. */
  setGrant(grant: GrantRecord, granted: boolean): Promise<void>;

  /**
   * Reserves `count` consecutive ids from the named persistent counter and returns the
   * first. Ids are never handed out twice, even across restarts and backends.
   */
  allocateIds(counter: string, count: number): Promise<number>;
}
