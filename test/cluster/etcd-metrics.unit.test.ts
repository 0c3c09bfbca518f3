import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { etcdMetrics } from '../../cluster/registry/etcd-metrics.js';

it('reads mishards_etcd_up from every use of etcd at each scrape, and the registrations', async () => {
  const registry = new Registry();
  let watching = true;
  let leased = true;
  let registrations = 1;
  etcdMetrics(registry, { connected: [() => watching, () => leased], registrations: () => registrations });
  const value = async (name: string) => (await registry.getSingleMetric(name)!.get()).values[0]!.value;
  expect(await value('mishards_etcd_up')).toBe(1);
  leased = false;
  expect(await value('mishards_etcd_up')).toBe(0);
  leased = true;
  watching = false;
  expect(await value('mishards_etcd_up')).toBe(0);
  watching = true;
  registrations = 3;
  expect(await value('mishards_etcd_up')).toBe(1);
  expect(await value('mishards_etcd_registrations_total')).toBe(3);
});

it('exports no registration count for a process that does not register', async () => {
  const registry = new Registry();
  etcdMetrics(registry, { connected: [() => true] });
  expect(registry.getSingleMetric('mishards_etcd_registrations_total')).toBeUndefined();
});
