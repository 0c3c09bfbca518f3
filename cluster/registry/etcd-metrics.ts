import { Counter, Gauge, type Registry } from 'prom-client';

/** What a process that uses etcd can say of it. */
export interface EtcdUse {
  /** Each is true while that use of etcd works (a live watch, a lease kept alive). */
  connected: (() => boolean)[];
  /** Times this process wrote its registration (absent: it does not register). */
  registrations?: () => number;
}

/**
 * `mishards_etcd_up` (1 while every watch and lease of the process works, 0 from the first
 * failure until they are back) and, for a registered process,
 * `mishards_etcd_registrations_total` (its registration written: once at start, once more
 * after each lost lease; several in a short time is a flapping member).
 */
export function etcdMetrics(registry: Registry, use: EtcdUse): void {
  new Gauge({
    name: 'mishards_etcd_up',
    help: 'Whether this process reaches etcd: 1 while its watches are live and its lease is kept alive, else 0',
    registers: [registry],
    collect() {
      this.set(use.connected.every((c) => c()) ? 1 : 0);
    },
  });
  const registrations = use.registrations;
  if (!registrations) return;
  new Counter({
    name: 'mishards_etcd_registrations_total',
    help: 'Times this process registered in etcd: 1 at start, one more after each lost lease',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(registrations());
    },
  });
}
