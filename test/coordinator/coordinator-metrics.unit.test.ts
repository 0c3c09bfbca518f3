import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { BoundedLoadRing } from '../../cluster/routing/bounded-load-ring.js';
import { CoordinatorMetrics } from '../../ext-proc/coordinator/coordinator-metrics.js';

/** mishards_group_rows: the rows each reader group was given, replaced wholesale on every pass. */
it('sets mishards_group_rows{group} to each group rows, and drops groups that left', async () => {
  const registry = new Registry();
  const metrics = new CoordinatorMetrics(registry, { hits: 0, misses: 0 });
  const segments = Array.from({ length: 12 }, (_, i) => ({ id: i + 1, rows: 100 * (i + 1) }));
  const rowsOf = async () => {
    const gauge = await registry.getSingleMetric('mishards_group_rows')!.get();
    return Object.fromEntries(gauge.values.map((v) => [String(v.labels.group), v.value])) as Record<string, number>;
  };

  const three = new BoundedLoadRing(['g1', 'g2', 'g3']).assign(segments);
  metrics.recordAssignment(three);
  expect(await rowsOf()).toEqual(Object.fromEntries(three.rows));
  expect(Object.values(await rowsOf()).reduce((a, b) => a + b, 0)).toBe(7800);

  const two = new BoundedLoadRing(['g1', 'g2']).assign(segments);
  metrics.recordAssignment(two);
  expect(await rowsOf()).toEqual(Object.fromEntries(two.rows));
  expect(await registry.metrics()).not.toMatch(/mishards_group_rows\{group="g3"\}/);
});

/** Per-group gauges read as { group: value }. */
async function byGroup(registry: Registry, name: string): Promise<Record<string, number>> {
  const gauge = await registry.getSingleMetric(name)!.get();
  return Object.fromEntries(gauge.values.map((v) => [String(v.labels.group), v.value]));
}

it('sets mishards_group_segments{group} to the segments each group was given', async () => {
  const registry = new Registry();
  const metrics = new CoordinatorMetrics(registry, { hits: 0, misses: 0 });
  const assignment = new BoundedLoadRing(['g1', 'g2']).assign(Array.from({ length: 9 }, (_, i) => ({ id: i + 1, rows: 10 })));
  metrics.recordAssignment(assignment);
  const segments = await byGroup(registry, 'mishards_group_segments');
  expect(segments).toEqual(Object.fromEntries(assignment.segmentCounts));
  expect(Object.values(segments).reduce((a, b) => a + b, 0)).toBe(9);
});

it('reads mishards_group_live_replicas{group} at each scrape, groups gone included as long as they are listed', async () => {
  const registry = new Registry();
  const metrics = new CoordinatorMetrics(registry, { hits: 0, misses: 0 });
  let groups = new Map([
    ['g1', { live: 2 }],
    ['g2', { live: 1 }],
  ]);
  metrics.watchGroups(() => groups);
  expect(await byGroup(registry, 'mishards_group_live_replicas')).toEqual({ g1: 2, g2: 1 });
  groups = new Map([['g2', { live: 0 }]]);
  expect(await byGroup(registry, 'mishards_group_live_replicas')).toEqual({ g2: 0 });
});

it('counts a target errors from 0 as soon as the target is used, so that error ratios exist', async () => {
  const registry = new Registry();
  const metrics = new CoordinatorMetrics(registry, { hits: 0, misses: 0 });
  metrics.target('g1').subRequestDone(performance.now(), true);
  const text = await registry.metrics();
  expect(text).toMatch(/^mishards_subrequest_errors_total\{target="g1"\} 0$/m);
  metrics.target('g1').subRequestDone(performance.now(), false);
  expect(await registry.metrics()).toMatch(/^mishards_subrequest_errors_total\{target="g1"\} 1$/m);
});
