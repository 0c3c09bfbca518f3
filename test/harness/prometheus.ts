import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { findBinary } from './binaries.js';
import { withFreePorts } from './free-port.js';
import { supervise, waitUntilReady } from './supervise.js';

/** One sample of an instant query's answer. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An alert as /api/v1/alerts lists it. */
export interface PromAlert {
  labels: Record<string, string>;
  state: 'pending' | 'firing';
}

export interface PrometheusInstance {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** An instant query; fails on an error answer. */
  query(expr: string): Promise<PromSample[]>;
  /** The active (pending or firing) alerts. */
  alerts(): Promise<PromAlert[]>;
  /** The scrape targets' health by scrape URL. */
  targets(): Promise<{ scrapeUrl: string; health: string; labels: Record<string, string> }[]>;
  stop(): Promise<void>;
}

/**
 * Starts a private Prometheus (Debian's `prometheus`) with `config` (a configuration object,
 * written as its YAML file) on a free loopback port, with its own data directory in a fresh
 * temp dir: the system's Prometheus, if any, is never involved. Resolves once it is ready.
 */
export async function startPrometheus(config: unknown): Promise<PrometheusInstance> {
  const binary = findBinary('prometheus');
  return withFreePorts(1, async ([port]) => {
    const dir = await mkdtemp(join(tmpdir(), 'mishards-prometheus-'));
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, YAML.stringify(config));
    const url = `http://127.0.0.1:${port}`;
    const server = supervise(dir, binary, [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    try {
      await waitUntilReady('prometheus', server, async () => {
        const res = await fetch(`${url}/-/ready`);
        if (!res.ok) throw new Error(`/-/ready answered ${res.status}`);
      });
    } catch (err) {
      await server.stop();
      throw err;
    }
    const api = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${url}/api/v1/${path}`);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? res.status}`);
      return body.data;
    };
    return {
      url,
      query: async (expr) => (await api<{ result: PromSample[] }>(`query?query=${encodeURIComponent(expr)}`)).result,
      alerts: async () => (await api<{ alerts: PromAlert[] }>('alerts')).alerts,
      targets: async () => (await api<{ activeTargets: any[] }>('targets')).activeTargets,
      stop: () => server.stop(),
    };
  });
}
