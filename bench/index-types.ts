/**
 * Every vector index type Mishards accepts, measured at its default parameters: for each vector
 * kind and metric, each engine index serving some of Milvus's index types (the table of
 * milvus/vector-indexes.ts) is built over clustered rows of that kind and searched one query at a
 * time on one worker; recall@10 is scored against the exact scan of the same rows, a row tied
 * with the 10th true score counting as a hit (clustered-data.ts recallWithTies). Stand-ins
 * share the row of the index that serves them, so a row lists every Milvus type it answers for.
 * Used by `npm run bench:node` (section 5) and bench/vector-kinds-bench.ts.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32ToBFloat16, float32ToFloat16 } from '../core/half-float.js';
import { DataType, type FieldSchema } from '../core/schema.js';
import type { MetricType } from '../core/vector-types.js';
import { rowNorms } from '../engine/block-scorer.js';
import type { IndexType } from '../engine/engine.js';
import { exactSearch } from '../engine/flat.js';
import { createEngine } from '../engine/index.js';
import { pickRows, rowCount, sparseSetFromRows, type DenseVectors, type VectorSet } from '../engine/vectors.js';
import { engineBuildParams, engineIndexType, indexSupport } from '../milvus/vector-indexes.js';
import { clusteredVectors, recallWithTies } from './clustered-data.js';
import { figureCells, FIGURE_HEADERS, table, timeQueries, type SearchFigures } from './node-measure.js';

const CLUSTERS = 100;
const SEED = 1;
const K = 10;
/** Indices a sparse row draws its nonzeros from. */
const SPARSE_SPACE = 30_000;

/** The clustered rows as a set of each dense kind (int8: scaled by 40 and clamped; binary: each coordinate's sign). */
export function clusteredKind(element: DenseVectors['element'], dim: number, values: Float32Array): DenseVectors {
  switch (element) {
    case 'float16':
      return { element, dim, values: Uint16Array.from(values, float32ToFloat16) };
    case 'bfloat16':
      return { element, dim, values: Uint16Array.from(values, float32ToBFloat16) };
    case 'int8':
      return { element, dim, values: Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v * 40)))) };
    case 'binary': {
      const bytes = new Uint8Array(values.length / 8);
      for (let i = 0; i < values.length; i++) if ((values[i] as number) > 0) bytes[i >> 3] = (bytes[i >> 3] as number) | (0x80 >> (i & 7));
      return { element, dim, values: bytes };
    }
    default:
      return { element: 'float32', dim, values };
  }
}

const wave = (i: number) => Math.sin(i * 0.7713) * 2;

/** Rows [from, from + n) of a seeded sparse set: ~`nonzeros` positive values a row out of 30,000 indices. */
export function sparseRows(from: number, n: number, nonzeros: number): VectorSet {
  const wire = Array.from({ length: n }, (_, i) => {
    const r = from + i;
    const ids = new Set<number>();
    for (let j = 0; j < nonzeros; j++) ids.add(Math.floor((Math.abs(wave(r * 31 + j)) * SPARSE_SPACE) / 2));
    const sorted = [...ids].sort((a, b) => a - b);
    const bytes = new Uint8Array(sorted.length * 8);
    const view = new DataView(bytes.buffer);
    sorted.forEach((id, k) => {
      view.setUint32(k * 8, id, true);
      view.setFloat32(k * 8 + 4, Math.abs(wave(r + k)), true);
    });
    return bytes;
  });
  return sparseSetFromRows(wire);
}

/** The vector kinds and metrics measured, with the Milvus data type whose index table applies. */
const KINDS: { dataType: DataType; element: VectorSet['element']; metric: MetricType }[] = [
  { dataType: DataType.FloatVector, element: 'float32', metric: 'L2' },
  { dataType: DataType.Float16Vector, element: 'float16', metric: 'L2' },
  { dataType: DataType.BFloat16Vector, element: 'bfloat16', metric: 'L2' },
  { dataType: DataType.Int8Vector, element: 'int8', metric: 'L2' },
  { dataType: DataType.Int8Vector, element: 'int8', metric: 'COSINE' },
  { dataType: DataType.BinaryVector, element: 'binary', metric: 'HAMMING' },
  { dataType: DataType.BinaryVector, element: 'binary', metric: 'JACCARD' },
  { dataType: DataType.SparseFloatVector, element: 'sparse', metric: 'IP' },
];

