import { DataType, type FieldSchema } from './schema.js';

/**
 * The vector data types a collection's vector field may have, and what every layer needs to
 * know about each: how a row is stored, which metrics score it, how Milvus names it. Milvus's
 * own tables (typeutil, indexparamcheck/constraints.go) are the source of the names and lists.
 */

/**
 * Metrics, as Milvus names them. L2 (squared Euclidean), HAMMING (differing bits) and JACCARD
 * (1 - |a AND b| / |a OR b|) are distances, smaller first; IP and COSINE are similarities,
 * larger first. BM25 scores text relevance on a BM25 output field (search/bm25-search.ts), larger
 * first; the engine never sees it.
 */
export type MetricType = 'L2' | 'IP' | 'COSINE' | 'HAMMING' | 'JACCARD' | 'BM25';

/** Whether a metric's scores rank larger first (similarities) rather than smaller first (distances). */
export const largerIsBetter = (metric: MetricType) => metric === 'IP' || metric === 'COSINE' || metric === 'BM25';

/** How one element of a vector is stored. */
export type VectorElement = 'float32' | 'float16' | 'bfloat16' | 'int8' | 'binary' | 'sparse';
export type DenseElement = Exclude<VectorElement, 'sparse'>;

/** The member of `schema.VectorField` that carries each type's rows on the wire. */
export type VectorPayload = 'float_vector' | 'binary_vector' | 'float16_vector' | 'bfloat16_vector' | 'sparse_float_vector' | 'int8_vector';

export interface VectorType {
  dataType: DataType;
  element: VectorElement;
  payload: VectorPayload;
  /** The metrics Mishards scores this type with. */
  metrics: readonly MetricType[];
  /** The metrics Milvus accepts for this type, as its refusals list them. */
  milvusMetrics: readonly string[];
  /** The metric an index created without one gets (Milvus's per-type default). */
  defaultMetric: MetricType;
  /** segcore's name of the type, which some of its refusals quote. */
  segcoreName: string;
}

const FLOAT_METRICS = ['L2', 'IP', 'COSINE'] as const;

const TYPES: VectorType[] = [
  {
    dataType: DataType.FloatVector,
    element: 'float32',
    payload: 'float_vector',
    metrics: FLOAT_METRICS,
    milvusMetrics: FLOAT_METRICS,
    defaultMetric: 'COSINE',
    segcoreName: 'VECTOR_FLOAT',
  },
  {
    dataType: DataType.Float16Vector,
    element: 'float16',
    payload: 'float16_vector',
    metrics: FLOAT_METRICS,
    milvusMetrics: FLOAT_METRICS,
    defaultMetric: 'COSINE',
    segcoreName: 'VECTOR_FLOAT16',
  },
  {
    dataType: DataType.BFloat16Vector,
    element: 'bfloat16',
    payload: 'bfloat16_vector',
    metrics: FLOAT_METRICS,
    milvusMetrics: FLOAT_METRICS,
    defaultMetric: 'COSINE',
    segcoreName: 'VECTOR_BFLOAT16',
  },
  {
    dataType: DataType.Int8Vector,
    element: 'int8',
    payload: 'int8_vector',
    metrics: FLOAT_METRICS,
    milvusMetrics: FLOAT_METRICS,
    defaultMetric: 'COSINE',
    segcoreName: 'VECTOR_INT8',
  },
  {
    dataType: DataType.BinaryVector,
    element: 'binary',
    payload: 'binary_vector',
    metrics: ['HAMMING', 'JACCARD'],
    milvusMetrics: ['HAMMING', 'JACCARD', 'SUBSTRUCTURE', 'SUPERSTRUCTURE', 'MHJACCARD'],
    defaultMetric: 'HAMMING',
    segcoreName: 'VECTOR_BINARY',
  },
  {
    dataType: DataType.SparseFloatVector,
    element: 'sparse',
    payload: 'sparse_float_vector',
    metrics: ['IP'],
    milvusMetrics: ['IP', 'BM25'],
    defaultMetric: 'IP',
    segcoreName: 'VECTOR_SPARSE_FLOAT',
  },
];

const BY_DATA_TYPE = new Map(TYPES.map((t) => [t.dataType, t]));

/** The vector type of a data type, or undefined for a scalar type. */
export const vectorType = (t: DataType): VectorType | undefined => BY_DATA_TYPE.get(t);

/** The vector type of a vector field. */
export function vectorTypeOf(field: FieldSchema): VectorType {
  const t = BY_DATA_TYPE.get(field.dataType);
  if (!t) throw new Error(`field ${field.name} is not a vector field`);
  return t;
}

/** Every metric Mishards scores with. */
export const ALL_METRICS: readonly MetricType[] = ['L2', 'IP', 'COSINE', 'HAMMING', 'JACCARD', 'BM25'];

export const isMetricType = (m: string): m is MetricType => (ALL_METRICS as readonly string[]).includes(m);

/** Typed-array elements one row of a dense vector of `dim` takes (a binary vector packs 8 dimensions in a byte). */
export const denseRowWidth = (element: DenseElement, dim: number): number => (element === 'binary' ? dim / 8 : dim);

/** Bytes one element of a dense vector's typed array takes. */
export const denseElementBytes = (element: DenseElement): number =>
  element === 'float32' ? 4 : element === 'float16' || element === 'bfloat16' ? 2 : 1;

/** Nonzero entries a sparse row is assumed to hold when a search's cost is estimated before its rows are read. */
export const SPARSE_ROW_ESTIMATE = 64;

/**
 * The work of scoring one row against one query, in multiply-add equivalents: `dim` for a float
 * or int8 vector, a byte's popcount per 8 dimensions of a binary one, and for a sparse one the
 * nonzero entries it is assumed to hold.
 */
export function rowWork(field: FieldSchema): number {
  const { element } = vectorTypeOf(field);
  return element === 'sparse' ? SPARSE_ROW_ESTIMATE : denseRowWidth(element, field.dim!);
}
