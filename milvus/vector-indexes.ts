import { DataType, type FieldSchema } from '../core/schema.js';
import { vectorTypeOf, type MetricType, type VectorElement, type VectorType } from '../core/vector-types.js';
import type { IndexType } from '../engine/engine.js';
import { DEFAULT_B, DEFAULT_K1 } from '../text/bm25.js';
import { buildParam } from './index-params.js';
import { Code, invalidParameter, MilvusError } from './status.js';

/**
 * The vector indexes a CreateIndex may ask for, by vector type: which Mishards builds, which
 * Milvus has but Mishards does not (refused as not supported), and which Milvus itself refuses
 * for the type (refused with Milvus's message). Milvus's lists are vecindexmgr's and
 * indexparamcheck/constraints.go's.
 *
 * Each index type is served by an engine index of its family or by a stand-in whose recall is
 * at least the type's (`engineIndexType`; docs/vector-types.md has the table), which
 * DescribeIndex reports as its `engine` parameter:
 * - FLAT, BIN_FLAT: the exact scan, as in Milvus.
 * - IVF_FLAT, BIN_IVF_FLAT: IVF lists scanned exactly (nlist, nprobe).
 * - IVF_SQ8: IVF lists of SQ8 codes, the best candidates re-scored from the raw vectors.
 *   IVF_PQ, IVF_RABITQ and SCANN (coarser codes than SQ8) are served by it too.
 * - HNSW, HNSW_SQ, HNSW_PQ, HNSW_PRQ, DISKANN, AUTOINDEX on dense vectors: a usearch HNSW
 *   graph storing the vectors in their own type (f32, f16, bf16, i8; binary ones as bits with
 *   Hamming or Tanimoto distances), hits re-scored exactly (DISKANN's max_degree is the graph's
 *   bottom-layer degree, 2 * M).
 * - SPARSE_INVERTED_INDEX, SPARSE_WAND, AUTOINDEX on sparse vectors: posting lists searched with
 *   WAND, exact by construction unless drop_ratio_build / drop_ratio_search drop values.
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

/** Milvus's float vector indexes that Mishards serves (its GPU indexes are refused as not supported). */
const SERVED_FLOAT_INDEXES = MILVUS_FLOAT_INDEXES.filter((t) => !t.startsWith('GPU_'));

const RULES: Record<VectorElement, IndexRules> = {
  float32: { built: SERVED_FLOAT_INDEXES, milvus: MILVUS_FLOAT_INDEXES },
  float16: { built: SERVED_FLOAT_INDEXES, milvus: MILVUS_FLOAT_INDEXES },
  bfloat16: { built: SERVED_FLOAT_INDEXES, milvus: MILVUS_FLOAT_INDEXES },
  int8: { built: SERVED_FLOAT_INDEXES, milvus: MILVUS_FLOAT_INDEXES },
  binary: { built: ['BIN_FLAT', 'BIN_IVF_FLAT', 'AUTOINDEX'], milvus: MILVUS_BINARY_INDEXES },
  sparse: { built: ['SPARSE_INVERTED_INDEX', 'SPARSE_WAND', 'AUTOINDEX'], milvus: MILVUS_SPARSE_INDEXES },
};

/** Every index type some vector type accepts in Milvus. */
const ANY_MILVUS_INDEX = new Set([...MILVUS_FLOAT_INDEXES, ...MILVUS_BINARY_INDEXES, ...MILVUS_SPARSE_INDEXES]);

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

/** Index types served by IVF lists scanned exactly. */
const IVF_FLAT_SERVED = ['IVF_FLAT', 'BIN_IVF_FLAT'];
/** Index types served by IVF lists of SQ8 codes: IVF_SQ8, and the coarser quantizations in its stead. */
const IVF_SQ8_SERVED = ['IVF_SQ8', 'IVF_PQ', 'IVF_RABITQ', 'SCANN'];
/** Index types served by an HNSW graph (of float32 vectors). */
const GRAPH_SERVED = ['HNSW', 'HNSW_SQ', 'HNSW_PQ', 'HNSW_PRQ', 'DISKANN', 'AUTOINDEX'];

