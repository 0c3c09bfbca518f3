/**
 * Writes docs/compatibility.md from the code that decides it: the MilvusService methods the
 * writer and the coordinator implement, the field rules of milvus/field-rules.ts and the REST
 * endpoints the coordinator routes. `npm run gen:compat` runs it; a test fails while the
 * committed page differs from what this makes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ANSWERED_HERE } from '../ext-proc/front/milvus-front.js';
import { ROUTES } from '../ext-proc/rest/api.js';
import { METHOD_FIELDS, NESTED_FIELDS, type FieldRule, type FieldRules, type NestedTable } from '../milvus/field-rules.js';
import { milvusRoot } from '../milvus/proto.js';
import { isSupportedScalar } from '../milvus/schema-codec.js';
import { indexSupport } from '../milvus/vector-indexes.js';
import { SCALAR_INDEX_TYPES } from '../milvus/scalar-indexes.js';
import { DataType, isVectorType } from '../core/schema.js';
import { vectorType } from '../core/vector-types.js';

export const COMPATIBILITY_DOC = fileURLToPath(new URL('../docs/compatibility.md', import.meta.url));

const cell = (text: string) => text.replaceAll('|', '\\|');

/** Milvus 2.5/2.6's REST v2 endpoints (its httpserver routes), under `/v2/vectordb/`. */
const MILVUS_REST: Record<string, string[]> = {
  collections: [
    'list',
    'has',
    'describe',
    'get_stats',
    'get_load_state',
    'create',
    'drop',
    'rename',
    'load',
    'refresh_load',
    'release',
    'alter_properties',
    'drop_properties',
    'compact',
    'get_compaction_state',
    'flush',
  ],
  'collections/fields': ['alter_properties', 'add'],
  databases: ['create', 'drop', 'list', 'describe', 'alter', 'alter_properties', 'drop_properties'],
  entities: ['query', 'get', 'delete', 'insert', 'upsert', 'search', 'advanced_search', 'hybrid_search'],
  partitions: ['list', 'has', 'get_stats', 'create', 'drop', 'load', 'release'],
  users: ['list', 'describe', 'create', 'update_password', 'drop', 'grant_role', 'revoke_role'],
  roles: ['list', 'describe', 'create', 'drop', 'grant_privilege', 'revoke_privilege', 'grant_privilege_v2', 'revoke_privilege_v2'],
  privilege_groups: ['create', 'drop', 'list', 'add_privileges_to_group', 'remove_privileges_from_group'],
  indexes: ['list', 'describe', 'create', 'drop', 'alter_properties', 'drop_properties'],
  aliases: ['list', 'describe', 'create', 'drop', 'alter'],
  'jobs/import': ['list', 'create', 'get_progress', 'describe'],
  resource_groups: ['create', 'drop', 'alter', 'describe', 'list', 'transfer_replica'],
};

function state(rule: FieldRule): string {
  switch (rule.kind) {
    case 'handled':
      return rule.note ? `works: ${rule.note}` : 'works';
    case 'ignored':
      return `ignored: ${rule.why}`;
    case 'refused':
      return `refused: ${rule.why}`;
    case 'nested':
      return `works; its parts: [${rule.table}](#${anchor(rule.table)})`;
  }
}

const anchor = (table: string) =>
  table
    .toLowerCase()
    .replace(/[^a-z0-9_ -]/g, '')
    .replaceAll(' ', '-');

function rulesTable(rules: FieldRules, what: string): string[] {
  return [`| ${what} | state |`, '| --- | --- |', ...Object.entries(rules).map(([name, rule]) => `| \`${name}\` | ${cell(state(rule))} |`)];
}

const NESTED_TITLES: Record<NestedTable, string> = {
  CollectionSchema: 'The schema of CreateCollection (`milvus.proto.schema.CollectionSchema`)',
  FieldSchema: 'Each field of a schema (`milvus.proto.schema.FieldSchema`)',
  type_params: "A field's `type_params` keys (other keys: ignored, as Milvus leaves them unread)",
  search_params: '`search_params` keys of Search and of each hybrid sub-search (other keys: ignored, as by Milvus)',
  query_params: '`query_params` keys of Query (other keys: ignored, as by Milvus)',
  'HybridSearch.requests': 'Each sub-search of HybridSearch (`requests`)',
};

/** Every Milvus endpoint with whether it is served, then any served endpoint Milvus does not have. */
function restRows(): string[] {
  const milvus = Object.entries(MILVUS_REST).flatMap(([resource, actions]) => actions.map((a) => `/v2/vectordb/${resource}/${a}`));
  const known = new Set(milvus);
  return [
    ...milvus.map((path) => `| \`${path}\` | ${ROUTES.has(path) ? 'works' : 'refused: HTTP 404'} |`),
    ...[...ROUTES.keys()].filter((path) => !known.has(path)).map((path) => `| \`${path}\` | works (not a Milvus endpoint) |`),
  ];
}

function scalarIndexState(indexType: string): string {
  if (indexType === 'RTREE')
    return 'works on Geometry fields (AUTOINDEX there too): the spatial filters check cached bounding boxes before the exact predicate (`engine` ENVELOPE_SCAN; see geometry.md)';
  // Milvus allows only a sorted index (or AUTOINDEX) on Timestamptz fields.
  const timestamptz = indexType === 'STL_SORT' || indexType === 'AUTOINDEX' ? ', Timestamptz' : '';
  return `works: Bool, integer, Float, Double, VarChar${timestamptz} fields answer ==, in, ranges (and like "prefix%") from a sorted index of each sealed segment (\`engine\` SORTED), exactly as the scan; Array fields and JSON paths: accepted, filters scan (\`engine\` SCAN)`;
}

