import { Registry } from 'prom-client';
import { afterEach, expect, it, vi } from 'vitest';
import { quantile, RecentTraffic } from '../../runtime/recent-traffic.js';
import { RpcMetrics } from '../../runtime/rpc-metrics.js';

afterEach(() => {
  vi.useRealTimers();
});

it('interpolates a quantile inside its bucket as histogram_quantile does', () => {
  const bounds = [0.1, 1, 5];
  // 10 requests up to 0.1 s, 80 more up to 1 s, 10 more up to 5 s, none above.
  const cumulative = [10, 90, 100, 100];
  expect(quantile(0.5, bounds, cumulative)).toBeCloseTo(0.1 + (0.9 * 40) / 80);
  expect(quantile(0.99, bounds, cumulative)).toBeCloseTo(1 + (4 * 9) / 10);
  expect(quantile(0.05, bounds, cumulative)).toBeCloseTo(0.05);
  // Past the last finite bound: that bound, as Prometheus answers.
  expect(quantile(0.99, bounds, [0, 0, 0, 100])).toBe(5);
  expect(quantile(0.5, bounds, [0, 0, 0, 0])).toBeNull();
});

it('reports the requests per second and latency of each method over the samples of the window', async () => {
  vi.useFakeTimers();
  const rpc = new RpcMetrics(new Registry());
  const traffic = new RecentTraffic(rpc.latency);
  await vi.advanceTimersByTimeAsync(0);
  const search = rpc.method('MilvusService', 'Search');
  for (let i = 0; i < 40; i++) search.done(performance.now() - 3, 0);
  rpc.method('MilvusService', 'Insert').done(performance.now(), 0);
  await vi.advanceTimersByTimeAsync(2000);
  const read = traffic.read();
  traffic.close();
  expect(read.map((m) => m.method)).toEqual(['Search', 'Insert']);
  expect(read[0]!.qps).toBeCloseTo(20);
  expect(read[0]!.p50).toBeGreaterThan(0.0025);
  expect(read[0]!.p99).toBeLessThanOrEqual(0.005);
  expect(read[1]!.qps).toBeCloseTo(0.5);
});
