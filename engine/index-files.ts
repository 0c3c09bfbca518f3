/**
 * What `save` writes into an index directory: `engine.json` describing the index (and,
 * for HNSW, the length and CRC-32 of the graph file), plus `hnsw.usearch` for HNSW. FLAT
 * has no file of its own: its data is the segment's raw vectors. Names are relative, so a
 * directory can be renamed after saving (the writer saves into `<dir>.tmp` and publishes).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricType, VectorElement } from '../core/vector-types.js';
import type { IndexType } from './engine.js';
import type { FileCheck } from './hnsw.js';

const META_FILE = 'engine.json';
export const GRAPH_FILE = 'hnsw.usearch';
const FORMAT = 1;

export interface IndexMeta {
  format: typeof FORMAT;
  indexType: IndexType;
  metric: MetricType;
  /** The kind of vectors indexed; absent in files written before Mishards had more than float32 ones. */
  element?: VectorElement;
  /** Dimensions of dense vectors; 0 for sparse ones. */
  dim: number;
  rows: number;
  /** HNSW only. */
  graph?: { M: number; efConstruction: number } & FileCheck;
}

export async function writeMeta(dir: string, meta: IndexMeta): Promise<void> {
  const path = join(dir, META_FILE);
  // Written last and renamed into place: its presence means the directory is complete.
  await writeFile(`${path}.tmp`, JSON.stringify(meta));
  await rename(`${path}.tmp`, path);
}

/**
 * Reads and checks `engine.json` against what the caller expects of the segment. Every
 * failure is an Error naming the file and the reason.
 */
export async function readMeta(dir: string, want: Omit<IndexMeta, 'format' | 'graph'>): Promise<IndexMeta> {
  const path = join(dir, META_FILE);
  const fail = (reason: string) => new Error(`cannot load ${want.indexType} index ${path}: ${reason}`);
  let meta: IndexMeta;
  try {
    meta = JSON.parse(await readFile(path, 'utf8')) as IndexMeta;
  } catch (err) {
    throw fail((err as Error).message);
  }
  if (meta?.format !== FORMAT) throw fail(`unknown format ${JSON.stringify(meta?.format)}`);
  meta.element ??= 'float32';
  for (const key of ['indexType', 'metric', 'element', 'dim', 'rows'] as const) {
    if (meta[key] !== want[key]) throw fail(`${key} is ${meta[key]}, expected ${want[key]}`);
  }
  const g = meta.graph;
  if (meta.indexType === 'HNSW') {
    const valid = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
    if (!g || ![g.M, g.efConstruction, g.bytes, g.crc32].every(valid)) throw fail('graph description missing or invalid');
  }
  return meta;
}
