/**
 * What `save` writes into an index directory: `engine.json` describing the index (and,
 * for HNSW, the length and CRC-32 of the graph file), plus `hnsw.usearch` for HNSW. FLAT
 * has no file of its own: its data is the segment's raw vectors. Names are relative, so a
 * directory can be renamed after saving (the writer saves into `<dir>.tmp` and publishes).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { MetricType, VectorElement } from '../core/vector-types.js';
import type { IndexType } from './engine.js';
import type { FileCheck } from './hnsw.js';

const META_FILE = 'engine.json';
export const GRAPH_FILE = 'hnsw.usearch';
export const IVF_FILE = 'ivf.bin';
export const SPARSE_FILE = 'sparse.bin';
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
  /** IVF_FLAT and IVF_SQ8 only: the lists' count and clustering dimensions, and their file's check. */
  ivf?: { nlist: number; dim: number } & FileCheck;
  /** SPARSE_INVERTED only: the lists' dimensions and entries, the build's drop ratio, and their file's check. */
  sparse?: { dims: number; entries: number; dropRatioBuild: number } & FileCheck;
}

const isCount = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;

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
export async function readMeta(dir: string, want: Omit<IndexMeta, 'format' | 'graph' | 'ivf' | 'sparse'>): Promise<IndexMeta> {
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
    if (!g || ![g.M, g.efConstruction, g.bytes, g.crc32].every(isCount)) throw fail('graph description missing or invalid');
  }
  const ivf = meta.ivf;
  if (meta.indexType === 'IVF_FLAT' || meta.indexType === 'IVF_SQ8') {
    if (!ivf || ![ivf.nlist, ivf.dim, ivf.bytes, ivf.crc32].every(isCount)) throw fail('IVF description missing or invalid');
  }
  const sp = meta.sparse;
  if (meta.indexType === 'SPARSE_INVERTED') {
    const ratio = sp?.dropRatioBuild;
    if (!sp || ![sp.dims, sp.entries, sp.bytes, sp.crc32].every(isCount) || !(typeof ratio === 'number' && ratio >= 0 && ratio < 1))
      throw fail('sparse list description missing or invalid');
  }
  return meta;
}

/** Writes typed arrays end to end into `path`; resolves to the file's length and CRC-32. */
export async function writeParts(path: string, parts: readonly ArrayBufferView[]): Promise<FileCheck> {
  const bytes = Buffer.concat(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)));
  await writeFile(path, bytes);
  return { bytes: bytes.length, crc32: crc32(bytes) };
}

/** A file written by writeParts, once its length and CRC-32 match what was recorded. */
export async function readChecked(path: string, check: FileCheck): Promise<Buffer> {
  const bytes = await readFile(path);
  if (bytes.length !== check.bytes || crc32(bytes) !== check.crc32) {
    throw new Error(
      `${path} is corrupt: ${bytes.length} bytes, CRC-32 ${crc32(bytes)}; expected ${check.bytes} bytes, CRC-32 ${check.crc32}`,
    );
  }
  return bytes;
}