/** What a scalar type that works does beyond storing and filtering values, where it needs saying. */
const TYPE_NOTES: Partial<Record<DataType, string>> = {
  [DataType.Geometry]: 'WKT in and out, the ST_ spatial filters ([geometry.md](geometry.md))',
  [DataType.Timestamptz]:
    "ISO 8601 in, out in the request's or the collection's time zone, ISO and INTERVAL filters ([timestamptz.md](timestamptz.md))",
};

function dataTypeRows(): string[] {
  const types = milvusRoot.lookupEnum('milvus.proto.schema.DataType').values;
  return Object.entries(types).map(([name, value]) => {
    const t = value as DataType;
    const vector = isVectorType(t) ? vectorType(t) : undefined;
    const note = TYPE_NOTES[t];
    const state = vector
      ? `works: vector, metrics ${vector.metrics.join(', ')}`
      : isSupportedScalar(t)
        ? `works${note ? `: ${note}` : ''}`
        : `refused: code 1100, \`field NAME: data type ${name} is not supported by Mishards\``;
    return `| ${name} | ${cell(state)} |`;
  });
}

export function compatibilityDoc(): string {
  const service = milvusRoot.lookupService('milvus.proto.milvus.MilvusService');
  const implemented = METHOD_FIELDS as Record<string, FieldRules>;
  const methodRows = service.methodsArray.map((m) => {
    const what =
      m.requestStream || m.responseStream
        ? 'refused: gRPC UNIMPLEMENTED (streaming)'
        : implemented[m.name]
          ? `works${ANSWERED_HERE.has(m.name) ? ', answered by the coordinator across the cluster' : ''}: [fields](#${m.name.toLowerCase()})`
          : `refused: code 10, \`${m.name} is not supported by Mishards\``;
    return `| ${m.name} | ${what} |`;
  });
  const lines = [
    '# Milvus API compatibility',
    '',
    '<!-- Generated by `npm run gen:compat` from milvus/field-rules.ts, the handlers and the REST routes; do not edit by hand. -->',
    '',
    'What Mishards does with every method of the Milvus 2.x gRPC API (`milvus.proto.milvus.MilvusService`,',
    'as the official Node SDK ships it), every field of the requests it implements, and every REST v2',
    'endpoint. Nothing is silently ignored: a field is **works** (does what Milvus documents),',
    "**ignored** (accepted with no effect, with the reason that is right: Milvus's own proxy ignores or",
    'overwrites it, or what it asks for always holds here) or **refused** (set to anything but its',
    'default, the request fails with code 1100 and a message naming the field). A test walks the',
    'protocol and fails when a field of an implemented request is in none of these lists.',
    '',
    '## Methods',
    '',
    '| method | state |',
    '| --- | --- |',
    ...methodRows,
    '',
    '## Request fields',
    '',
    '`db_name` everywhere: the database the request works in. Empty, it is the one the client names in',
    "its `dbname` metadata (the SDK's `useDatabase` and `database` option), else `default`, as Milvus's",
    'proxy settles it; a database that does not exist answers code 800 `database not found[database=NAME]`',
    '(see [databases.md](databases.md)).',
  ];
  for (const [method, rules] of Object.entries(implemented)) {
    lines.push('', `### ${method}`, '');
    if (Object.keys(rules).length === 0) lines.push('No fields.');
    else lines.push(...rulesTable(rules, 'field'));
  }
  lines.push('', '## Carried messages and parameter keys');
  for (const [table, rules] of Object.entries(NESTED_FIELDS) as [NestedTable, FieldRules][]) {
    lines.push('', `### ${table}`, '', `${NESTED_TITLES[table]}.`, '', ...rulesTable(rules, table.endsWith('params') ? 'key' : 'field'));
  }
  lines.push(
    '',
    '## Data types',
    '',
    'Each `DataType` of a collection field (see [vector-types.md](vector-types.md) for the vector types).',
    '',
    '| data type | state |',
    '| --- | --- |',
    ...dataTypeRows(),
    '',
    '## Index types',
    '',
    "Each index type Milvus has for each vector type, with the engine index serving it (DescribeIndex's",
    '`engine` parameter); its parameters are checked as Milvus checks them. Then the scalar index',
    'types, accepted on the fields Milvus accepts them on (its refusals otherwise).',
    '',
    '| data type | index type | state |',
    '| --- | --- | --- |',
    ...indexSupport().map((r) => `| ${r.dataType} | ${r.indexType} | ${cell(r.state)} |`),
    ...SCALAR_INDEX_TYPES.map((t) => `| scalar fields | ${t} | ${cell(scalarIndexState(t))} |`),
    '',
    '## REST v2 endpoints',
    '',
    'Served endpoints take POST with a JSON body; a path not served answers HTTP 404 with a JSON body',
    'naming it, another method HTTP 405. A top-level body key an endpoint does not read is refused',
    "with code 1801 naming it (Milvus's decoder would drop it silently).",
    '',
    '| endpoint | state |',
    '| --- | --- |',
    ...restRows(),
    '',
  );
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) writeFileSync(COMPATIBILITY_DOC, compatibilityDoc());
