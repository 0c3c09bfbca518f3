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
