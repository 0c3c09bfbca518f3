import * as grpc from '@grpc/grpc-js';
import type { Context } from '@opentelemetry/api';
import { Code, MilvusError } from '../../milvus/status.js';
import type { DataNodeClientReply, DataNodeClientRequest, DataNodeMethod } from '../../proto/data-node.js';
import { QUERY_ROW_WORK } from '../../search/cost.js';
import type { NodeCaller } from './node-clients.js';

/** The per-request context every sub-request inherits. */
export interface CallContext {
  deadline: number;
  /** Aborted when the client goes away: every sub-request is cancelled. */
  signal: AbortSignal;
  /** The caller's trace context: the request's span is its child. */
  trace: Context;
  /** Headers of the calls made for the request to the writer: the REST client's credentials. */
  metadata?: grpc.Metadata;
}

/** The name of the writable node's replica set (in metrics and spans too). */
export const WRITER_SET = 'writer';

export interface ReplicaSet {
  /** For error messages: a reader group name, or WRITER_SET. */
  name: string;
  /** Addresses in preference order. */
  replicas: string[];
}

/** Gives up on the current replica as failed; the next one may have what it lacks. */
const RETRYABLE_GRPC = new Set([
  grpc.status.UNAVAILABLE,
  grpc.status.CANCELLED,
  grpc.status.INTERNAL,
  grpc.status.UNKNOWN,
  grpc.status.RESOURCE_EXHAUSTED,
]);
/** Node statuses that make the next replica worth asking: it may hold the segments, or not be stopping. */
const RETRYABLE_NODE_CODES = new Set([Code.SegmentNotLoaded, Code.SegmentNotFound, Code.ServiceNotReady]);

/**
 * The largest sub-request cost (searchCostOf, queryCostOf) that is hedged. 2^24 keeps hedging
 * for interactive searches (nq 1-100, topk up to 100, tens of segments, up to 768 dimensions:
 * 10^3 to 10^7; one query over 100k x 128 FLAT rows, 1.3 x 10^7) and queries (up to 262,144
 * rows visited: a filter over a few segments, any `pk in [...]` lookup of up to thousands of
 * keys), and stops it for batch-sized ones, whose second copy would double the load of the
 * very request that is slow (nq 10,000 x topk 1,000 x 32 dimensions is 3.2 x 10^8 per
 * segment; a filter over 10^6 rows, 6.4 x 10^7).
 */
export const HEDGE_MAX_COST = 2 ** 24;

/**
 * The estimated cost of a search sub-request, for the hedging decision: nq x topk x segments x
 * dim (the per-segment hit lists the node builds and sends, times the vector width its work
 * scales with), plus nq x scannedRows x dim where segments are scanned exactly (FLAT: every
 * row is compared with every query, whatever topk).
 */
export const searchCostOf = (nq: number, topk: number, segments: number, dim: number, scannedRows = 0): number =>
  nq * dim * (topk * segments + scannedRows);

/**
 * The estimated cost of a query sub-request that visits `rowsVisited` rows (queryRowsVisited),
 * in the same unit: each row counts as the data node's admission counts it (QUERY_ROW_WORK).
 */
export const queryCostOf = (rowsVisited: number): number => rowsVisited * QUERY_ROW_WORK;

export interface FanoutOptions {
  /** Start a second replica when the first has not answered after this long. */
  hedgeAfterMs: number;
  /** Sub-requests costing more than this are never hedged (default HEDGE_MAX_COST). */
  hedgeMaxCost?: number;
  /** Called when a replica fails (to mark it down). */
  onReplicaFailure?: (address: string, err: unknown) => void;
  /** Called when a call to a replica of `target` starts; the result is called once it settles. */
  onAttempt?: (target: string) => () => void;
}

class ReplicaFailure extends Error {}

/**
 * Sends one sub-request to a replica set: one replica at a time, moving to the next on a
 * failure or, for a sub-request cheap enough to hedge, when the current one is slower than the
 * hedge delay (then the first answer wins and the others are cancelled). Replicas are tried
 * least loaded first: by the estimated cost of the sub-requests this coordinator has in flight
 * on each, so that small requests go round a replica busy with a heavy one; replicas equally
 * loaded take turns, per set. Fails with an UNAVAILABLE-class Milvus error naming the set when
 * no replica answers in time.
 */
export class Fanout {
  private readonly rotation = new Map<string, number>();
  /** The estimated cost of the attempts in flight, per replica address (absent: none). */
  private readonly load = new Map<string, number>();

  constructor(
    private readonly clients: NodeCaller,
    private readonly opts: FanoutOptions,
  ) {}

