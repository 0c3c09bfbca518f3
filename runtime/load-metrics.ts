import { Counter, Gauge, type Registry } from 'prom-client';
import type { VectorEngine } from '../engine/engine.js';
import { Admission, type AdmissionLimits, type Lane } from './admission.js';

/**
 * A data node's admission, with the gauges that show its load on `registry`:
 * `mishards_engine_work_in_flight` (engine jobs sent to the worker threads and not answered:
 * 0 means no search is computing), `mishards_admission_running{lane}`,
 * `mishards_admission_waiting` and `mishards_admission_refused_total{reason}`.
 */
export function meteredAdmission(registry: Registry, engine: Pick<VectorEngine, 'workInFlight'>, limits: AdmissionLimits): Admission {
  const refused = new Counter({
    name: 'mishards_admission_refused_total',
    help: 'Searches and queries refused by admission: busy (no slot within the wait bound), too_large (over the memory budget alone), closed (shutting down)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const admission = new Admission(limits, (why) => refused.inc({ reason: why }));
  new Gauge({
    name: 'mishards_engine_work_in_flight',
    help: 'Engine jobs (search slices, index builds, ...) sent to the worker threads and not answered yet',
    registers: [registry],
    collect() {
      this.set(engine.workInFlight());
    },
  });
  new Gauge({
    name: 'mishards_admission_running',
    help: 'Searches and queries running, by admission lane (small, or heavy: holding a slot)',
    labelNames: ['lane'],
    registers: [registry],
    collect() {
      for (const lane of ['small', 'heavy'] satisfies Lane[]) this.set({ lane }, admission.runningIn(lane));
    },
  });
  new Gauge({
    name: 'mishards_admission_waiting',
    help: 'Expensive searches and queries waiting for a slot',
    registers: [registry],
    collect() {
      this.set(admission.waiting);
    },
  });
  return admission;
}
