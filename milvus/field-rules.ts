/**
 * What Mishards does with every field of every Milvus request it implements, and with the
 * fields of the messages those requests carry (a collection's schema, a hybrid search's
 * sub-searches) and the keys of their key-value parameters. Nothing is silently ignored:
 *
 * - `handled`: the field does what Milvus documents;
 * - `ignored`: accepted with no effect, because that is right for Mishards too (Milvus's own
 *   proxy overwrites or ignores it, or what it asks for always holds here); `why` says which;
 * - `refused`: set to anything but its default (or a value `accepts` lets through), the
 *   request fails with a parameter error naming the field and `why`.
 *
 * `milvus/field-guard.ts` enforces the refusals; `test/milvus/field-audit.unit.test.ts` walks
 * the Milvus protocol and fails when a field of an implemented request is in neither list;
 * `docs/compatibility.md` is generated from these tables (`npm run gen:compat`).
 */
export type FieldRule =
  | { readonly kind: 'handled'; readonly note?: string }
  | { readonly kind: 'ignored'; readonly why: string }
  | {
      readonly kind: 'refused';
      readonly why: string;
      /** Values accepted although not the default (e.g. the only resource group there is). */
      readonly accepts?: (value: unknown) => boolean;
    }
  | {
      /** A message (or bytes carrying one, or key-value pairs) whose own fields or keys have a table of their own. */
      readonly kind: 'nested';
      readonly table: NestedTable;
    };

/** The tables of carried messages and key-value parameters, by name (see NESTED_FIELDS). */
export type NestedTable = 'CollectionSchema' | 'FieldSchema' | 'type_params' | 'search_params' | 'query_params' | 'HybridSearch.requests';

export type FieldRules = Readonly<Record<string, FieldRule>>;

export const handled = (note?: string): FieldRule => (note === undefined ? { kind: 'handled' } : { kind: 'handled', note });
export const ignored = (why: string): FieldRule => ({ kind: 'ignored', why });
export const refused = (why: string, accepts?: (value: unknown) => boolean): FieldRule =>
  accepts ? { kind: 'refused', why, accepts } : { kind: 'refused', why };
const nested = (table: NestedTable): FieldRule => ({ kind: 'nested', table });

const BASE = ignored("the message header (type, id, timestamp, source): Milvus's proxy replaces it with its own");
const DATABASE = handled(
  'the database the request works in; empty: the one the client names in its `dbname` metadata (useDatabase), else `default` (docs/databases.md)',
);
const DATABASE_PROPERTIES = handled('database.max.collections enforced; every other key kept and reported (docs/databases.md)');
const NAME = handled();
const METADATA_TIME_TRAVEL = refused('metadata as of a past timestamp is not kept: leave it 0 for the current state');
const TRAVEL_TIMESTAMP = ignored('time travel was removed in Milvus 2.3, whose proxy ignores this field too');
const NAMESPACE = refused('namespaces (Milvus 2.6) are not supported');
const HASH_KEYS = ignored("row hashes for Milvus's shard channels, which its proxy computes itself; a Mishards collection has one shard");
const GUARANTEE = handled(
  "an iterator's snapshot (its pages read as of it); otherwise a read point for Session and Customized consistency, which " +
    "Mishards always meets (Strong, Session and Customized include the writer's acknowledged rows)",
);
const NOT_RETURN_ALL_META = ignored(
  "asks Milvus to leave optional metadata out of the reply; Mishards's replies carry none beyond the results",
);
const CONSISTENCY = handled('Strong, Session, Bounded, Eventually, Customized (docs/coordinator.md)');
const FUNCTION_SCORES = refused('function scores (rerank functions) are not supported');
const FUNCTION_CHAINS = refused('function chains are not supported');
const ONLY_ONE_REPLICA_SET = refused(
  'replicas are reader groups and their replicas, set when the cluster is deployed, not per load',
  (v) => v === 0 || v === 1 || v === '0' || v === '1',
);
const DEFAULT_RESOURCE_GROUP = '__default_resource_group';
const RESOURCE_GROUPS = refused(
  `only ${DEFAULT_RESOURCE_GROUP} exists`,
  (v) => Array.isArray(v) && v.every((g) => g === DEFAULT_RESOURCE_GROUP),
);
const LOAD_FIELDS = refused('every field of a collection is loaded: partial load is not supported');
const SKIP_DYNAMIC = refused('the dynamic field is always loaded');
const LOAD_PARAMS = refused('load parameters are not supported');
const REFRESH = handled('loaded segments are always current, so a refresh has nothing to reload');
const PARTITION_NAMES = handled();
const CLIENT_TIMESTAMP = ignored("a client's clock, which Milvus ignores too: the server stamps users itself");
const USER_DESCRIPTION = refused('user descriptions (Milvus 2.6) are not kept');

