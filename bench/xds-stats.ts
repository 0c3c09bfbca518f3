/** Percentiles for bench:xds, and the Prometheus histograms it reads from the control plane. */

/** Nearest-rank percentile (p in 0..100): a value that was measured, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

export const ms = (value: number): string => value.toFixed(1);

export interface Histogram {
  count: number;
  sum: number;
  /** Cumulative counts by upper bound (`le`), ascending, +Inf last. */
  buckets: [number, number][];
}

/**
 * One histogram from Prometheus text exposition, its series with these label values summed
 * (e.g. `{ kind: 'sotw', type: 'endpoint' }`); undefined when the metric has no such series.
 */
export function readHistogram(text: string, name: string, labels: Record<string, string> = {}): Histogram | undefined {
  const buckets = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || !m[1]!.startsWith(name)) continue;
    const series = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
    if (!Object.entries(labels).every(([k, v]) => series[k] === v)) continue;
    const value = Number(m[3]);
    const suffix = m[1]!.slice(name.length);
    if (suffix === '_bucket') {
      const le = series.le === '+Inf' ? Infinity : Number(series.le);
      buckets.set(le, (buckets.get(le) ?? 0) + value);
      found = true;
    } else if (suffix === '_count') count += value;
    else if (suffix === '_sum') sum += value;
  }
  if (!found) return undefined;
  return { count, sum, buckets: [...buckets].sort(([a], [b]) => a - b) };
}

/** The smallest bucket bound holding at least p% of the observations: "p50 <= 25 ms". */
export function bucketBound(h: Histogram, p: number): number {
  const target = (p / 100) * h.count;
  return h.buckets.find(([, cumulative]) => cumulative >= target)?.[0] ?? Infinity;
}

/** `n=40 mean 31.2 ms, p50 <= 50 ms, p99 <= 100 ms` (seconds in the histogram, ms printed). */
export function describeHistogram(h: Histogram | undefined): string {
  if (!h || h.count === 0) return 'no observations';
  const bound = (p: number) => {
    const b = bucketBound(h, p);
    return b === Infinity ? 'above the last bucket' : `<= ${ms(b * 1000)} ms`;
  };
  return `n=${h.count}, mean ${ms((h.sum / h.count) * 1000)} ms, p50 ${bound(50)}, p99 ${bound(99)}`;
}
