import { afterAll, expect, it } from 'vitest';
import { clusteredVectors } from '../../bench/clustered-data.js';
import { createEngine, floatSet } from '../../engine/index.js';

const engine = createEngine({ threads: 2 });
afterAll(() => engine.close());

/**
 * Runs `work` while a 5 ms timer ticks on the event loop; returns how many ticks ran and
 * the longest gap between two of them.
 */
async function ticksDuring(work: () => Promise<unknown>): Promise<{ ticks: number; maxGapMs: number; ms: number }> {
  let ticks = 0;
  let maxGapMs = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    ticks++;
  }, 5);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { ticks, maxGapMs, ms: performance.now() - started };
}

it('keeps the event loop responsive during a large build and large exact scans', async () => {
  const dim = 128;
  const rows = 30_000;
  const vectors = clusteredVectors(rows, dim, 30, 9);
  const queries = clusteredVectors(256, dim, 30, 9, rows);

  let index: Awaited<ReturnType<typeof engine.build>> | undefined;
  const build = await ticksDuring(async () => {
    // Build quality is beside the point here; a lower efConstruction keeps the test short.
    index = await engine.build(floatSet(vectors, dim), 'COSINE', 'HNSW', { efConstruction: 64 });
  });
  console.log(`build ${rows} x ${dim}: ${build.ms.toFixed(0)} ms, ${build.ticks} ticks, longest gap ${build.maxGapMs.toFixed(1)} ms`);
  // A blocked loop would show one gap as long as the whole build. Other load on the
  // machine delays timers too, so the bounds are relative to the build's length.
  expect(build.ticks).toBeGreaterThan(build.ms / 5 / 10);
  expect(build.maxGapMs).toBeLessThan(Math.max(250, build.ms / 4));

  const flat = await engine.build(floatSet(vectors, dim), 'L2', 'FLAT');
  const scans = await ticksDuring(() =>
    Promise.all([
      flat.search({ queries: floatSet(queries, dim), nq: 256, k: 10 }),
      index!.search({ queries: floatSet(queries, dim), nq: 256, k: 10 }),
    ]),
  );
  console.log(`256-query exact scan + graph search: ${scans.ms.toFixed(0)} ms, longest gap ${scans.maxGapMs.toFixed(1)} ms`);
  expect(scans.maxGapMs).toBeLessThan(Math.max(100, scans.ms / 4));
  await index!.close();
});