  /**
   * Answers `request` from one replica of `set`; `metadata` holds the headers the nodes get;
   * `cost` is the sub-request's estimated cost (searchCostOf, queryCostOf); unknown, it is
   * hedged as cheap and weighs nothing in the replicas' load.
   */
  async call<M extends DataNodeMethod>(
    set: ReplicaSet,
    method: M,
    request: DataNodeClientRequest<M>,
    ctx: CallContext,
    metadata?: grpc.Metadata,
    cost?: number,
  ): Promise<DataNodeClientReply<M>> {
    if (set.replicas.length === 0) throw unavailable(set, 'no live replica');
    if (set.replicas.length === 1) return this.callOnly(set, set.replicas[0]!, method, request, ctx, metadata, cost);
    const hedging = cost === undefined || cost <= (this.opts.hedgeMaxCost ?? HEDGE_MAX_COST);
    const order = this.order(set);
    /** Attempts still waiting for an answer. */
    const running = new Set<AbortController>();
    const errors: string[] = [];
    let next = 0;
    let failed = 0;
    return new Promise<DataNodeClientReply<M>>((resolve, reject) => {
      let settled = false;
      let hedge: NodeJS.Timeout | undefined;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (hedge) clearTimeout(hedge);
        ctx.signal.removeEventListener('abort', onClientGone);
        // Cancel attempts still running (a hedge that lost, or all on client cancellation).
        for (const a of running) a.abort();
        fn();
      };
      const onClientGone = () => finish(() => reject(clientGone()));
      ctx.signal.addEventListener('abort', onClientGone, { once: true });
      const launch = () => {
        if (settled || next >= order.length) return;
        const address = order[next++]!;
        const controller = new AbortController();
        running.add(controller);
        if (hedge) clearTimeout(hedge);
        if (hedging && next < order.length) hedge = setTimeout(launch, this.opts.hedgeAfterMs);
        this.attempt(set.name, address, method, request, ctx.deadline, controller.signal, metadata, cost).then(
          (res) => {
            running.delete(controller);
            finish(() => resolve(res));
          },
          (e) => {
            running.delete(controller);
            if (settled) return;
            if (e instanceof ReplicaFailure) {
              errors.push(`${address}: ${e.message}`);
              this.opts.onReplicaFailure?.(address, e);
              failed++;
              if (failed === order.length) finish(() => reject(unavailable(set, errors.join('; '))));
              else if (running.size === 0) launch();
              return;
            }
            finish(() => reject(e));
          },
        );
      };
      if (ctx.signal.aborted) onClientGone();
      else launch();
    });
  }

  /** The set's replicas in the order to try them: least loaded first, equally loaded ones in turn. */
  private order(set: ReplicaSet): string[] {
    const start = this.rotation.get(set.name) ?? 0;
    this.rotation.set(set.name, start + 1);
    const rotated = set.replicas.map((_, i) => set.replicas[(start + i) % set.replicas.length]!);
    const loadOf = (address: string) => this.load.get(address) ?? 0;
    // Stable: the rotation decides between equals.
    return rotated.sort((a, b) => loadOf(a) - loadOf(b));
  }

  /** Counts `cost` on `address` until the returned function is called. */
  private carry(address: string, cost: number): () => void {
    if (cost <= 0) return () => {};
    this.load.set(address, (this.load.get(address) ?? 0) + cost);
    return () => {
      const left = (this.load.get(address) ?? 0) - cost;
      if (left > 0) this.load.set(address, left);
      else this.load.delete(address);
    };
  }

  /**
   * A set of one replica: nothing to hedge or fail over to, so the call runs on the request's
   * own signal (no controller, timer or listener of its own) and its failure is the set's.
   */
  private async callOnly<M extends DataNodeMethod>(
    set: ReplicaSet,
    address: string,
    method: M,
    request: DataNodeClientRequest<M>,
    ctx: CallContext,
    metadata: grpc.Metadata | undefined,
    cost: number | undefined,
  ): Promise<DataNodeClientReply<M>> {
    if (ctx.signal.aborted) throw clientGone();
    try {
      return await this.attempt(set.name, address, method, request, ctx.deadline, ctx.signal, metadata, cost);
    } catch (e) {
      // Cancelled by us, not failed: the replica is not reported down.
      if (ctx.signal.aborted) throw clientGone();
      if (!(e instanceof ReplicaFailure)) throw e;
      this.opts.onReplicaFailure?.(address, e);
      throw unavailable(set, `${address}: ${e.message}`);
    }
  }

  private async attempt<M extends DataNodeMethod>(
    target: string,
    address: string,
    method: M,
    request: DataNodeClientRequest<M>,
    deadline: number,
    signal: AbortSignal,
    metadata: grpc.Metadata | undefined,
    cost = 0,
  ): Promise<DataNodeClientReply<M>> {
    let res: DataNodeClientReply<M>;
    const settled = this.opts.onAttempt?.(target);
    const unload = this.carry(address, cost);
    try {
      res = await this.clients.call(address, method, request, deadline, signal, metadata);
    } catch (e) {
      settled?.();
      unload();
      const code = (e as grpc.ServiceError).code;
      if (code === grpc.status.DEADLINE_EXCEEDED) {
        throw new MilvusError(Code.ServiceInternal, `deadline exceeded waiting for ${address}`, true);
      }
      if (RETRYABLE_GRPC.has(code)) throw new ReplicaFailure((e as Error).message);
      throw e;
    }
    settled?.();
    unload();
    if (res.status.code !== 0) {
      if (RETRYABLE_NODE_CODES.has(res.status.code as never)) throw new ReplicaFailure(res.status.reason);
      throw new MilvusError(res.status.code, res.status.reason);
    }
    return res;
  }
}

const clientGone = () => new MilvusError(Code.ServiceInternal, 'request cancelled by the client');

function unavailable(set: ReplicaSet, detail: string): MilvusError {
  const what = set.name === WRITER_SET ? 'the writable node' : `reader group ${set.name}`;
  return new MilvusError(Code.ServiceUnavailable, `${what} is unavailable: ${detail}`, true);
}
