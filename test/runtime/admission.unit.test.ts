import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Admission, type AdmissionLimits, type Refusal } from '../../runtime/admission.js';
import { Code, MilvusError } from '../../milvus/status.js';

/** The admission state machine, on vitest's fake clock. */

const MIB = 2 ** 20;
const LIMITS: AdmissionLimits = { smallWork: 1000, smallBytes: MIB, heavySlots: 2, heavyBytes: 100 * MIB, maxWaitMs: 3000 };
const small = { work: 10, bytes: 1000 };
const heavy = (bytes = 10 * MIB) => ({ work: 10_000, bytes });

let refusals: Refusal[];
let admission: Admission;

beforeEach(() => {
  vi.useFakeTimers();
  refusals = [];
  admission = new Admission(LIMITS, (why) => refusals.push(why));
});
afterEach(() => vi.useRealTimers());

/** Whether `p` has settled (after the microtasks queued so far). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('admission', () => {
  it('sorts requests into lanes by both work and bytes', () => {
    expect(admission.laneOf(small)).toBe('small');
    expect(admission.laneOf({ work: 10, bytes: 2 * MIB })).toBe('heavy');
    expect(admission.laneOf({ work: 10_000, bytes: 10 })).toBe('heavy');
  });

  it('admits small requests at once while expensive ones fill every slot and queue', async () => {
    await admission.admit(heavy());
    await admission.admit(heavy());
    const queued = admission.admit(heavy());
    expect(admission.waiting).toBe(1);
    const release = await admission.admit(small);
    expect(admission.runningIn('small')).toBe(1);
    release();
    expect(admission.runningIn('small')).toBe(0);
    expect(await settled(queued)).toBe(false);
  });

  it('runs expensive requests in arrival order as slots free', async () => {
    const first = await admission.admit(heavy());
    await admission.admit(heavy());
    const order: string[] = [];
    const admitted = (name: string) =>
      admission.admit(heavy()).then((release) => {
        order.push(name);
        return release;
      });
    const a = admitted('a');
    const b = admitted('b');
    first();
    await a;
    expect(order).toEqual(['a']);
    expect(await settled(b)).toBe(false);
    (await a)();
    await b;
    expect(order).toEqual(['a', 'b']);
    expect(admission.runningIn('heavy')).toBe(2);
  });

  it('holds an expensive request back while the bytes held would exceed the budget', async () => {
    const big = await admission.admit(heavy(80 * MIB));
    const next = admission.admit(heavy(30 * MIB));
    expect(await settled(next)).toBe(false);
    big();
    await next;
    // A release is counted once, however often it is called.
    big();
    expect(admission.runningIn('heavy')).toBe(1);
  });

  it('refuses at once a request that could never fit, as over a limit', async () => {
    const err = await admission.admit(heavy(200 * MIB)).catch((e) => e);
    expect(err).toBeInstanceOf(MilvusError);
    expect([err.code, err.errorCode, err.retriable]).toEqual([Code.ParameterInvalid, 'IllegalArgument', false]);
    expect(err.message).toMatch(/estimated 200 MiB on this node, more than the 100 MiB/);
    expect(refusals).toEqual(['too_large']);
  });

  it('refuses a request still waiting after the bound as rate-limited, naming the load', async () => {
    await admission.admit(heavy());
    await admission.admit(heavy());
    const waiting = admission.admit(heavy()).catch((e) => e);
    await vi.advanceTimersByTimeAsync(LIMITS.maxWaitMs - 1);
    expect(await settled(waiting)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const err = await waiting;
    expect(err.code).toBe(Code.ServiceRateLimit);
    expect(err.errorCode).toBe('RateLimit');
    expect(err.retriable).toBe(true);
    expect(err.message).toBe(
      'the node is busy with expensive requests: 2 running (at most 2, 20 MiB of 100 MiB of results held) and 0 waiting ahead, ' +
        'no slot freed within 3000 ms, please retry later: rate exceeded',
    );
    expect(admission.waiting).toBe(0);
    expect(refusals).toEqual(['busy']);
  });

  it('lets a waiting request go when its signal aborts, and the next one moves up', async () => {
    const release = await admission.admit(heavy(60 * MIB));
    const controller = new AbortController();
    const reason = new Error('client gone');
    const first = admission.admit(heavy(60 * MIB), controller.signal).catch((e) => e);
    const second = admission.admit(heavy(30 * MIB));
    controller.abort(reason);
    expect(await first).toBe(reason);
    // The aborted head no longer blocks: 60 + 30 MiB fit.
    await second;
    expect(admission.waiting).toBe(0);
    release();
    await expect(admission.admit(small, controller.signal)).rejects.toBe(reason);
  });

  it('refuses waiting and new requests once closed; running ones keep their slots', async () => {
    await admission.admit(heavy());
    await admission.admit(heavy());
    const waiting = admission.admit(heavy()).catch((e) => e);
    const reason = new Error('shutting down');
    admission.close(reason);
    expect(await waiting).toBe(reason);
    await expect(admission.admit(small)).rejects.toBe(reason);
    expect(admission.runningIn('heavy')).toBe(2);
    expect(refusals).toEqual(['closed', 'closed']);
  });
});
