/**
 * The coordinator's Prometheus histograms as the cluster benchmark reads them: scraped
 * before and after a measurement, subtracted so only that measurement's requests count, and
 * summarised by mean (exact: sum / count) and quantiles interpolated within buckets the way
 * PromQL's histogram_quantile does (only as fine as the buckets).
 */

export interface Histogram {
  /** Cumulative counts by upper bound, ascending; the last bound is +Inf. */
  buckets: { le: number; count: number }[];
  sum: number;
  count: number;
}

/** A histogram's series in one scrape, keyed by the label values asked for. */
export type Series = Map<string, Histogram>;

export async function scrape(address: string): Promise<string> {
  const res = await fetch(`http://${address}/metrics`);
  if (!res.ok) throw new Error(`GET http://${address}/metrics answered ${res.status}`);
  return res.text();
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Every series of histogram `name` whose labels include `where`, keyed by the values of
 * `by` joined with "," (empty key without `by`). Series that differ only in labels outside
 * `by` are added together.
 */
export function histograms(text: string, name: string, where: Record<string, string> = {}, by: string[] = []): Series {
  const out: Series = new Map();
  const get = (key: string) => {
    let h = out.get(key);
    if (!h) {
      h = { buckets: [], sum: 0, count: 0 };
      out.set(key, h);
    }
    return h;
  };
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m || !m[1]!.startsWith(name)) continue;
    const part = m[1]!.slice(name.length);
    if (part !== '_bucket' && part !== '_sum' && part !== '_count') continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    if (Object.entries(where).some(([k, v]) => labels[k] !== v)) continue;
    const h = get(by.map((k) => labels[k] ?? '').join(','));
    const value = Number(m[3]);
    if (part === '_sum') h.sum += value;
    else if (part === '_count') h.count += value;
    else {
      const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
      const b = h.buckets.find((x) => x.le === le);
      if (b) b.count += value;
      else h.buckets.push({ le, count: value });
    }
  }
  for (const h of out.values()) h.buckets.sort((a, b) => a.le - b.le);
  return out;
}

/** The samples of gauge `name` in one scrape, keyed by the value of label `by`. */
export function gauges(text: string, name: string, by: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (m?.[1] !== name) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!]));
    out.set(labels[by] ?? '', Number(m[3]));
  }
  return out;
}

/** `a` + sign * `b`, series by series (bucket bounds are fixed per histogram). */
function combine(a: Series, b: Series, sign: 1 | -1): Series {
  const out: Series = new Map();
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const bounds = (x ?? y)!.buckets.map((bk) => bk.le);
    const at = (h: Histogram | undefined, le: number) => h?.buckets.find((bk) => bk.le === le)?.count ?? 0;
    out.set(key, {
      buckets: bounds.map((le) => ({ le, count: at(x, le) + sign * at(y, le) })),
      sum: (x?.sum ?? 0) + sign * (y?.sum ?? 0),
      count: (x?.count ?? 0) + sign * (y?.count ?? 0),
    });
  }
  return out;
}

/** What was observed between two scrapes. */
export const since = (after: Series, before: Series) => combine(after, before, -1);

/** Observations of two disjoint periods together. */
export const pooled = (a: Series, b: Series) => combine(a, b, 1);

export interface Quantile {
  /** Linear interpolation within the bucket holding the rank. */
  value: number;
  /** That bucket's bounds: the true quantile lies between them. */
  lower: number;
  upper: number;
}

/** The q-quantile as histogram_quantile estimates it; undefined without observations. */
export function quantile(h: Histogram, q: number): Quantile | undefined {
  if (h.count === 0) return undefined;
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (const b of h.buckets) {
    if (b.count >= rank && b.count > below) {
      // Above the largest finite bound nothing is known but that bound.
      if (b.le === Infinity) return { value: lower, lower, upper: Infinity };
      return { value: lower + ((b.le - lower) * (rank - below)) / (b.count - below), lower, upper: b.le };
    }
    lower = b.le;
    below = b.count;
  }
  return undefined;
}

export const mean = (h: Histogram) => (h.count === 0 ? NaN : h.sum / h.count);