const search = {
  base: BASE,
  db_name: DATABASE,
  collection_name: NAME,
  partition_names: PARTITION_NAMES,
  dsl: handled('the filter expression'),
  placeholder_group: handled(),
  ids: refused('search by primary keys is not supported: send the vectors'),
  dsl_type: ignored('Milvus accepts only boolean expressions (BoolExprV1) and reads dsl as one whatever this says'),
  output_fields: handled(),
  search_params: nested('search_params'),
  travel_timestamp: TRAVEL_TIMESTAMP,
  guarantee_timestamp: GUARANTEE,
  nq: handled('checked against the vectors sent'),
  not_return_all_meta: NOT_RETURN_ALL_META,
  consistency_level: CONSISTENCY,
  use_default_consistency: handled(),
  search_by_primary_keys: refused('search by primary keys is not supported: send the vectors'),
  sub_reqs: refused('sub-requests inside Search are not supported: use HybridSearch'),
  expr_template_values: handled(),
  function_score: FUNCTION_SCORES,
  namespace: NAMESPACE,
  highlighter: refused('highlighting needs full-text search, which is not supported'),
  search_aggregation: refused('search aggregations are not supported'),
  function_chains: FUNCTION_CHAINS,
} satisfies FieldRules;

const loadFields = {
  replica_number: ONLY_ONE_REPLICA_SET,
  resource_groups: RESOURCE_GROUPS,
  refresh: REFRESH,
  load_fields: LOAD_FIELDS,
  skip_load_dynamic_field: SKIP_DYNAMIC,
  load_params: LOAD_PARAMS,
} satisfies FieldRules;

const insert = {
  base: BASE,
  db_name: DATABASE,
  collection_name: NAME,
  partition_name: handled(),
  fields_data: handled("columns of the schema's types; a column that does not match its field is refused"),
  hash_keys: HASH_KEYS,
  num_rows: handled('checked against the columns'),
  schema_timestamp: ignored(
    'Milvus refuses writes from a client that read the schema before it last changed; Mishards accepts them, filling the fields added since (nullable or defaulted, the only change a schema can have) with null or their default',
  ),
  namespace: NAMESPACE,
} satisfies FieldRules;

