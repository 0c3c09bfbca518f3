import { Counter, Gauge, type Registry } from 'prom-client';
import { RATE_KIND_SPECS, RATE_KINDS, type RateKind, type RateQuotaConfig, type RefusalKind } from '../milvus/quotas.js';

/**
 * Quota metrics of a process: its refusals by kind and collection, and its configured limits
 * (in the flags' units; an unset limit is not exported), kept current as they change.
 */
export class QuotaMetrics {
  private readonly refusedTotal: Counter<'kind' | 'collection'>;
  private readonly limit: Gauge<'kind' | 'scope' | 'unit'>;
  private readonly memoryLevel: Gauge | undefined;

  /**
   * `enforced`: the kinds this process holds requests to; `memoryHighWaterLevel` where it
   * protects memory.
   */
  constructor(
    registry: Registry,
    rates: RateQuotaConfig,
    private readonly enforced: readonly RateKind[] = RATE_KINDS,
    memoryHighWaterLevel?: number,
  ) {
    this.refusedTotal = new Counter({
      name: 'mishards_rate_limited_total',
      help: 'Requests refused by a rate limit (kind insert, upsert, delete, rows, search, query) or by memory protection (kind memory)',
      labelNames: ['kind', 'collection'],
      registers: [registry],
    });
    this.limit = new Gauge({
      name: 'mishards_quota_limit',
      help: 'Configured rate limits, in the unit of their flag (label unit), cluster-wide or per collection (label scope)',
      labelNames: ['kind', 'scope', 'unit'],
      registers: [registry],
    });
    this.memoryLevel =
      memoryHighWaterLevel === undefined
        ? undefined
        : new Gauge({
            name: 'mishards_memory_high_water_level',
            help: 'Fraction of the machine memory above which the writer refuses writes',
            registers: [registry],
          });
    this.configure(rates, memoryHighWaterLevel);
  }

  /** Exports the limits now in force. */
  configure(rates: RateQuotaConfig, memoryHighWaterLevel?: number): void {
    this.limit.reset();
    for (const kind of this.enforced) {
      for (const scope of ['cluster', 'collection'] as const) {
        const value = rates[kind][scope];
        if (value !== undefined) this.limit.set({ kind, scope, unit: RATE_KIND_SPECS[kind].unit }, value);
      }
    }
    if (memoryHighWaterLevel !== undefined) this.memoryLevel?.set(memoryHighWaterLevel);
  }

  readonly refused = (kind: RefusalKind, collection: string): void => {
    this.refusedTotal.inc({ kind, collection });
  };
}
