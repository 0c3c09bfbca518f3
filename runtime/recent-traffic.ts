import type { Histogram } from 'prom-client';

/** One method's traffic over the recent window. */
export interface MethodTraffic {
  service: string;
  method: string;
  /** Requests per second. */
  qps: number;
  /** Latency quantiles in seconds (interpolated within histogram buckets); null without requests. */
  p50: number | null;
  p99: number | null;
}

interface Sample {
  at: number;
  /** By `service/method`: cumulative count per bucket, in the order of `bounds` (+Inf last). */
  methods: Map<string, { service: string; method: string; buckets: number[] }>;
  /** The finite bucket upper bounds. */
  bounds: number[];
}

const SAMPLE_MS = 1000;
/** How far back the figures reach. */
export const RECENT_WINDOW_S = 10;

/**
 * Recent requests per second and latency per method, read from a request-latency histogram
 * (mishards_request_duration_seconds): a sample of its cumulative buckets every second, the
 * figures from the difference between the newest sample and the one a window ago, as
 * Prometheus computes a rate and a histogram_quantile. For the status page, which has no
 * Prometheus to ask.
 */
export class RecentTraffic {
  private readonly samples: Sample[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly histogram: Histogram<'service' | 'method'>) {
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
    this.timer.unref();
    void this.sample();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const { name, values } = await this.histogram.get();
    const methods: Sample['methods'] = new Map();
    const bounds = new Set<number>();
    for (const v of values) {
      if (v.metricName !== `${name}_bucket`) continue;
      const le = (v.labels as { le?: number | string }).le;
      if (le !== '+Inf') bounds.add(Number(le));
      const key = `${v.labels.service}/${v.labels.method}`;
      let m = methods.get(key);
      if (!m) {
        m = { service: String(v.labels.service), method: String(v.labels.method), buckets: [] };
        methods.set(key, m);
      }
      m.buckets.push(v.value);
    }
    this.samples.push({ at: Date.now(), methods, bounds: [...bounds] });
    while (this.samples.length > RECENT_WINDOW_S + 1) this.samples.shift();
  }

  /** Every method with requests in the window, busiest first. */
  read(): MethodTraffic[] {
    const newest = this.samples.at(-1);
    const oldest = this.samples[0];
    if (!newest || !oldest || newest === oldest) return [];
    const seconds = (newest.at - oldest.at) / 1000;
    const bounds = newest.bounds;
    const out: MethodTraffic[] = [];
    for (const [key, now] of newest.methods) {
      const before = oldest.methods.get(key)?.buckets;
      const counts = now.buckets.map((c, i) => c - (before?.[i] ?? 0));
      const total = counts.at(-1) ?? 0;
      if (total <= 0) continue;
      out.push({
        service: now.service,
        method: now.method,
        qps: total / seconds,
        p50: quantile(0.5, bounds, counts),
        p99: quantile(0.99, bounds, counts),
      });
    }
    return out.sort((a, b) => b.qps - a.qps);
  }
}

/**
 * The q-quantile of cumulative bucket counts (the last bucket +Inf), interpolated linearly
 * inside its bucket as Prometheus's histogram_quantile does; the highest finite bound when it
 * falls in +Inf.
 */
export function quantile(q: number, bounds: readonly number[], cumulative: readonly number[]): number | null {
  const total = cumulative.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  const i = cumulative.findIndex((c) => c >= rank);
  if (i >= bounds.length) return bounds.at(-1) ?? null;
  const lower = i === 0 ? 0 : bounds[i - 1]!;
  const below = i === 0 ? 0 : cumulative[i - 1]!;
  const inBucket = cumulative[i]! - below;
  return inBucket > 0 ? lower + ((bounds[i]! - lower) * (rank - below)) / inBucket : bounds[i]!;
}
