import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusteredVectors } from '../../bench/clustered-data.js';
import { createEngine, floatSet } from '../../engine/index.js';

const engine = createEngine({ threads: 2 });
const DIM = 16;
const ROWS = 3000;
const vectors = clusteredVectors(ROWS, DIM, 10, 3);
const queries = clusteredVectors(5, DIM, 10, 3, ROWS);
let root: string;
let saved: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'engine-files-'));
  saved = join(root, 'good');
  const index = await engine.build(floatSet(vectors, DIM), 'COSINE', 'HNSW', { M: 8, efConstruction: 64 });
  await mkdir(saved);
  await index.save(saved);
  await index.close();
});

afterAll(async () => {
  await engine.close();
  await rm(root, { recursive: true, force: true });
});

/** A copy of the saved index directory with its graph file changed by `damage`. */
async function damaged(name: string, damage: (graph: Buffer) => Buffer): Promise<string> {
  const dir = join(root, name);
  await cp(saved, dir, { recursive: true });
  const file = join(dir, 'hnsw.usearch');
  await writeFile(file, damage(await readFile(file)));
  return dir;
}

describe('loading saved indexes', () => {
  it('loads a saved HNSW index and a saved FLAT index', async () => {
    const hnsw = await engine.load(saved, floatSet(vectors, DIM), 'COSINE', 'HNSW');
    expect(hnsw.size).toBe(ROWS);
    expect((await hnsw.search({ queries: floatSet(queries, DIM), nq: 5, k: 3 })).offsets.every((o) => o.length === 3)).toBe(true);
    await hnsw.close();

    const flatDir = join(root, 'flat');
    await mkdir(flatDir);
    const flat = await engine.build(floatSet(vectors, DIM), 'L2', 'FLAT');
    await flat.save(flatDir);
    const reopened = await engine.load(flatDir, floatSet(vectors, DIM), 'L2', 'FLAT');
    expect(await reopened.search({ queries: floatSet(queries, DIM), nq: 5, k: 4 })).toEqual(
      await flat.search({ queries: floatSet(queries, DIM), nq: 5, k: 4 }),
    );
  });

  it('saves a loaded index again, also over the directory it is mapped from', async () => {
    const loaded = await engine.load(saved, floatSet(vectors, DIM), 'COSINE', 'HNSW');
    const before = await loaded.search({ queries: floatSet(queries, DIM), nq: 5, k: 5 });
    const copy = join(root, 'resaved');
    await mkdir(copy);
    await loaded.save(copy);
    await loaded.save(saved);
    expect(await loaded.search({ queries: floatSet(queries, DIM), nq: 5, k: 5 })).toEqual(before);
    for (const dir of [copy, saved]) {
      const again = await engine.load(dir, floatSet(vectors, DIM), 'COSINE', 'HNSW');
      expect(await again.search({ queries: floatSet(queries, DIM), nq: 5, k: 5 })).toEqual(before);
      await again.close();
    }
    await loaded.close();
  });

  it('rejects a missing directory, naming the file it looked for', async () => {
    const missing = join(root, 'nope');
    await expect(engine.load(missing, floatSet(vectors, DIM), 'COSINE', 'HNSW')).rejects.toThrow(join(missing, 'engine.json'));
    await expect(engine.load(missing, floatSet(vectors, DIM), 'L2', 'FLAT')).rejects.toThrow(join(missing, 'engine.json'));
  });

  it('rejects a missing graph file, naming it', async () => {
    const dir = await damaged('no-graph', (b) => b);
    await rm(join(dir, 'hnsw.usearch'));
    await expect(engine.load(dir, floatSet(vectors, DIM), 'COSINE', 'HNSW')).rejects.toThrow(join(dir, 'hnsw.usearch'));
  });

  it('rejects a truncated graph file, naming it', async () => {
    const dir = await damaged('truncated', (b) => b);
    await truncate(join(dir, 'hnsw.usearch'), 1000);
    await expect(engine.load(dir, floatSet(vectors, DIM), 'COSINE', 'HNSW')).rejects.toThrow(
      new RegExp(`${join(dir, 'hnsw.usearch')}.*truncated`),
    );
  });

  it('rejects a graph with flipped bits (which would crash usearch) before mapping it', async () => {
    // Damage in the neighbour lists passes usearch's own header checks and crashes the
    // process on the first search; the recorded checksum catches it first.
    const dir = await damaged('bitflips', (b) => {
      for (let i = b.length - 40_000; i < b.length - 100; i += 97) b.writeUInt8(b.readUInt8(i) ^ 0x5a, i);
      return b;
    });
    await expect(engine.load(dir, floatSet(vectors, DIM), 'COSINE', 'HNSW')).rejects.toThrow(
      new RegExp(`${join(dir, 'hnsw.usearch')}.*checksum`),
    );
  });

  it('rejects a corrupt or mismatched engine.json, naming it', async () => {
    const garbled = await damaged('garbled-meta', (b) => b);
    await writeFile(join(garbled, 'engine.json'), '{"format": 1, "indexType": "HN');
    await expect(engine.load(garbled, floatSet(vectors, DIM), 'COSINE', 'HNSW')).rejects.toThrow(join(garbled, 'engine.json'));
    await expect(engine.load(saved, floatSet(vectors, DIM), 'L2', 'HNSW')).rejects.toThrow(/metric is COSINE, expected L2/);
    await expect(engine.load(saved, floatSet(vectors.subarray(DIM), DIM), 'COSINE', 'HNSW')).rejects.toThrow(/rows is 3000/);
  });

  it('keeps serving after every failed load', async () => {
    const index = await engine.load(saved, floatSet(vectors, DIM), 'COSINE', 'HNSW');
    expect((await index.search({ queries: floatSet(queries, DIM), nq: 5, k: 2 })).offsets).toHaveLength(5);
    await index.close();
  });
});