/** Milvus's index types Mishards builds for a data type, grouped by the engine index serving them (exact scans left out). */
function servedBy(dataType: DataType): Map<IndexType, string[]> {
  const field = { name: 'v', dataType, dim: 8 } as FieldSchema;
  const groups = new Map<IndexType, string[]>();
  for (const row of indexSupport()) {
    if (row.dataType !== DataType[dataType] || !row.state.startsWith('works')) continue;
    const engine = engineIndexType(row.indexType, field);
    if (engine === 'FLAT') continue;
    groups.set(engine, [...(groups.get(engine) ?? []), row.indexType]);
  }
  return groups;
}

export interface IndexTypeFigures {
  kind: string;
  metric: MetricType;
  engine: IndexType;
  milvusTypes: string[];
  buildS: number;
  fileMiB: number;
  figures: SearchFigures;
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

/**
 * Builds and searches every (kind, metric, engine index) over `rows` rows of `dim` dimensions
 * (sparse: dim / 8 nonzeros a row) with `nq` queries from the same mixture, not in the data.
 */
export async function measureIndexTypes(rows: number, dim: number, nq: number, minMs: number): Promise<IndexTypeFigures[]> {
  const engine = createEngine({ threads: 1 });
  const dir = await mkdtemp(join(tmpdir(), 'mishards-index-types-'));
  const base = clusteredVectors(rows, dim, CLUSTERS, SEED);
  const queryBase = clusteredVectors(nq, dim, CLUSTERS, SEED, rows);
  const out: IndexTypeFigures[] = [];
  try {
    for (const { dataType, element, metric } of KINDS) {
      const set = element === 'sparse' ? sparseRows(0, rows, dim / 8) : clusteredKind(element, dim, base);
      const queries = element === 'sparse' ? sparseRows(rows, nq, dim / 8) : clusteredKind(element, dim, queryBase);
      const norms = metric === 'COSINE' ? rowNorms(set as DenseVectors, new Float64Array(rowCount(set))) : undefined;
      const truth = exactSearch({ vectors: set, metric, ...(norms ? { norms } : {}) }, queries, nq, K);
      const field = { name: 'v', dataType, dim } as FieldSchema;
      for (const [engineType, milvusTypes] of servedBy(dataType)) {
        const started = performance.now();
        const index = await engine.build(set, metric, engineType, engineBuildParams(milvusTypes[0]!, field, {}));
        const buildS = (performance.now() - started) / 1000;
        const at = join(dir, `${element}-${metric}-${engineType}`);
        await mkdir(at);
        await index.save(at);
        const one = (q: number) => pickRows(queries, [q]);
        const search = (q: number) => index.search({ queries: one(q), nq: 1, k: K });
        const figures = await timeQueries(nq, truth, async (_, q) => (await search(q)).offsets[0]!, { minMs });
        const got = { offsets: [] as Int32Array[], scores: [] as Float32Array[] };
        for (let q = 0; q < nq; q++) got.scores.push((await search(q)).scores[0]!);
        figures.recall = recallWithTies(got, truth, metric);
        await index.close();
        out.push({ kind: element, metric, engine: engineType, milvusTypes, buildS, fileMiB: (await dirBytes(at)) / 2 ** 20, figures });
      }
    }
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
  return out;
}

/** The figures as a table, HNSW on float32 first as the reference row. */
export function indexTypesTable(results: IndexTypeFigures[], targetRecall: number): string {
  return table(
    [
      'vector kind',
      'metric',
      'engine index',
      'Milvus index types served',
      'build s',
      'MiB',
      ...FIGURE_HEADERS,
      `recall >= ${targetRecall}`,
    ],
    results.map((r) => [
      r.kind,
      r.metric,
      r.engine,
      r.milvusTypes.join(' '),
      r.buildS.toFixed(1),
      r.fileMiB.toFixed(1),
      ...figureCells(r.figures),
      r.figures.recall >= targetRecall ? 'met' : 'MISSED',
    ]),
  );
}
