import * as grpc from '@grpc/grpc-js';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeCaller } from '../../ext-proc/coordinator/node-clients.js';
import {
  Fanout,
  HEDGE_MAX_COST,
  searchCostOf,
  WRITER_SET,
  type CallContext,
  type FanoutOptions,
} from '../../ext-proc/coordinator/fanout.js';
import { Code, MilvusError } from '../../milvus/status.js';

/**
 * The fan-out's sub-request state machine, without any process: data nodes are fake callers
 * answered by hand, time is vitest's fake clock.
 */

const HEDGE_MS = 250;

interface Answer {
  status: { code: number; reason: string };
  from?: string;
}

/** A call to a fake data node, waiting for the test to answer or fail it. */
interface FakeCall {
  address: string;
  method: string;
  signal: AbortSignal | undefined;
  answer(res?: Partial<Answer>): void;
  /** Fails as grpc-js does: a ServiceError with a gRPC status code. */
  fail(code: grpc.status, details?: string): void;
}

function serviceError(code: grpc.status, details: string): grpc.ServiceError {
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata: new grpc.Metadata() });
}

/**
 * Fake data nodes behind NodeCaller: every call waits for the test. Like grpc-js, a call
 * fails with CANCELLED when its signal aborts and with DEADLINE_EXCEEDED at its deadline.
 */
class FakeNodes implements NodeCaller {
  readonly calls: FakeCall[] = [];
  private readonly waiters: ((c: FakeCall) => void)[] = [];
  private seen = 0;

  call<T>(address: string, method: string, _request: object, deadline: Date | number, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const end = (settle: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const timer = setTimeout(
        () => end(() => reject(serviceError(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded'))),
        Number(deadline) - Date.now(),
      );
      const onAbort = () => end(() => reject(serviceError(grpc.status.CANCELLED, 'Cancelled on client')));
      signal?.addEventListener('abort', onAbort, { once: true });
      const call: FakeCall = {
        address,
        method,
        signal,
        answer: (res) => end(() => resolve({ status: { code: 0, reason: '' }, from: address, ...res } as T)),
        fail: (code, details = 'failed') => end(() => reject(serviceError(code, details))),
      };
      this.calls.push(call);
      this.waiters.shift()?.(call);
    });
  }

  /** The next call not yet returned by next(), waiting for it if it has not been made. */
  next(): Promise<FakeCall> {
    const made = this.calls[this.seen];
    if (made) {
      this.seen++;
      return Promise.resolve(made);
    }
    return new Promise((resolve) =>
      this.waiters.push((c) => {
        this.seen++;
        resolve(c);
      }),
    );
  }
}

interface Rig {
  nodes: FakeNodes;
  fanout: Fanout;
  /** Calls to data nodes started and not yet settled, as the in-flight gauge counts them. */
  inFlight: () => number;
  failures: string[];
  abort: AbortController;
  ctx: CallContext;
}

function rig(timeoutMs = 60_000, opts: Partial<FanoutOptions> = {}): Rig {
  const nodes = new FakeNodes();
  let running = 0;
  const failures: string[] = [];
  const fanout = new Fanout(nodes, {
    hedgeAfterMs: HEDGE_MS,
    onReplicaFailure: (address) => failures.push(address),
    onAttempt: () => {
      running++;
      return () => running--;
    },
    ...opts,
  });
  const abort = new AbortController();
  const ctx: CallContext = { deadline: Date.now() + timeoutMs, signal: abort.signal, trace: ROOT_CONTEXT };
  return { nodes, fanout, inFlight: () => running, failures, abort, ctx };
}

const group = (...replicas: string[]) => ({ name: 'g1', replicas });

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('fan-out', () => {
  it('asks one replica and returns its answer', async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    const first = await r.nodes.next();
    expect([first.address, first.method]).toEqual(['a', 'SearchSegments']);
    first.answer();
    await expect(result).resolves.toMatchObject({ from: 'a' });
    // The hedge timer went with the answer: nobody else is asked later.
    await vi.advanceTimersByTimeAsync(10 * HEDGE_MS);
    expect(r.nodes.calls).toHaveLength(1);
    expect(r.inFlight()).toBe(0);
  });

  it('rotates the first replica from request to request', async () => {
    const r = rig();
    const firsts: string[] = [];
    for (let i = 0; i < 4; i++) {
      const result = r.fanout.call(group('a', 'b', 'c'), 'SearchSegments', {}, r.ctx);
      const call = await r.nodes.next();
      firsts.push(call.address);
      call.answer();
      await result;
    }
    expect(firsts).toEqual(['a', 'b', 'c', 'a']);
  });

  it('sends a sub-request round a replica busy with a heavy one, and takes turns again once it is done', async () => {
    const r = rig();
    const heavy = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx, undefined, 100 * HEDGE_MAX_COST);
    const heavyCall = await r.nodes.next();
    expect(heavyCall.address).toBe('a');
    const firstOfSmall = async () => {
      const small = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx, undefined, 1000);
      const call = await r.nodes.next();
      call.answer();
      await small;
      return call.address;
    };
    // The rotation alone would alternate b, a: the load keeps both off a.
    expect([await firstOfSmall(), await firstOfSmall()]).toEqual(['b', 'b']);
    heavyCall.answer();
    await heavy;
    expect([await firstOfSmall(), await firstOfSmall()]).toEqual(['b', 'a']);
  });

