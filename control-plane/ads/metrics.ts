import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { TypeUrl } from '../xds/snapshot.js';
import type { StreamKind } from './client-status.js';
import { typeName } from './types.js';

/**
 * ADS server metrics. `type` is the short type name (cluster, endpoint, listener, route),
 * `kind` the protocol variant (sotw, delta).
 */
export class AdsMetrics {
  readonly streams: Gauge<'kind'>;
  readonly responses: Counter<'kind' | 'type'>;
  readonly acks: Counter<'kind' | 'type'>;
  readonly nacks: Counter<'kind' | 'type'>;
  readonly pushDelay: Histogram<'kind' | 'type'>;

  constructor(registry: Registry) {
    this.streams = new Gauge({
      name: 'mishards_xds_streams',
      help: 'Open ADS streams by protocol variant',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.responses = new Counter({
      name: 'mishards_xds_responses_total',
      help: 'ADS responses sent, by protocol variant and resource type',
      labelNames: ['kind', 'type'],
      registers: [registry],
    });
    this.acks = new Counter({
      name: 'mishards_xds_acks_total',
      help: 'ADS responses ACKed by clients, by protocol variant and resource type',
      labelNames: ['kind', 'type'],
      registers: [registry],
    });
    this.nacks = new Counter({
      name: 'mishards_xds_nacks_total',
      help: 'ADS responses rejected (NACKed) by clients, by protocol variant and resource type',
      labelNames: ['kind', 'type'],
      registers: [registry],
    });
    this.pushDelay = new Histogram({
      name: 'mishards_xds_push_delay_seconds',
      help: 'Time from a new snapshot to a response carrying it being written to a stream',
      labelNames: ['kind', 'type'],
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    });
    // Every variant and type reads 0 until it happens: a NACK alert, a push rate and its
    // delay quantile need the series.
    for (const kind of ['sotw', 'delta'] satisfies StreamKind[])
      for (const url of Object.values(TypeUrl)) {
        const labels = { kind, type: typeName(url) };
        for (const counter of [this.responses, this.acks, this.nacks]) counter.inc(labels, 0);
        this.pushDelay.zero(labels);
      }
  }

  opened(kind: StreamKind): void {
    this.streams.inc({ kind });
  }

  closed(kind: StreamKind): void {
    this.streams.dec({ kind });
  }
}
