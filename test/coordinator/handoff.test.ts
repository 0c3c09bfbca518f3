import { afterAll, beforeAll, expect, it } from 'vitest';
import { CheckedSearches, TestCluster } from '../harness/cluster.js';

/**
 * Searches run continuously while a reader group joins and another leaves; every search
 * returns the full, exact answer (warm hand-off: a segment is served by whoever holds it
 * until its new owner has loaded it).
 */
const DIM = 8;
const SEGMENTS = 15;
const cluster = new TestCluster();
let rows: Map<number, number[]>;
const queries = Array.from({ length: 10 }, (_, i) => Array.from({ length: DIM }, (_, j) => Math.sin(i * 1.7 + j * 0.3)));

beforeAll(async () => {
  await cluster.start(
    [
      { name: 'r1', group: 'g1' },
      { name: 'r2', group: 'g2' },
    ],
    40,
  );
  rows = await cluster.seed('moving', DIM, SEGMENTS, 40);
  await cluster.until('g1 and g2 hold every segment', async () => {
    const h = await cluster.holdings('moving');
    return h.get('r1')!.length + h.get('r2')!.length === SEGMENTS;
  });
});

afterAll(() => cluster.stop());

it('answers every search exactly while a group joins and another leaves', async () => {
  const checked = new CheckedSearches(cluster.client, 'moving', queries, [rows]);

  // g3 joins: it takes over about a third of the segments; the others release them only
  // after g3 has loaded them.
  await cluster.startReader({ name: 'r3', group: 'g3' });
  cluster.setListed(['r1', 'r2', 'r3']);
  await cluster.until('g3 holds its share and nothing is held twice', async () => {
    const h = await cluster.holdings('moving');
    const all = [...h.values()].flat();
    return h.get('r3')!.length > 0 && all.length === SEGMENTS && new Set(all).size === SEGMENTS;
  });
  const joined = checked.searches;

  // g1 leaves: its segments move to g2 and g3.
  cluster.setListed(['r2', 'r3']);
  await cluster.until('g2 and g3 hold every segment', async () => {
    const h = await cluster.holdings('moving');
    return new Set([...h.get('r2')!, ...h.get('r3')!]).size === SEGMENTS;
  });
  await cluster.readers.get('r1')!.process.stop();
  const after = checked.searches;
  await cluster.until('searches ran on the final layout', async () => checked.searches > after + 30);
  await checked.stop();
  expect(checked.failures).toEqual([]);
  expect(joined).toBeGreaterThan(0);
  expect(checked.searches).toBeGreaterThan(60);
});
