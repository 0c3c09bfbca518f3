import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { clusteredVectors } from '../../bench/clustered-data.js';
import { createEngine, floatSet } from '../../engine/index.js';

const DIM = 32;
const ROWS = 5000;
const vectors = clusteredVectors(ROWS, DIM, 10, 21);
const queries = clusteredVectors(40, DIM, 10, 21, ROWS);
const query = (q: number) => queries.subarray(q * DIM, (q + 1) * DIM);

it('answers concurrent searches on every worker as it answers them one by one', async () => {
  const engine = createEngine({ threads: 2 });
  const dir = await mkdtemp(join(tmpdir(), 'engine-life-'));
  try {
    const built = await engine.build(floatSet(vectors, DIM), 'IP', 'HNSW');
    await built.save(dir);
    const loaded = await engine.load(dir, floatSet(vectors, DIM), 'IP', 'HNSW');
    const flat = await engine.build(floatSet(vectors, DIM), 'IP', 'FLAT');
    for (const index of [loaded, flat]) {
      const serial = [];
      for (let q = 0; q < 40; q++) serial.push(await index.search({ queries: floatSet(query(q), DIM), nq: 1, k: 7 }));
      const concurrent = await Promise.all(
        Array.from({ length: 40 }, (_, q) => index.search({ queries: floatSet(query(q), DIM), nq: 1, k: 7 })),
      );
      expect(concurrent).toEqual(serial);
    }
    await built.close();
    await loaded.close();
  } finally {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  }
});

it('lets searches in flight finish when an index closes, and rejects after the engine closes', async () => {
  const engine = createEngine({ threads: 2 });
  const index = await engine.build(floatSet(vectors, DIM), 'L2', 'HNSW');
  const inFlight = Array.from({ length: 20 }, (_, q) => index.search({ queries: floatSet(query(q), DIM), nq: 1, k: 5 }));
  await index.close();
  for (const r of await Promise.all(inFlight)) expect(r.offsets[0]).toHaveLength(5);
  await expect(index.search({ queries: floatSet(query(0), DIM), nq: 1, k: 5 })).rejects.toThrow(/closed/);

  const flat = await engine.build(floatSet(vectors, DIM), 'L2', 'FLAT');
  await engine.close();
  // 40 queries over 5000 x 32 is more than an inline scan: it needs a worker.
  await expect(flat.search({ queries: floatSet(queries, DIM), nq: 40, k: 5 })).rejects.toThrow(/engine closed/);
});

it("adds each search's compute time to the request's SearchTime, run in this thread or in a worker", async () => {
  const engine = createEngine({ threads: 1 });
  try {
    // 100 rows are scanned in place; 5000 x 32 floats are more than that, so a worker scans them.
    const inline = await engine.build(floatSet(vectors.slice(0, 100 * DIM), DIM), 'L2', 'FLAT');
    const pooled = await engine.build(floatSet(vectors, DIM), 'L2', 'FLAT');
    for (const index of [inline, pooled]) {
      const time = { seconds: 0 };
      const started = performance.now();
      const timed = await index.search({ queries: floatSet(query(0), DIM), nq: 1, k: 5, time });
      const wall = (performance.now() - started) / 1000;
      expect(time.seconds).toBeGreaterThan(0);
      expect(time.seconds).toBeLessThanOrEqual(wall);
      // A second search adds to the same request's time; the answer does not depend on it.
      const first = time.seconds;
      expect(await index.search({ queries: floatSet(query(0), DIM), nq: 1, k: 5, time })).toEqual(timed);
      expect(time.seconds).toBeGreaterThan(first);
      expect(await index.search({ queries: floatSet(query(0), DIM), nq: 1, k: 5 })).toEqual(timed);
    }
  } finally {
    await engine.close();
  }
});
