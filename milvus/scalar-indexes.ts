import { DataType, isEngineIndexed, isVectorType, type CollectionSchema, type FieldSchema } from '../core/schema.js';
import { isIndexableType } from '../filter/scalar-index.js';
import type { IndexRecord } from '../meta/store.js';
import { Code, invalidParameter, MilvusError } from './status.js';

/**
 * Scalar indexes: which Milvus index types a scalar field may have, checked as Milvus's
 * indexparamcheck checks them (INVERTEDChecker, STLSORTChecker, BITMAPChecker, TRIEChecker,
 * the JSON path parameters), and which of them answer filters in Mishards.
 *
 * Every accepted index on a Bool, integer, Float, Double, VarChar or Timestamptz field is served by the
 * filter's sorted scalar index (filter/scalar-index.ts): INVERTED, STL_SORT, BITMAP, HYBRID and
 * TRIE all answer ==, in, ranges (and like-prefix for strings) from it, exactly as the scan.
 * Indexes on Array fields and JSON path indexes are accepted and recorded; their filters scan
 * the rows (the same rows, without the speed-up). RTREE (and AUTOINDEX, which Milvus makes an
 * RTREE there) on a Geometry field is accepted and served by the spatial filters' envelope
 * pre-check over the rows' cached bounding boxes (filter/spatial.ts), not by a tree.
 */
export const SCALAR_INDEX_TYPES = ['INVERTED', 'STL_SORT', 'BITMAP', 'HYBRID', 'TRIE', 'RTREE', 'AUTOINDEX'] as const;

const INTEGER = new Set([DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64]);
const ARITHMETIC = new Set([...INTEGER, DataType.Float, DataType.Double]);
const isString = (t: DataType) => t === DataType.VarChar || t === DataType.String;
/** Milvus's cast types of JSON path indexes (INVERTEDChecker's validJSONCastTypes; BITMAP takes BOOL and VARCHAR). */
const JSON_CAST_TYPES = ['BOOL', 'DOUBLE', 'VARCHAR'];

/** The proxy's wrapping of a refused index (checkTrain's error, merr.WrapErrParameterInvalid). */
const refused = (reason: string) =>
  invalidParameter(`${reason}: invalid parameter[expected=valid index params][actual=invalid index params]`);

/** Why the field cannot have an index of this type, in Milvus's words (CheckValidDataType); undefined when it can. */
function typeFault(indexType: string, field: FieldSchema): string | undefined {
  const t = field.dataType;
  const elem = field.elementType ?? DataType.None;
  if (indexType === 'AUTOINDEX' && t === DataType.Geometry) return undefined;
  switch (indexType) {
    case 'RTREE':
      return t === DataType.Geometry ? undefined : `RTREE index can only be built on geometry field, got ${DataType[t]}`;
    case 'AUTOINDEX':
      // Milvus builds a sorted index for a Timestamptz field left to AUTOINDEX.
      if (t === DataType.Timestamptz) return undefined;
      return typeFault('INVERTED', field);
    case 'INVERTED':
      return t === DataType.Bool || ARITHMETIC.has(t) || isString(t) || t === DataType.Array || t === DataType.JSON
        ? undefined
        : `INVERTED are not supported on ${DataType[t]} field`;
    case 'STL_SORT':
      return ARITHMETIC.has(t) || t === DataType.Timestamptz ? undefined : 'STL_SORT are only supported on numeric field';
    case 'TRIE':
      return isString(t) ? undefined : 'TRIE are only supported on varchar field';
    case 'BITMAP':
    case 'HYBRID': {
      if (field.isPrimaryKey) return 'create bitmap index on primary key not supported';
      const base = (x: DataType) => x === DataType.Bool || INTEGER.has(x) || isString(x);
      if (!base(t) && t !== DataType.Array && t !== DataType.JSON)
        return 'bitmap index are only supported on bool, int, string and array field';
      if (t === DataType.Array && !base(elem)) return 'bitmap index are only supported on bool, int, string for array field';
      return undefined;
    }
  }
  return undefined;
}

/** Refuses a scalar index Milvus refuses on the field, with its message; params as the request gives them. */
export function checkScalarIndex(indexType: string, field: FieldSchema, params: Record<string, string>): void {
  if (!(SCALAR_INDEX_TYPES as readonly string[]).includes(indexType)) {
    throw new MilvusError(
      Code.IndexNotSupported,
      `index type ${indexType} is not supported by Mishards for ${DataType[field.dataType]} fields`,
    );
  }
  const fault = typeFault(indexType, field);
  if (fault) throw refused(fault);
  if (field.dataType !== DataType.JSON) return;
  const cast = params.json_cast_type;
  if (cast === undefined) throw refused('json index must specify cast type: missing parameter[missing_param=json_cast_type]');
  const allowed = indexType === 'BITMAP' ? ['BOOL', 'VARCHAR'] : JSON_CAST_TYPES;
  if (!allowed.includes(cast.toUpperCase())) throw refused(`json_cast_type ${cast} is not supported: invalid parameter`);
  if (params.json_path === undefined) throw refused('json index must specify json path: missing parameter[missing_param=json_path]');
}

/** Whether an index on this field answers filters from the sorted scalar index (else they scan). */
export const answersFilters = (field: FieldSchema) => isIndexableType(field.dataType);

/** What serves a scalar index's filters, as DescribeIndex's `engine` parameter names it. */
export function scalarIndexEngine(field: FieldSchema): 'SORTED' | 'ENVELOPE_SCAN' | 'SCAN' {
  if (answersFilters(field)) return 'SORTED';
  return field.dataType === DataType.Geometry ? 'ENVELOPE_SCAN' : 'SCAN';
}

/**
 * The collection's engine index among its indexes: its dense (or non-BM25 sparse) vector
 * field's. The index of a BM25 output is a record only: BM25 searches read their own index.
 */
export function vectorIndexOf(indexes: readonly IndexRecord[], schema: CollectionSchema): IndexRecord | undefined {
  const vector = new Set(schema.fields.filter(isEngineIndexed).map((f) => f.name));
  return indexes.find((i) => vector.has(i.fieldName));
}

/** The collection's vector fields without an index, which Milvus refuses to load. */
export function unindexedVectorFields(indexes: readonly IndexRecord[], schema: CollectionSchema): string[] {
  const indexed = new Set(indexes.map((i) => i.fieldName));
  return schema.fields.filter((f) => isVectorType(f.dataType) && !indexed.has(f.name)).map((f) => f.name);
}

/** The fields whose scalar indexes answer filters. */
export function indexedScalarFields(indexes: readonly IndexRecord[], schema: CollectionSchema): Set<string> {
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  return new Set(
    indexes
      .filter((i) => {
        const f = byName.get(i.fieldName);
        return f !== undefined && !isVectorType(f.dataType) && answersFilters(f);
      })
      .map((i) => i.fieldName),
  );
}