/** Every field of every implemented method's request, by method. */
export const METHOD_FIELDS = {
  CreateCollection: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    schema: nested('CollectionSchema'),
    shards_num: handled('kept and reported; a Mishards collection is served as one shard'),
    consistency_level: CONSISTENCY,
    properties: handled('kept and reported'),
    num_partitions: handled('with a partition key: the partitions rows are hashed to (default 16, at most 1024); refused without one'),
  },
  DropCollection: { base: BASE, db_name: DATABASE, collection_name: NAME },
  HasCollection: { base: BASE, db_name: DATABASE, collection_name: NAME, time_stamp: METADATA_TIME_TRAVEL },
  LoadCollection: { base: BASE, db_name: DATABASE, collection_name: NAME, ...loadFields },
  ReleaseCollection: { base: BASE, db_name: DATABASE, collection_name: NAME },
  DescribeCollection: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    collectionID: refused('describe a collection by its name'),
    time_stamp: METADATA_TIME_TRAVEL,
  },
  BatchDescribeCollection: { db_name: DATABASE, collection_name: NAME, collectionID: handled() },
  GetCollectionStatistics: { base: BASE, db_name: DATABASE, collection_name: NAME },
  ShowCollections: {
    base: BASE,
    db_name: DATABASE,
    time_stamp: METADATA_TIME_TRAVEL,
    type: handled('All, or InMemory for loaded collections'),
    collection_names: handled('with InMemory, the named collections only (each must exist), as Milvus answers'),
  },
  CreatePartition: { base: BASE, db_name: DATABASE, collection_name: NAME, partition_name: NAME },
  DropPartition: { base: BASE, db_name: DATABASE, collection_name: NAME, partition_name: NAME },
  HasPartition: { base: BASE, db_name: DATABASE, collection_name: NAME, partition_name: NAME },
  LoadPartitions: { base: BASE, db_name: DATABASE, collection_name: NAME, partition_names: PARTITION_NAMES, ...loadFields },
  ReleasePartitions: { base: BASE, db_name: DATABASE, collection_name: NAME, partition_names: PARTITION_NAMES },
  GetPartitionStatistics: { base: BASE, db_name: DATABASE, collection_name: NAME, partition_name: NAME },
  ShowPartitions: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    collectionID: refused('list the partitions of a collection by its name'),
    partition_names: handled(),
    type: handled('All, or InMemory for loaded partitions'),
  },
  GetLoadingProgress: { base: BASE, collection_name: NAME, partition_names: PARTITION_NAMES, db_name: DATABASE },
  GetLoadState: { base: BASE, collection_name: NAME, partition_names: PARTITION_NAMES, db_name: DATABASE },
  ListAliases: { base: BASE, db_name: DATABASE, collection_name: NAME },
  CreateIndex: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    field_name: handled(),
    extra_params: handled('index_type, metric_type and the index parameters, validated per index type'),
    index_name: handled(),
  },
  DescribeIndex: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    field_name: handled(),
    index_name: handled(),
    timestamp: METADATA_TIME_TRAVEL,
  },
  GetIndexStatistics: { base: BASE, db_name: DATABASE, collection_name: NAME, index_name: handled(), timestamp: METADATA_TIME_TRAVEL },
  GetIndexState: { base: BASE, db_name: DATABASE, collection_name: NAME, field_name: handled(), index_name: handled() },
  GetIndexBuildProgress: { base: BASE, db_name: DATABASE, collection_name: NAME, field_name: handled(), index_name: handled() },
  DropIndex: { base: BASE, db_name: DATABASE, collection_name: NAME, field_name: handled(), index_name: handled() },
  Insert: insert,
  Upsert: {
    ...insert,
    partial_update: refused('partial updates are not supported: upsert whole rows'),
    field_ops: refused('field operations in upserts are not supported: upsert whole rows'),
  },
  Delete: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    partition_name: handled(),
    expr: handled(),
    hash_keys: HASH_KEYS,
    consistency_level: ignored(
      'the writer finds the rows to delete in its own data, which holds every acknowledged write: Strong, whatever the level',
    ),
    expr_template_values: handled(),
    namespace: NAMESPACE,
  },
  Search: search,
  HybridSearch: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    partition_names: PARTITION_NAMES,
    requests: nested('HybridSearch.requests'),
    rank_params: handled('strategy (rrf, weighted), its params, limit, offset, round_decimal'),
    travel_timestamp: TRAVEL_TIMESTAMP,
    guarantee_timestamp: GUARANTEE,
    not_return_all_meta: NOT_RETURN_ALL_META,
    output_fields: handled(),
    consistency_level: CONSISTENCY,
    use_default_consistency: handled(),
    function_score: FUNCTION_SCORES,
    namespace: NAMESPACE,
    function_chains: FUNCTION_CHAINS,
  },
  Flush: { base: BASE, db_name: DATABASE, collection_names: handled() },
  Query: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    expr: handled(),
    output_fields: handled(),
    partition_names: PARTITION_NAMES,
    travel_timestamp: TRAVEL_TIMESTAMP,
    guarantee_timestamp: GUARANTEE,
    query_params: nested('query_params'),
    not_return_all_meta: NOT_RETURN_ALL_META,
    consistency_level: CONSISTENCY,
    use_default_consistency: handled(),
    expr_template_values: handled(),
    namespace: NAMESPACE,
  },
  FlushAll: {
    base: BASE,
    db_name: handled("that database's collections; empty: every database's"),
    flush_targets: handled('the collections named in each target, in its database'),
  },
  GetFlushState: {
    segmentIDs: handled(),
    flush_ts: ignored('Flush answers once its segments are persisted, so the segments alone say whether it is done'),
    db_name: ignored('the segment ids name what to check'),
    collection_name: ignored('the segment ids name what to check'),
  },
  GetFlushAllState: {
    base: BASE,
    flush_all_ts: handled(),
    db_name: ignored('every collection of every database is checked against the timestamp'),
    flush_targets: ignored('every collection is checked against the timestamp'),
    flush_all_tss: handled(),
  },
  GetPersistentSegmentInfo: { base: BASE, dbName: DATABASE, collectionName: NAME },
  GetQuerySegmentInfo: { base: BASE, dbName: DATABASE, collectionName: NAME },
  GetMetrics: { base: BASE, request: handled('metric_type system_info') },
  GetCompactionState: { compactionID: handled() },
  ManualCompaction: {
    collectionID: handled('used when collection_name is empty'),
    timetravel: ignored('time travel was removed in Milvus 2.3'),
    majorCompaction: refused('major (clustering) compaction needs a clustering key field, which is not supported'),
    collection_name: NAME,
    db_name: DATABASE,
    partition_id: handled(),
    channel: refused('a Mishards collection has one shard: compact by collection, partition or segments'),
    segment_ids: handled(),
    l0Compaction: handled('deletes are kept with the segments they hit, never in L0 segments: nothing to compact'),
    target_size: refused("the target size is the writer's --segment-size"),
  },
  GetCompactionStateWithPlans: { compactionID: handled() },
  GetVersion: {},
  CheckHealth: {},
  RunAnalyzer: {
    base: BASE,
    analyzer_params: handled("as a field's analyzer_params (docs/full-text.md)"),
    placeholder: handled('the texts, UTF-8'),
    with_detail: handled('offsets and positions'),
    with_hash: handled("each token's term hash, the index a BM25 output gives it"),
    db_name: DATABASE,
    collection_name: handled("with field_name: the field's analyzer instead of analyzer_params"),
    field_name: handled(),
    analyzer_names: refused('multi-language analyzers are not supported'),
  },
  ListResourceGroups: { base: BASE },
  DescribeResourceGroup: { base: BASE, resource_group: handled() },
  Connect: { base: BASE, client_info: ignored("the client's self-description, which Milvus only logs") },
  ListDatabases: { base: BASE },
  DescribeDatabase: { base: BASE, db_name: handled('empty: the default database, as Milvus answers') },
  CreateDatabase: { base: BASE, db_name: handled(), properties: DATABASE_PROPERTIES },
  DropDatabase: { base: BASE, db_name: handled() },
  AlterDatabase: {
    base: BASE,
    db_name: handled(),
    db_id: ignored("Milvus's rootcoord looks the database up by its name"),
    properties: DATABASE_PROPERTIES,
    delete_keys: handled(),
  },
  CreateAlias: { base: BASE, db_name: DATABASE, collection_name: NAME, alias: handled() },
  AlterAlias: { base: BASE, db_name: DATABASE, collection_name: NAME, alias: handled() },
  DropAlias: { base: BASE, db_name: DATABASE, alias: handled() },
  DescribeAlias: { base: BASE, db_name: DATABASE, alias: handled() },
  RenameCollection: {
    base: BASE,
    db_name: DATABASE,
    oldName: NAME,
    newName: NAME,
    newDBName: handled("the database to move the collection to (without aliases, as Milvus requires); empty: the request's own"),
  },
  TruncateCollection: { base: BASE, db_name: DATABASE, collection_name: NAME },
  AlterCollection: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    collectionID: refused('alter a collection by its name'),
    properties: handled('collection.ttl.seconds (enforced on reads) and mmap.enabled (kept and reported), as docs/metadata.md says'),
    delete_keys: handled(),
  },
  AddCollectionField: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    collectionID: refused('add a field to a collection by its name'),
    schema: handled('one nullable or default-valued field of a type Mishards stores'),
  },
  AlterCollectionSchema: {
    base: BASE,
    db_name: DATABASE,
    collection_name: NAME,
    collectionID: refused('alter a collection by its name'),
    action: handled('an add_request of one field (as the SDK sends addCollectionField); anything else refused naming it'),
  },
  CreateCredential: {
    base: BASE,
    username: handled(),
    password: handled('base64, as the SDKs send it; stored only as a salted scrypt hash'),
    created_utc_timestamps: CLIENT_TIMESTAMP,
    modified_utc_timestamps: CLIENT_TIMESTAMP,
    description: USER_DESCRIPTION,
  },
  UpdateCredential: {
    base: BASE,
    username: handled(),
    oldPassword: handled('verified against the stored hash'),
    newPassword: handled(),
    created_utc_timestamps: CLIENT_TIMESTAMP,
    modified_utc_timestamps: CLIENT_TIMESTAMP,
    description: USER_DESCRIPTION,
  },
  DeleteCredential: { base: BASE, username: handled() },
  ListCredUsers: { base: BASE },
  CreateRole: { base: BASE, entity: handled('the role name; a description (Milvus 2.6) is not kept') },
  DropRole: { base: BASE, role_name: handled(), force_drop: handled() },
  OperateUserRole: { base: BASE, username: handled(), role_name: handled(), type: handled() },
  SelectRole: { base: BASE, role: handled(), include_user_info: handled() },
  SelectUser: { base: BASE, user: handled(), include_role_info: handled() },
  OperatePrivilege: {
    base: BASE,
    entity: handled('role, object type and name, database (default or *), privilege or built-in group'),
    type: handled(),
    version: ignored('admits custom privilege groups, which Mishards does not have; built-in groups are accepted either way'),
  },
  OperatePrivilegeV2: {
    base: BASE,
    role: handled(),
    grantor: handled('the privilege or built-in group; the grantor is the caller'),
    type: handled(),
    db_name: handled('default, or * for every database'),
    collection_name: handled('a collection, or *'),
  },
  SelectGrant: { base: BASE, entity: handled() },
  GetReplicas: {
    base: BASE,
    collectionID: handled('used when collection_name is empty'),
    with_shard_nodes: handled(),
    collection_name: NAME,
    db_name: DATABASE,
  },
} satisfies Record<string, FieldRules>;

