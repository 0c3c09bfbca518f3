/**
 * Measuring and printing for the node benchmark: one timing method shared by every search
 * path (engine in-process, SDK end to end, LanceDB), so their figures compare directly.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import type { VectorSearchResult } from '../engine/engine.js';
import { recallAt } from './clustered-data.js';

/** One query's answer: the benchmark's row ids (generation order), best first. */
export type Ids = ArrayLike<number>;

export interface SearchFigures {
  recall: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time per query of this process plus any measured server process. */
  cpuUsPerQuery: number;
  /** The measured server processes' share of `cpuUsPerQuery`. */
  serverCpuUsPerQuery: number;
  queries: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Figure by figure, the median over rounds (recall is the same every round). */
export function medianFigures(rounds: SearchFigures[]): SearchFigures {
  const pick = (f: keyof SearchFigures) => median(rounds.map((r) => r[f]));
  return {
    recall: pick('recall'),
    qps: pick('qps'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
    cpuUsPerQuery: pick('cpuUsPerQuery'),
    serverCpuUsPerQuery: pick('serverCpuUsPerQuery'),
    queries: pick('queries'),
  };
}

export interface TimingOptions {
  /** Parallel clients, each issuing its next query when the previous one answered. */
  clients?: number;
  /** Keep repeating timed passes over the queries until this much time has passed. */
  minMs: number;
  /** Other processes whose CPU time counts towards the queries (the writer). */
  pids?: number[];
}

const TICKS_PER_SECOND = 100;

/** User + system CPU time of another process, in microseconds (Linux /proc). */
function processCpuUs(pid: number): number {
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
}

/** CPU time of this process (every thread), in microseconds. */
export function ownCpuUs(): number {
  const own = process.cpuUsage();
  return own.user + own.system;
}

export const serverCpuUs = (pids: number[]) => pids.reduce((sum, pid) => sum + processCpuUs(pid), 0);

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

/**
 * Runs `search(client, q)` for queries 0..nq-1: one untimed warm-up pass over the first
 * 100 queries (page cache, JIT, lazily opened files), then timed passes over all of them
 * until `minMs` have passed. Recall is scored on the first timed pass; latencies and QPS
 * cover every timed query.
 */
export async function timeQueries(
  nq: number,
  truth: VectorSearchResult,
  search: (client: number, q: number) => Promise<Ids>,
  opts: TimingOptions,
): Promise<SearchFigures> {
  const clients = opts.clients ?? 1;
  const pids = opts.pids ?? [];
  const pass = async (count: number, latencies: number[] | undefined, got: Ids[] | undefined) => {
    let next = 0;
    const loop = async (client: number) => {
      while (next < count) {
        const q = next++;
        const t = performance.now();
        const ids = await search(client, q);
        latencies?.push(performance.now() - t);
        if (got) got[q] = ids;
      }
    };
    await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  };

  await pass(Math.min(nq, 100), undefined, undefined);
  const latencies: number[] = [];
  const got: Ids[] = [];
  const own0 = ownCpuUs();
  const server0 = serverCpuUs(pids);
  const t0 = performance.now();
  await pass(nq, latencies, got);
  while (performance.now() - t0 < opts.minMs) await pass(nq, latencies, undefined);
  const elapsed = performance.now() - t0;
  const server = serverCpuUs(pids) - server0;
  const cpu = ownCpuUs() - own0 + server;

  const sorted = Float64Array.from(latencies).sort();
  return {
    recall: recallAt({ offsets: got.map((ids) => Int32Array.from(ids)), scores: [] }, truth),
    qps: (latencies.length * 1000) / elapsed,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    cpuUsPerQuery: cpu / latencies.length,
    serverCpuUsPerQuery: server / latencies.length,
    queries: latencies.length,
  };
}

/** A fixed-width text table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Table cells for one search measurement: recall, QPS, p50, p99, CPU per query. */
export function figureCells(f: SearchFigures): string[] {
  return [f.recall.toFixed(4), f.qps.toFixed(0), f.p50Ms.toFixed(3), f.p99Ms.toFixed(3), f.cpuUsPerQuery.toFixed(0)];
}

export const FIGURE_HEADERS = ['recall@10', 'QPS', 'p50 ms', 'p99 ms', 'CPU us/q'];

export function loadNote(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} (1/5/15 min) on ${cpus().length} cores`;
}

export function machineNote(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? 'unknown CPU'} x ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
