import { Histogram, type Registry } from 'prom-client';

/** Where a search request's engine time is recorded: once per request. */
export type EngineSearchSeconds = Pick<Histogram, 'observe'>;

/**
 * `mishards_engine_search_seconds` of a data node: per search request, the seconds spent
 * inside engine search calls (the CPU time of calls run on the main thread, the compute time
 * the worker reports for calls run in a worker; summed over segments and sub-searches). The
 * node's CPU per request minus this is what it spends around the engine.
 */
export function engineSearchSeconds(registry: Registry): Histogram {
  return new Histogram({
    name: 'mishards_engine_search_seconds',
    help: 'Seconds spent inside engine search calls per search request on a data node',
    buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}
