/**
 * A process's Prometheus metrics, scraped once: `value(name, labels)` sums the samples of
 * `name` whose labels include all of `labels` (0 when there are none).
 */
export async function scrapeMetrics(address: string): Promise<(name: string, labels?: Record<string, string>) => number> {
  const text = await (await fetch(`http://${address}/metrics`)).text();
  const samples = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, l[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
  return (name, labels = {}) =>
    samples
      .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
      .reduce((sum, s) => sum + s.value, 0);
}
