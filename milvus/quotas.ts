import { totalmem } from 'node:os';
import { DEFAULT_DATABASE } from '../meta/store.js';
import { TokenBucket, type Clock } from '../runtime/token-bucket.js';
import { quotaExceeded, rateLimitExceeded } from './status.js';

/**
 * Quotas and rate limits as Milvus configures them (configs/milvus.yaml `quotaAndLimits`):
 * DML bytes per second, DQL vectors or requests per second, each cluster-wide (`max`) and per
 * collection (`collection.max`), unlimited unless set; and memory protection, which refuses
 * writes while the writer's memory is above a high water level. What each request counts is
 * what Milvus's proxy counts (rate_limit_interceptor.go, getRequestInfo): an insert, upsert or
 * delete its request bytes, a search its query vectors (nq), a query 1. Mishards adds a rows
 * per second limit on every write. See docs/limits.md.
 */

export const RATE_KINDS = ['insert', 'upsert', 'delete', 'rows', 'search', 'query'] as const;
export type RateKind = (typeof RATE_KINDS)[number];
/** The kinds of searches and queries: all a coordinator enforces. */
export const DQL_KINDS: readonly RateKind[] = ['search', 'query'];

/** A rate in the unit its flag takes; `undefined` is unlimited (Milvus's -1). */
export interface RateLimit {
  cluster?: number | undefined;
  collection?: number | undefined;
}

export type RateQuotaConfig = Record<RateKind, RateLimit>;

export interface RateKindSpec {
  /** Milvus's key (its `max`; `collection.max` is the per-collection one), or a Mishards one. */
  key: string;
  /** The unit of the flag's value. */
  unit: string;
  /** Tokens per unit: a flag of 1 MB/s is 1048576 bytes a second. */
  tokensPerUnit: number;
  /** What a request counts. */
  counts: string;
}

const MB = 1024 * 1024;

export const RATE_KIND_SPECS: Record<RateKind, RateKindSpec> = {
  insert: { key: 'quotaAndLimits.dml.insertRate', unit: 'MB/s', tokensPerUnit: MB, counts: 'request bytes' },
  upsert: { key: 'quotaAndLimits.dml.upsertRate', unit: 'MB/s', tokensPerUnit: MB, counts: 'request bytes' },
  delete: { key: 'quotaAndLimits.dml.deleteRate', unit: 'MB/s', tokensPerUnit: MB, counts: 'request bytes' },
  rows: { key: 'mishards.dml.rowsRate', unit: 'rows/s', tokensPerUnit: 1, counts: 'rows inserted, upserted or deleted' },
  search: { key: 'quotaAndLimits.dql.searchRate', unit: 'vectors/s', tokensPerUnit: 1, counts: 'query vectors (nq)' },
  query: { key: 'quotaAndLimits.dql.queryRate', unit: 'requests/s', tokensPerUnit: 1, counts: '1 per query' },
};

/** The option names of a kind's limits: `--quota-search-rate`, `--quota-search-rate-collection`. */
export const rateFlag = (kind: RateKind, scope: keyof RateLimit) => `quota-${kind}-rate${scope === 'collection' ? '-collection' : ''}`;

/** The option name of the writer's memory protection level. */
export const MEMORY_LEVEL_FLAG = 'quota-memory-high-water-level';

/** Every quota setting of a process: its rates and its memory protection level. */
export interface QuotaConfig {
  rates: RateQuotaConfig;
  memoryHighWaterLevel: number;
}

export const unlimitedRates = (): RateQuotaConfig => Object.fromEntries(RATE_KINDS.map((k) => [k, {}])) as unknown as RateQuotaConfig;

export type RefusalKind = RateKind | 'memory';

/**
 * How the limits (their buckets, messages and metrics) name a collection: by its name in the
 * default database, as `database.name` in another (Milvus names have no dots).
 */
export const rateCollection = (database: string, name: string): string => (database === DEFAULT_DATABASE ? name : `${database}.${name}`);

