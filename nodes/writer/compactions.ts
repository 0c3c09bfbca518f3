import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { MetaStore } from '../../meta/store.js';
import { invalidParameter } from '../../milvus/status.js';
import type { CollectionState } from './collection-state.js';
import { planCompactions, type CompactionPlan, type SegmentSize } from './compaction-plan.js';
import type { Compactor } from './compactor.js';

export interface CompactionSettings {
  /** What compaction merges small segments up to. */
  target: SegmentSize;
  /** A segment whose deleted rows pass this share of its rows is rewritten without them. */
  deletedRatio: number;
  /** Automatic compaction plans every this often; 0 turns it off (ManualCompaction still works). */
  intervalMs: number;
}

export type PlanState = 'executing' | 'completed' | 'failed';

/** One plan of a compaction, as GetCompactionStateWithPlans reports it. */
export interface PlanRecord {
  sources: number[];
  /** The new segment; -1 until there is one (and when no row was left), as in Milvus. */
  target: number;
  state: PlanState;
}

/** A compaction (Milvus's trigger): the plans made at once for one collection. */
export interface CompactionJob {
  id: number;
  collection: string;
  plans: PlanRecord[];
}

/** Which segments a manual compaction considers. */
export interface CompactionScope {
  partitionId?: number;
  /** Exactly these segments, merged into one (Milvus's `segment_ids`). */
  segmentIds?: number[];
}

/**
 * Automatic compaction keeps busy at most this share of wall-clock time: after each plan it
 * waits three times as long as the plan took, so searches keep most of the CPU.
 */
const BUSY_SHARE = 0.25;
/** Compactions whose state stays queryable; older ones read as unknown (Completed, no plans). */
const KEPT_JOBS = 1000;

export interface CompactionsOptions {
  meta: MetaStore;
  log: Logger;
  compactor: Compactor;
  collections: Map<number, CollectionState>;
  settings: CompactionSettings;
}

/**
 * Compactions: planned automatically every interval or on ManualCompaction, run one plan at
 * a time, and remembered by id for GetCompactionState. A segment is in at most one plan
 * queued or running.
 */
export class Compactions {
  private readonly jobs = new Map<number, CompactionJob>();
  /** Sources of plans queued or running. */
  private readonly claimed = new Set<number>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: CompactionsOptions) {}

  start(): void {
    if (this.opts.settings.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.round ??= this.automaticRound().finally(() => (this.round = undefined));
    }, this.opts.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  job(id: number): CompactionJob | undefined {
    return this.jobs.get(id);
  }

  /**
   * ManualCompaction: plans now and runs the plans in the background. With no plan, the id is
   * -1 and the count 0, as Milvus answers.
   */
  async manual(state: CollectionState, scope: CompactionScope): Promise<{ id: number; plans: number }> {
    const plans = scope.segmentIds?.length ? [this.namedPlan(state, scope.segmentIds)] : this.plan(state, scope.partitionId);
    if (!plans.length) return { id: -1, plans: 0 };
    const job = await this.register(state, plans);
    job.plans.forEach((record, i) => void this.execute(state, plans[i]!, record));
    return { id: job.id, plans: plans.length };
  }

  /** One plan of the segments a request names: each in service, unclaimed, all in one partition. */
  private namedPlan(state: CollectionState, ids: number[]): CompactionPlan {
    const segments = [...new Set(ids)].map((id) => {
      const s = state.sealed.get(id);
      if (!s) throw invalidParameter(`segment ${id} is not a flushed segment of collection ${state.record.name}`);
      if (this.claimed.has(id) || state.compacting.has(id)) throw invalidParameter(`segment ${id} is already being compacted`);
      return s;
    });
    const partitionId = segments[0]!.partitionId;
    if (segments.some((s) => s.partitionId !== partitionId))
      throw invalidParameter('segments to compact together must be in one partition');
    return { partitionId, sources: segments.map((s) => s.id).sort((a, b) => a - b) };
  }

  private plan(state: CollectionState, partitionId?: number): CompactionPlan[] {
    const candidates = [...state.sealed.values()]
      .filter((s) => !this.claimed.has(s.id) && !state.compacting.has(s.id) && (partitionId === undefined || s.partitionId === partitionId))
      .map((s) => ({ id: s.id, partitionId: s.partitionId, rows: s.length, liveRows: s.liveRows, bytes: s.dataBytes }));
    return planCompactions(candidates, { target: this.opts.settings.target, deletedRatio: this.opts.settings.deletedRatio });
  }

  private async register(state: CollectionState, plans: CompactionPlan[]): Promise<CompactionJob> {
    for (const p of plans) for (const id of p.sources) this.claimed.add(id);
    const job: CompactionJob = {
      id: await this.opts.meta.allocateIds('compaction', 1),
      collection: state.record.name,
      plans: plans.map((p) => ({ sources: p.sources, target: -1, state: 'executing' })),
    };
    this.jobs.set(job.id, job);
    if (this.jobs.size > KEPT_JOBS) this.jobs.delete(this.jobs.keys().next().value!);
    return job;
  }

  /** Runs a plan after those queued before it; resolves once it has run. */
  private execute(state: CollectionState, plan: CompactionPlan, record: PlanRecord): Promise<void> {
    const run = this.queue.then(async () => {
      try {
        const target = this.stopped ? undefined : await this.opts.compactor.compact(state, plan);
        record.state = target === undefined ? 'failed' : 'completed';
        record.target = target ?? -1;
      } catch (e) {
        record.state = 'failed';
        this.opts.log.error(
          { err: e, collection: state.record.name, sources: plan.sources },
          'compaction failed; its segments stay in service',
        );
      } finally {
        for (const id of plan.sources) this.claimed.delete(id);
      }
    });
    this.queue = run;
    return run;
  }

  /** Plans every collection and runs the plans one at a time, paced to BUSY_SHARE. */
  private async automaticRound(): Promise<void> {
    for (const state of [...this.opts.collections.values()]) {
      const plans = this.plan(state);
      if (!plans.length) continue;
      const job = await this.register(state, plans);
      for (const [i, plan] of plans.entries()) {
        if (this.stopped) return;
        const started = performance.now();
        await this.execute(state, plan, job.plans[i]!);
        await sleep(((performance.now() - started) * (1 - BUSY_SHARE)) / BUSY_SHARE, undefined, { ref: false });
      }
    }
  }
}
