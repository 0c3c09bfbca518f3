import { DataType, type FieldSchema } from '../core/schema.js';
import { vectorTypeOf, type MetricType, type VectorElement, type VectorType } from '../core/vector-types.js';
import { DEFAULT_B, DEFAULT_K1 } from '../text/bm25.js';
import { Code, invalidParameter, MilvusError } from './status.js';

/**
 * The vector indexes a CreateIndex may ask for, by vector type: which Mishards builds, which
 * Milvus has but Mishards does not (refused as not supported), and which Milvus itself refuses
 * for the type (refused with Milvus's message). Milvus's lists are vecindexmgr's and
 * indexparamcheck/constraints.go's.
 *
 * Every index but HNSW on float32 vectors is an exact scan in Mishards: FLAT and BIN_FLAT are
 * exact in Milvus too; AUTOINDEX on a type without a graph, SPARSE_INVERTED_INDEX and
 * SPARSE_WAND are answered by an exact scan of the rows (docs/vector-types.md), which is what
 * DescribeIndex's `engine` parameter says.
 */

/** Milvus's vector index types for float vectors (float32, float16, bfloat16, and int8 where it has them). */
const MILVUS_FLOAT_INDEXES = [
  'FLAT',
  'IVF_FLAT',
  'IVF_SQ8',
  'IVF_PQ',
  'IVF_RABITQ',
  'HNSW',
  'HNSW_SQ',
  'HNSW_PQ',
  'HNSW_PRQ',
  'DISKANN',
  'SCANN',
  'GPU_CAGRA',
  'GPU_IVF_FLAT',
  'GPU_IVF_PQ',
  'GPU_BRUTE_FORCE',
  'AUTOINDEX',
];
const MILVUS_BINARY_INDEXES = ['BIN_FLAT', 'BIN_IVF_FLAT', 'MINHASH_LSH', 'AUTOINDEX'];
const MILVUS_SPARSE_INDEXES = ['SPARSE_INVERTED_INDEX', 'SPARSE_WAND', 'AUTOINDEX'];

interface IndexRules {
  /** What Mishards builds. */
  built: readonly string[];
  /** What Milvus accepts for the type. */
  milvus: readonly string[];
}

const RULES: Record<VectorElement, IndexRules> = {
  float32: { built: ['FLAT', 'HNSW', 'AUTOINDEX'], milvus: MILVUS_FLOAT_INDEXES },
  float16: { built: ['FLAT', 'AUTOINDEX'], milvus: MILVUS_FLOAT_INDEXES },
  bfloat16: { built: ['FLAT', 'AUTOINDEX'], milvus: MILVUS_FLOAT_INDEXES },
  int8: { built: ['FLAT', 'AUTOINDEX'], milvus: MILVUS_FLOAT_INDEXES },
  binary: { built: ['BIN_FLAT', 'AUTOINDEX'], milvus: MILVUS_BINARY_INDEXES },
  sparse: { built: ['SPARSE_INVERTED_INDEX', 'SPARSE_WAND', 'AUTOINDEX'], milvus: MILVUS_SPARSE_INDEXES },
};

/** Every index type some vector type accepts in Milvus. */
const ANY_MILVUS_INDEX = new Set([...MILVUS_FLOAT_INDEXES, ...MILVUS_BINARY_INDEXES, ...MILVUS_SPARSE_INDEXES]);

/** The sparse inverted index's algorithms (Milvus's SparseInvertedIndexAlgos). */
const SPARSE_ALGOS = ['TAAT_NAIVE', 'DAAT_WAND', 'DAAT_MAXSCORE'];

/** Go's %v of a list of strings, as Milvus's refusals print one. */
const goList = (items: readonly string[]) => `[${items.join(' ')}]`;

/** Refuses an index type the field's type cannot have, as Milvus does, or one Mishards does not build. */
export function checkIndexType(indexType: string, field: FieldSchema): void {
  const t = vectorTypeOf(field);
  const rules = RULES[t.element];
  if (rules.built.includes(indexType)) return;
  if (!rules.milvus.includes(indexType) && ANY_MILVUS_INDEX.has(indexType)) {
    throw invalidParameter(`index ${indexType} do not support data type: ${typeName(t)}`);
  }
  throw new MilvusError(
    Code.IndexNotSupported,
    `index type ${indexType} is not supported by Mishards for ${typeName(t)} fields: use ${rules.built.join(', ')}`,
  );
}