/**
 * The rate limits of one process: a token bucket per kind cluster-wide and per kind and
 * collection, made when first needed. A request passes only if every bucket it meets has room,
 * and only then takes from them, so a refused request costs nothing.
 */
export class RateQuotas {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private config: RateQuotaConfig,
    private readonly hooks: { now?: Clock; onRefused?: (kind: RefusalKind, collection: string) => void } = {},
  ) {}

  /**
   * Holds requests to `config` from now on: the buckets of a kind whose limits changed start
   * over at the new rate (full, as after a quiet second); the others keep their state.
   */
  reconfigure(config: RateQuotaConfig): void {
    const changed = new Set(
      RATE_KINDS.filter((k) => this.config[k].cluster !== config[k].cluster || this.config[k].collection !== config[k].collection),
    );
    for (const id of [...this.buckets.keys()]) if (changed.has(id.split('/')[0] as RateKind)) this.buckets.delete(id);
    this.config = config;
  }

  private bucket(kind: RateKind, scope: keyof RateLimit, collection: string): TokenBucket | undefined {
    const limit = this.config[kind][scope];
    if (limit === undefined) return undefined;
    const id = scope === 'cluster' ? kind : `${kind}/${collection}`;
    let b = this.buckets.get(id);
    if (!b) {
      b = new TokenBucket(limit * RATE_KIND_SPECS[kind].tokensPerUnit, this.hooks.now);
      this.buckets.set(id, b);
    }
    return b;
  }

  /**
   * Charges `cost` of each kind to `collection`, or refuses the request (8, RateLimit,
   * retriable) naming the limit it met: a write is charged its bytes and its rows at once.
   */
  charge(collection: string, costs: Partial<Record<RateKind, number>>): void {
    const passing: [TokenBucket, number][] = [];
    for (const [kind, cost] of Object.entries(costs) as [RateKind, number][]) {
      for (const scope of ['collection', 'cluster'] as const) {
        const b = this.bucket(kind, scope, collection);
        if (!b) continue;
        if (!b.allows(cost)) {
          this.hooks.onRefused?.(kind, collection);
          const spec = RATE_KIND_SPECS[kind];
          const where = scope === 'collection' ? `${spec.key}.collection.max of collection ${collection}` : `${spec.key}.max`;
          throw rateLimitExceeded(
            b.ratePerSecond,
            `request is rejected by the rate limiter: ${kind} above ${where} (${this.config[kind][scope]} ${spec.unit})`,
          );
        }
        passing.push([b, cost]);
      }
    }
    for (const [b, cost] of passing) b.take(cost);
  }
}

/** Default of Milvus's `quotaAndLimits.limitWriting.memProtection.dataNodeMemoryHighWaterLevel`. */
export const DEFAULT_MEMORY_HIGH_WATER_LEVEL = 0.95;

export interface MemoryReading {
  usedBytes: number;
  totalBytes: number;
}

/** This process's resident memory against the machine's. */
export const processMemory = (): MemoryReading => ({ usedBytes: process.memoryUsage.rss(), totalBytes: totalmem() });

/**
 * Memory protection of the writer (Milvus's memProtection): while its memory is above
 * `highWaterLevel` of the total, every write is refused; writes pass again once it is below.
 * Read at each write (a cheap read of the process's RSS), so recovery is immediate.
 */
export class MemoryProtection {
  constructor(
    /** May be changed at run time (quota settings in etcd); read at each write. */
    public highWaterLevel: number,
    private readonly read: () => MemoryReading = processMemory,
    private readonly onRefused?: (kind: RefusalKind, collection: string) => void,
  ) {}

  /** Refuses a write to `collection` (9, ForceDeny) while memory is above the level. */
  check(collection: string): void {
    const { usedBytes, totalBytes } = this.read();
    if (usedBytes <= this.highWaterLevel * totalBytes) return;
    this.onRefused?.('memory', collection);
    throw quotaExceeded(
      'memory quota exceeded, please allocate more resources',
      `writes are refused while the writer uses ${usedBytes} bytes of memory, above dataNodeMemoryHighWaterLevel ${this.highWaterLevel} of ${totalBytes} bytes`,
    );
  }
}