/** Keys Milvus reads from `search_params`; any other key is ignored by Milvus and here alike. */
const SEARCH_PARAMS = {
  anns_field: handled(),
  topk: handled(),
  limit: handled(),
  offset: handled(),
  metric_type: handled(),
  round_decimal: handled(),
  params: handled('ef, radius / range_filter for a range search, bm25_k1 / bm25_b for a BM25 search'),
  bm25_k1: handled('a BM25 search (docs/full-text.md)'),
  bm25_b: handled('a BM25 search (docs/full-text.md)'),
  radius: handled('a range search (docs/coordinator.md, "Range search, grouping search and ORDER BY")'),
  range_filter: handled('a range search (docs/coordinator.md, "Range search, grouping search and ORDER BY")'),
  ignore_growing: handled('searches skip the rows not yet sealed'),
  group_by_field: handled('grouping search (docs/coordinator.md, "Range search, grouping search and ORDER BY")'),
  group_size: handled('grouping search (docs/coordinator.md, "Range search, grouping search and ORDER BY")'),
  strict_group_size: handled('grouping search (docs/coordinator.md, "Range search, grouping search and ORDER BY")'),
  group_by_fields: refused('grouping by several fields (Milvus 2.6) is not supported: use group_by_field'),
  rank_group_scorer: refused('group scorers other than the best hit are not supported'),
  order_by_fields: handled('the page re-sorted by the fields, as Milvus does'),
  iterator: handled('search iterator v2 (docs/coordinator.md, "Iterators")'),
  search_iter_v2: handled('search iterator v2 (docs/coordinator.md, "Iterators")'),
  search_iter_batch_size: handled('search iterator v2 (docs/coordinator.md, "Iterators")'),
  search_iter_last_bound: handled('search iterator v2 (docs/coordinator.md, "Iterators")'),
  search_iter_id: handled('search iterator v2 (docs/coordinator.md, "Iterators")'),
  collection_id: handled('search iterator v2 (docs/coordinator.md, "Iterators")'),
  guarantee_timestamp: handled("an iterator's snapshot, as pymilvus sends it among the parameters"),
  reduce_stop_for_best: ignored("a query iterator's parameter, which Milvus's search does not read either"),
  hints: refused('search hints are not supported'),
  analyzer_name: refused('multi-language analyzers are not supported'),
  json_path: refused('JSON path indexes are not supported'),
  json_type: refused('JSON path indexes are not supported'),
  strict_cast: refused('JSON path indexes are not supported'),
  expr_params: refused('expression parameters are not supported: use expr_template_values'),
  timezone: handled("the time zone of the filter's ISO literals without an offset and of the Timestamptz output (docs/timestamptz.md)"),
  time_fields: refused('extracting date and time parts of Timestamptz values is not supported'),
  pipeline_trace: refused('search pipeline traces are not supported', (v) => v === 'false'),
} satisfies FieldRules;

