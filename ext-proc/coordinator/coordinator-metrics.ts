import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Assignment } from '../../cluster/routing/router.js';
import { searchPartitions } from '../../runtime/scope-metrics.js';

const LATENCY_BUCKETS = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Replicas of a reader group, as the coordinator's placement sees them. */
export interface GroupReplicas {
  /** Readers of the group that answered the last reconciliation pass. */
  live: number;
}

/**
 * Coordinator metrics: fan-out width, partitions read, per-target sub-request latency and
 * errors, gRPC calls to data nodes in flight, merge time, cache, rows and segments placed per
 * reader group, live replicas per group.
 */
export class CoordinatorMetrics {
  readonly fanoutWidth: Histogram;
  readonly mergeSeconds: Histogram;
  /** Partitions each search, query and hybrid sub-search reads. */
  readonly searchPartitions: Histogram;
  private readonly subLatency: Histogram<'target' | 'result'>;
  private readonly subErrors: Counter<'target'>;
  private readonly attemptsInFlight: Gauge<'target'>;
  private readonly groupRows: Gauge<'group'>;
  private readonly groupSegments: Gauge<'group'>;
  /** Where the live replicas per group are read at each scrape (set by watchGroups). */
  private groups: () => ReadonlyMap<string, GroupReplicas> = () => new Map();
  /** Each target's label-bound children, so no observation hashes its labels again. */
  private readonly targets = new Map<string, TargetMetrics>();

  constructor(registry: Registry, cache: { hits: number; misses: number }) {
    this.fanoutWidth = new Histogram({
      name: 'mishards_fanout_width',
      help: 'Sub-requests per search or query',
      buckets: [1, 2, 3, 4, 6, 8, 12, 16, 32],
      registers: [registry],
    });
    this.mergeSeconds = new Histogram({
      name: 'mishards_merge_duration_seconds',
      help: 'Time to merge partial search results',
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.searchPartitions = searchPartitions(registry);
    this.subLatency = new Histogram({
      name: 'mishards_subrequest_duration_seconds',
      help: 'Sub-request latency per target (reader group or writer)',
      labelNames: ['target', 'result'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.subErrors = new Counter({
      name: 'mishards_subrequest_errors_total',
      help: 'Failed sub-requests per target',
      labelNames: ['target'],
      registers: [registry],
    });
    this.attemptsInFlight = new Gauge({
      name: 'mishards_subrequests_in_flight',
      help: 'gRPC calls to data nodes started by searches and queries and not yet settled (hedges and retries included), per target',
      labelNames: ['target'],
      registers: [registry],
    });
    this.groupRows = new Gauge({
      name: 'mishards_group_rows',
      help: 'Rows of the served sealed segments placed on each reader group (over every collection), as of the last reconciliation pass',
      labelNames: ['group'],
      registers: [registry],
    });
    this.groupSegments = new Gauge({
      name: 'mishards_group_segments',
      help: 'Served sealed segments placed on each reader group (over every collection), as of the last reconciliation pass',
      labelNames: ['group'],
      registers: [registry],
    });
    const groups = () => this.groups();
    new Gauge({
      name: 'mishards_group_live_replicas',
      help: 'Live replicas of each reader group: its readers that answered the last reconciliation pass; 0 for a group the recorded placement still names but no member serves',
      labelNames: ['group'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [group, r] of groups()) this.set({ group }, r.live);
      },
    });
    new Counter({
      name: 'mishards_metadata_cache_lookups_total',
      help: 'Metadata cache lookups by outcome',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ outcome: 'hit' }, cache.hits);
        this.inc({ outcome: 'miss' }, cache.misses);
      },
    });
  }

  /** Sets the rows and segments gauges to an assignment's per group; groups no longer present disappear. */
  recordAssignment(assignment: Assignment): void {
    this.groupRows.reset();
    this.groupSegments.reset();
    for (const [group, rows] of assignment.rows) this.groupRows.set({ group }, rows);
    for (const [group, segments] of assignment.segmentCounts) this.groupSegments.set({ group }, segments);
  }

  /** Reads the live replicas per group from `read` at every scrape. */
  watchGroups(read: () => ReadonlyMap<string, GroupReplicas>): void {
    this.groups = read;
  }

  /** The metrics of sub-requests to `target` (a reader group or the writer). */
  target(name: string): TargetMetrics {
    let t = this.targets.get(name);
    if (!t) {
      t = new TargetMetrics(
        this.subLatency.labels({ target: name, result: 'ok' }),
        this.subLatency.labels({ target: name, result: 'error' }),
        this.subErrors.labels({ target: name }),
        this.attemptsInFlight.labels({ target: name }),
      );
      this.targets.set(name, t);
    }
    return t;
  }

  /**
   * Counts one gRPC call to a replica of `target` as in flight until the returned function is
   * called, when the call has settled (answered, failed or cancelled): a cancelled request
   * must bring this back to zero, which is how tests see that nothing was left running.
   */
  attempt(target: string): () => void {
    const t = this.target(target);
    t.inFlight.inc();
    return t.attemptSettled;
  }
}

/** Sub-request metrics of one target, bound to its labels once. */
export class TargetMetrics {
  /** Ends an in-flight attempt (prebuilt: one per target, not per call). */
  readonly attemptSettled = (): void => {
    this.inFlight.dec();
  };

  constructor(
    private readonly latencyOk: Histogram.Internal<'target' | 'result'>,
    private readonly latencyError: Histogram.Internal<'target' | 'result'>,
    private readonly errors: Counter.Internal,
    readonly inFlight: Gauge.Internal<'target'>,
  ) {
    // A target's error count reads 0 from its first sub-request: error ratios need both series.
    errors.inc(0);
  }

  /** Records a sub-request that started at `startedAt` (performance.now()) and just ended. */
  subRequestDone(startedAt: number, ok: boolean): void {
    const seconds = (performance.now() - startedAt) / 1000;
    if (ok) this.latencyOk.observe(seconds);
    else {
      this.latencyError.observe(seconds);
      this.errors.inc();
    }
  }
}