/**
 * The metric of an index on the field: the one asked for, or the type's default. One Milvus
 * refuses for the type is refused with its message; one Milvus has but Mishards does not score
 * with (SUBSTRUCTURE, SUPERSTRUCTURE, MHJACCARD, BM25) as not supported.
 */
export function indexMetric(requested: string, field: FieldSchema): MetricType {
  const t = vectorTypeOf(field);
  if (!requested) return t.defaultMetric;
  const metric = requested.toUpperCase();
  if (!t.milvusMetrics.includes(metric)) {
    throw invalidParameter(
      t.element === 'sparse'
        ? `metric type not found or not supported, supported: ${goList(t.milvusMetrics)}`
        : `metric type ${metric} not found or not supported, supported: ${goList(t.milvusMetrics)}`,
    );
  }
  if (!(t.metrics as readonly string[]).includes(metric)) {
    throw new MilvusError(Code.MetricNotFound, `metric type ${metric} is not supported by Mishards: use ${t.metrics.join(' or ')}`);
  }
  return metric as MetricType;
}

/** Checks the build parameters of a sparse index that Milvus checks (its algorithm, drop_ratio_build). */
export function checkSparseParams(params: Record<string, string>): void {
  const algo = params.inverted_index_algo;
  if (algo !== undefined && !SPARSE_ALGOS.includes(algo)) {
    throw invalidParameter(`sparse inverted index algo ${algo} not found or not supported, supported: ${goList(SPARSE_ALGOS)}`);
  }
  const drop = params.drop_ratio_build;
  if (drop !== undefined) {
    const n = Number(drop);
    if (drop.trim() === '' || !Number.isFinite(n) || n < 0 || n >= 1) {
      throw invalidParameter(`param 'drop_ratio_build' (${drop}) should be in range [0.000000, 1.000000)`);
    }
  }
}

/** How an index of this type on the field is searched: a usearch graph (HNSW), or an exact scan. */
export function engineIndexType(indexType: string, field: FieldSchema): 'HNSW' | 'FLAT' {
  const graph = vectorTypeOf(field).element === 'float32' && (indexType === 'HNSW' || indexType === 'AUTOINDEX');
  return graph ? 'HNSW' : 'FLAT';
}

const typeName = (t: VectorType): string => DataType[t.dataType];

/**
 * An index on a BM25 output, checked as Milvus checks one (a sparse index type, metric BM25:
 * FillFunctionOutputIndexParams). Nothing is built: BM25 searches read their own inverted
 * index of the field (search/bm25-search.ts), whatever index was asked for.
 */
export function checkBm25Index(params: Map<string, string>, field: FieldSchema): void {
  let nested: Record<string, unknown> = {};
  try {
    nested = params.get('params') ? JSON.parse(params.get('params')!) : {};
  } catch {
    throw invalidParameter(`index params is not valid JSON: ${params.get('params')}`);
  }
  checkIndexType((params.get('index_type') || (nested.index_type as string | undefined) || 'AUTOINDEX').toUpperCase(), field);
  const metric = (params.get('metric_type') || (nested.metric_type as string | undefined) || 'BM25').toUpperCase();
  if (metric !== 'BM25') throw invalidParameter(`index metric type of BM25 function output field must be BM25, got ${metric}`);
  // Milvus scores with the index's k1 and b; Mishards reads them from each search. Other
  // values than the defaults would be silently lost, so they are refused.
  for (const [key, fallback] of [
    ['bm25_k1', DEFAULT_K1],
    ['bm25_b', DEFAULT_B],
  ] as const) {
    const raw = nested[key] ?? params.get(key);
    if (raw !== undefined && Number(raw) !== fallback)
      throw new MilvusError(
        Code.ServiceUnimplemented,
        `${key} of a BM25 index is not kept by Mishards: pass ${key} in each search's params (docs/full-text.md)`,
      );
  }
}