/** Keys Milvus reads from a query's `query_params`; any other key is ignored by Milvus and here alike. */
const QUERY_PARAMS = {
  limit: handled(),
  offset: handled(),
  ignore_growing: handled('the query skips the rows not yet sealed'),
  iterator: handled('query iterator (docs/coordinator.md, "Iterators")'),
  reduce_stop_for_best: handled('query iterator (docs/coordinator.md, "Iterators")'),
  collection_id: handled('query iterator (docs/coordinator.md, "Iterators")'),
  query_iter_last_pk: refused('query iterators are not supported'),
  query_iter_last_element_offset: refused('query iterators are not supported'),
  order_by_fields: handled('field[:asc|desc[:nulls_first|nulls_last]], with a limit, merged across nodes'),
  group_by_fields: refused('grouping query results is not supported'),
  expr_params: refused('expression parameters are not supported: use expr_template_values'),
  timezone: handled("the time zone of the filter's ISO literals without an offset and of the Timestamptz output (docs/timestamptz.md)"),
  time_fields: refused('extracting date and time parts of Timestamptz values is not supported'),
} satisfies FieldRules;

const NESTED_TABLES = {
  /** `CreateCollectionRequest.schema`, a serialized `milvus.proto.schema.CollectionSchema`. */
  CollectionSchema: {
    name: ignored("Milvus names the collection after the request's collection_name, which must match"),
    description: handled(),
    autoID: handled('makes the primary key auto-generated, as the SDKs send it'),
    fields: nested('FieldSchema'),
    enable_dynamic_field: handled(),
    properties: refused('schema properties are not supported: set collection properties on the request'),
    functions: handled('BM25 functions (docs/full-text.md); embedding and rerank functions are refused as not supported'),
    dbName: ignored("Milvus's proxy overwrites it with the request's database"),
    struct_array_fields: refused('struct array fields are not supported'),
    version: ignored("the schema's version, which Milvus's coordinators assign"),
    external_source: refused('external collections are not supported'),
    external_spec: refused('external collections are not supported'),
    do_physical_backfill: ignored('applies to schema changes of existing collections, not to their creation'),
    file_resource_ids: refused('file resources (analyzer dictionaries) are not supported'),
    enable_namespace: refused('namespaces (Milvus 2.6) are not supported'),
  },
  /** One field of a collection schema. */
  FieldSchema: {
    fieldID: ignored('field ids are assigned by Milvus (and Mishards) at creation'),
    name: handled(),
    is_primary_key: handled(),
    description: handled(),
    data_type: handled('a type Mishards stores, else refused naming it'),
    type_params: nested('type_params'),
    index_params: ignored('index parameters in a schema are a legacy form Milvus ignores: create indexes with CreateIndex'),
    autoID: handled(),
    state: ignored("a field's lifecycle state, which Milvus's coordinators keep"),
    element_type: handled(),
    default_value: handled(),
    is_dynamic: refused('the dynamic field is declared with enable_dynamic_field'),
    is_partition_key: handled(
      'Int64 or VarChar; rows hashed to partitions as Milvus does, filters on the key prune (docs/partition-key.md)',
    ),
    is_clustering_key: refused('clustering keys are not supported'),
    nullable: handled(),
    is_function_output: ignored("Milvus's proxy marks the output fields of the schema's functions itself"),
    external_field: refused('external collections are not supported'),
  },
  /** `FieldSchema.type_params` keys Milvus reads; any other key is kept unread by Milvus and ignored here alike. */
  type_params: {
    dim: handled(),
    max_length: handled(),
    max_capacity: handled(),
    enable_analyzer: handled('the VarChar field is analyzed as text (docs/full-text.md)'),
    analyzer_params: handled(
      'standard and whitespace tokenizers; lowercase, stop (_english_), length and alphanumonly filters; Milvus refuses what it refuses, the rest is refused as not supported (docs/full-text.md)',
    ),
    multi_analyzer_params: refused('multi-language analyzers are not supported'),
    enable_match: handled('text_match filters on the field (docs/full-text.md)'),
    'mmap.enabled': refused('memory-mapping settings per field are not supported'),
  },
  search_params: SEARCH_PARAMS,
  query_params: QUERY_PARAMS,
  /** One sub-search of a HybridSearch: Milvus reads its vectors, filter and parameters; the rest comes from the hybrid request. */
  'HybridSearch.requests': {
    ...Object.fromEntries(
      Object.keys(search).map((f) => [f, ignored('a sub-search takes it from the hybrid search request, as in Milvus')]),
    ),
    dsl: search.dsl,
    placeholder_group: search.placeholder_group,
    ids: search.ids,
    nq: search.nq,
    search_params: search.search_params,
    search_by_primary_keys: search.search_by_primary_keys,
    expr_template_values: search.expr_template_values,
    function_score: search.function_score,
    highlighter: search.highlighter,
    search_aggregation: search.search_aggregation,
    sub_reqs: search.sub_reqs,
  },
} satisfies Record<NestedTable, FieldRules>;

export const NESTED_FIELDS: Readonly<Record<NestedTable, FieldRules>> = NESTED_TABLES;

/** Methods whose request fields are listed above. */
export type ImplementedMethod = keyof typeof METHOD_FIELDS;
