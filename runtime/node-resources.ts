import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { availableParallelism, totalmem } from 'node:os';
import { dirname } from 'node:path';

/** What a process reports about its machine and itself (Milvus's "hardware metrics"). */
export interface NodeResources {
  cpuCores: number;
  /** Percent of all cores this process used since the previous reading (since start, first). */
  cpuUsage: number;
  memoryBytes: number;
  /** Resident set size of this process. */
  memoryUsedBytes: number;
  /** The file system holding the node's data (0 for a node without data). */
  diskBytes: number;
  diskUsedBytes: number;
  /** When this process started. */
  startedAt: Date;
}

/** Reads a process's resources; CPU usage is measured between consecutive readings. */
export class ResourceMeter {
  readonly startedAt = new Date(Date.now() - process.uptime() * 1000);
  private lastAt = this.startedAt.getTime();
  private lastCpu: NodeJS.CpuUsage = { user: 0, system: 0 };

  /** `diskPath`: where the node keeps its data; absent for a stateless node. */
  constructor(private readonly diskPath?: string) {}

  async read(): Promise<NodeResources> {
    const now = Date.now();
    const cpu = process.cpuUsage();
    const usedMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    const cores = availableParallelism();
    const elapsedMs = Math.max(1, now - this.lastAt);
    this.lastAt = now;
    this.lastCpu = cpu;
    const fs = this.diskPath === undefined ? undefined : await statfsOfNearest(this.diskPath);
    return {
      cpuCores: cores,
      cpuUsage: Math.min(100, (usedMs / elapsedMs / cores) * 100),
      memoryBytes: totalmem(),
      memoryUsedBytes: process.memoryUsage.rss(),
      diskBytes: fs ? fs.blocks * fs.bsize : 0,
      diskUsedBytes: fs ? (fs.blocks - fs.bfree) * fs.bsize : 0,
      startedAt: this.startedAt,
    };
  }
}

/** The file system of `path`, or of its nearest existing ancestor (data may not be written yet). */
async function statfsOfNearest(path: string): Promise<StatsFs> {
  try {
    return await statfs(path);
  } catch (e) {
    const parent = dirname(path);
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw e;
    return statfsOfNearest(parent);
  }
}