  it('fails over to the next replica at once on a retriable gRPC error, and reports the failed one', async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).fail(grpc.status.UNAVAILABLE, 'connection refused');
    // No hedge delay passes: the failure alone moves on.
    const second = await r.nodes.next();
    expect(second.address).toBe('b');
    second.answer();
    await expect(result).resolves.toMatchObject({ from: 'b' });
    expect(r.failures).toEqual(['a']);
  });

  it('fails over when a replica answers that it has not loaded a segment', async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).answer({ status: { code: Code.SegmentNotLoaded, reason: 'segments not loaded on this node: 7' } });
    (await r.nodes.next()).answer();
    await expect(result).resolves.toMatchObject({ from: 'b' });
    expect(r.failures).toEqual(['a']);
  });

  it('fails over from a replica that answers it is shutting down', async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).answer({ status: { code: Code.ServiceNotReady, reason: 'service not ready[node=a]: Stopping' } });
    (await r.nodes.next()).answer();
    await expect(result).resolves.toMatchObject({ from: 'b' });
    expect(r.failures).toEqual(['a']);
  });

  it("passes a node's admission refusal on as it is, without asking another replica", async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    const reason = 'the node is busy, please retry later: rate exceeded';
    (await r.nodes.next()).answer({ status: { code: Code.ServiceRateLimit, reason } });
    const err = await result.catch((e) => e);
    expect([err.errorCode, err.code, err.retriable, err.message]).toEqual(['RateLimit', Code.ServiceRateLimit, true, reason]);
    expect(r.nodes.calls).toHaveLength(1);
    expect(r.failures).toEqual([]);
  });

  it('does not retry an error status of the request itself', async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).answer({ status: { code: Code.ParameterInvalid, reason: 'bad filter' } });
    const err = await result.catch((e) => e);
    expect(err).toBeInstanceOf(MilvusError);
    expect([err.code, err.message]).toEqual([Code.ParameterInvalid, 'bad filter']);
    await vi.advanceTimersByTimeAsync(10 * HEDGE_MS);
    expect(r.nodes.calls).toHaveLength(1);
    expect(r.failures).toEqual([]);
  });

  it('does not retry a non-retriable gRPC error', async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).fail(grpc.status.UNIMPLEMENTED, 'unknown method');
    await expect(result).rejects.toMatchObject({ code: grpc.status.UNIMPLEMENTED });
    await vi.advanceTimersByTimeAsync(10 * HEDGE_MS);
    expect(r.nodes.calls).toHaveLength(1);
    expect(r.failures).toEqual([]);
  });

  it("names the group and every replica's reason when all replicas fail", async () => {
    const r = rig();
    const result = r.fanout.call(group('a', 'b', 'c'), 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).fail(grpc.status.UNAVAILABLE, 'connection refused');
    (await r.nodes.next()).answer({ status: { code: Code.SegmentNotLoaded, reason: 'segments not loaded on this node: 7' } });
    (await r.nodes.next()).fail(grpc.status.INTERNAL, 'stream reset');
    const err = await result.catch((e) => e);
    expect(err).toBeInstanceOf(MilvusError);
    expect([err.errorCode, err.code, err.retriable]).toEqual(['UnexpectedError', Code.ServiceUnavailable, true]);
    expect(err.message).toMatch(
      /^reader group g1 is unavailable: a: .*connection refused; b: segments not loaded on this node: 7; c: .*stream reset$/,
    );
    expect(r.failures).toEqual(['a', 'b', 'c']);
    expect(r.inFlight()).toBe(0);
  });

  it('says "the writable node" when the writer fails, and names a set with no replica without calling anyone', async () => {
    const r = rig();
    const writer = r.fanout.call({ name: WRITER_SET, replicas: ['w'] }, 'SearchSegments', {}, r.ctx);
    (await r.nodes.next()).fail(grpc.status.UNAVAILABLE, 'connection refused');
    await expect(writer).rejects.toThrow(/^the writable node is unavailable: w: .*connection refused$/);
    await expect(r.fanout.call(group(), 'SearchSegments', {}, r.ctx)).rejects.toThrow('reader group g1 is unavailable: no live replica');
    expect(r.nodes.calls).toHaveLength(1);
  });

  describe('hedging', () => {
    it('asks a second replica only once the first is slower than the hedge delay', async () => {
      const r = rig();
      const result = r.fanout.call(group('a', 'b', 'c'), 'SearchSegments', {}, r.ctx);
      await vi.advanceTimersByTimeAsync(HEDGE_MS - 1);
      expect(r.nodes.calls.map((c) => c.address)).toEqual(['a']);
      await vi.advanceTimersByTimeAsync(1);
      expect(r.nodes.calls.map((c) => c.address)).toEqual(['a', 'b']);
      await vi.advanceTimersByTimeAsync(HEDGE_MS);
      expect(r.nodes.calls.map((c) => c.address)).toEqual(['a', 'b', 'c']);
      expect(r.inFlight()).toBe(3);
      r.nodes.calls[1]!.answer();
      await expect(result).resolves.toMatchObject({ from: 'b' });
    });

    it('takes the first answer and cancels the slower replica', async () => {
      const r = rig();
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
      const slow = await r.nodes.next();
      await vi.advanceTimersByTimeAsync(HEDGE_MS);
      const hedge = await r.nodes.next();
      hedge.answer();
      await expect(result).resolves.toMatchObject({ from: 'b' });
      expect(slow.signal?.aborted).toBe(true);
      expect(hedge.signal?.aborted).toBe(false);
      await vi.waitFor(() => expect(r.inFlight()).toBe(0));
      // The cancelled loser is not a failed replica.
      expect(r.failures).toEqual([]);
    });

    it('cancels the hedge when the first replica answers first', async () => {
      const r = rig();
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
      const first = await r.nodes.next();
      await vi.advanceTimersByTimeAsync(HEDGE_MS);
      const hedge = await r.nodes.next();
      first.answer();
      await expect(result).resolves.toMatchObject({ from: 'a' });
      expect(hedge.signal?.aborted).toBe(true);
      await vi.waitFor(() => expect(r.inFlight()).toBe(0));
    });

    it('never hedges a sub-request costing more than the threshold, but still fails over', async () => {
      const r = rig();
      const heavy = searchCostOf(10_000, 1000, 1, 32);
      expect(heavy).toBeGreaterThan(HEDGE_MAX_COST);
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx, undefined, heavy);
      const slow = await r.nodes.next();
      await vi.advanceTimersByTimeAsync(100 * HEDGE_MS);
      expect(r.nodes.calls.map((c) => c.address)).toEqual(['a']);
      slow.fail(grpc.status.UNAVAILABLE, 'connection reset');
      (await r.nodes.next()).answer();
      await expect(result).resolves.toMatchObject({ from: 'b' });
      expect(r.failures).toEqual(['a']);
    });

    it('hedges a sub-request at the threshold', async () => {
      const r = rig();
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx, undefined, HEDGE_MAX_COST);
      await r.nodes.next();
      await vi.advanceTimersByTimeAsync(HEDGE_MS);
      (await r.nodes.next()).answer();
      await expect(result).resolves.toMatchObject({ from: 'b' });
    });

    it('keeps waiting for the slow replica when the hedge fails', async () => {
      const r = rig();
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
      const slow = await r.nodes.next();
      await vi.advanceTimersByTimeAsync(HEDGE_MS);
      (await r.nodes.next()).fail(grpc.status.UNAVAILABLE, 'connection refused');
      expect(slow.signal?.aborted).toBe(false);
      slow.answer();
      await expect(result).resolves.toMatchObject({ from: 'a' });
      expect(r.failures).toEqual(['b']);
    });
  });

  describe('cancellation and deadline', () => {
    it('cancels every sub-request in flight when the caller goes away, and asks nobody else', async () => {
      const r = rig();
      const result = r.fanout.call(group('a', 'b', 'c'), 'SearchSegments', {}, r.ctx);
      await vi.advanceTimersByTimeAsync(HEDGE_MS);
      const started = [...r.nodes.calls];
      expect(started.map((c) => c.address)).toEqual(['a', 'b']);
      expect(r.inFlight()).toBe(2);
      r.abort.abort();
      await expect(result).rejects.toThrow('request cancelled by the client');
      expect(started.every((c) => c.signal?.aborted)).toBe(true);
      await vi.waitFor(() => expect(r.inFlight()).toBe(0));
      await vi.advanceTimersByTimeAsync(10 * HEDGE_MS);
      expect(r.nodes.calls).toHaveLength(2);
      // Cancelled by us, not failed: no replica is reported down.
      expect(r.failures).toEqual([]);
    });

    it('cancels the one call to a single-replica set when the caller goes away, without reporting the replica', async () => {
      const r = rig();
      const result = r.fanout.call({ name: WRITER_SET, replicas: ['w'] }, 'SearchSegments', {}, r.ctx);
      const call = await r.nodes.next();
      expect(r.inFlight()).toBe(1);
      r.abort.abort();
      await expect(result).rejects.toThrow('request cancelled by the client');
      expect(call.signal?.aborted).toBe(true);
      expect(r.inFlight()).toBe(0);
      expect(r.failures).toEqual([]);
    });

    it('calls nobody when the caller has already gone', async () => {
      const r = rig();
      r.abort.abort();
      await expect(r.fanout.call(group('a'), 'SearchSegments', {}, r.ctx)).rejects.toThrow('request cancelled by the client');
      expect(r.nodes.calls).toHaveLength(0);
    });

    it('fails at the deadline without trying another replica', async () => {
      const r = rig(1000, { hedgeAfterMs: 5000 });
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
      const outcome = result.catch((e) => e);
      await vi.advanceTimersByTimeAsync(1000);
      const err = await outcome;
      expect(err).toBeInstanceOf(MilvusError);
      expect([err.code, err.retriable, err.message]).toEqual([Code.ServiceInternal, true, 'deadline exceeded waiting for a']);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(r.nodes.calls.map((c) => c.address)).toEqual(['a']);
      expect(r.inFlight()).toBe(0);
      expect(r.failures).toEqual([]);
    });

    it("gives every sub-request the caller's deadline", async () => {
      const r = rig(1000);
      const deadlines: number[] = [];
      const spy = vi.spyOn(r.nodes, 'call');
      const result = r.fanout.call(group('a', 'b'), 'SearchSegments', {}, r.ctx);
      (await r.nodes.next()).fail(grpc.status.UNAVAILABLE);
      (await r.nodes.next()).answer();
      await result;
      for (const args of spy.mock.calls) deadlines.push(Number(args[3]));
      expect(deadlines).toEqual([r.ctx.deadline, r.ctx.deadline]);
    });
  });
});