/** The engine index that serves an index of this type on the field (see the table above). */
export function engineIndexType(indexType: string, field: FieldSchema): IndexType {
  const { element } = vectorTypeOf(field);
  if (element === 'sparse') return 'SPARSE_INVERTED';
  if (IVF_FLAT_SERVED.includes(indexType)) return 'IVF_FLAT';
  if (IVF_SQ8_SERVED.includes(indexType)) return 'IVF_SQ8';
  if (GRAPH_SERVED.includes(indexType)) return 'HNSW';
  return 'FLAT';
}

/**
 * The engine's build parameters for an index of this type: HNSW's M and efConstruction (M from
 * DISKANN's max_degree, the bottom layer's degree being 2 * M), IVF's nlist, the sparse lists'
 * drop_ratio_build. The others take the engine's defaults.
 */
export function engineBuildParams(indexType: string, field: FieldSchema, params: Record<string, string>): Record<string, number> {
  const engine = engineIndexType(indexType, field);
  const out: Record<string, number> = {};
  const set = (key: string, value: number | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  if (engine === 'HNSW') {
    const degree = indexType === 'DISKANN' ? buildParam(indexType, params, 'max_degree') : undefined;
    set('M', degree === undefined ? numberOf(params.M) : Math.max(2, Math.ceil(degree / 2)));
    set('efConstruction', numberOf(params.efConstruction));
  }
  if (engine === 'IVF_FLAT' || engine === 'IVF_SQ8') set('nlist', buildParam(indexType, params, 'nlist'));
  if (engine === 'SPARSE_INVERTED') set('dropRatioBuild', numberOf(params.drop_ratio_build));
  return out;
}

const numberOf = (raw: string | undefined) => (raw === undefined ? undefined : Number(raw));

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

/** What the engine index serving a Milvus index type is, for the compatibility page. */
const FAMILY_NOTES: Record<IndexType, string> = {
  FLAT: 'exact scan',
  HNSW: 'HNSW graph (usearch) of the full-precision vectors',
  IVF_FLAT: 'IVF lists (k-means, nlist / nprobe) scanned exactly',
  IVF_SQ8: 'IVF lists of SQ8 codes, re-scored exactly',
  SPARSE_INVERTED: 'posting lists searched with WAND, exact without dropped values',
};

/** Each Milvus vector index type on each vector type, with its state in Mishards (docs/compatibility.md). */
export function indexSupport(): { dataType: string; indexType: string; state: string }[] {
  const out: { dataType: string; indexType: string; state: string }[] = [];
  for (const dataType of [
    DataType.FloatVector,
    DataType.Float16Vector,
    DataType.BFloat16Vector,
    DataType.Int8Vector,
    DataType.BinaryVector,
    DataType.SparseFloatVector,
  ]) {
    const field = { name: 'v', dataType, dim: 8 } as FieldSchema;
    const rules = RULES[vectorTypeOf(field).element];
    for (const indexType of rules.milvus) {
      if (!rules.built.includes(indexType)) {
        out.push({ dataType: DataType[dataType], indexType, state: 'refused: code 701 (not supported by Mishards)' });
        continue;
      }
      const engine = engineIndexType(indexType, field);
      const own =
        engine === indexType ||
        indexType === 'AUTOINDEX' ||
        (engine === 'FLAT' && indexType.endsWith('FLAT')) ||
        engine === 'SPARSE_INVERTED';
      const served = `${FAMILY_NOTES[engine]}${own ? '' : ` (\`${engine}\`, a stand-in of at least its recall)`}`;
      out.push({ dataType: DataType[dataType], indexType, state: `works: ${served}` });
    }
  }
  return out;
}
