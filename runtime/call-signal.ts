import type * as grpc from '@grpc/grpc-js';
import { Code, MilvusError } from '../milvus/status.js';

/** An incoming call's deadline (epoch ms), or undefined when it has none. */
export function callDeadline(call: { getDeadline(): grpc.Deadline }): number | undefined {
  const d = call.getDeadline();
  const ms = d instanceof Date ? d.getTime() : Number(d);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Why a call's work stopped: statuses, so that none is logged as a failure of the node. */
export const CALL_CANCELLED = new MilvusError(Code.ServiceInternal, 'request cancelled by the client');
export const DEADLINE_PASSED = new MilvusError(Code.ServiceInternal, 'deadline exceeded', true);

/** The longest timer Node keeps: a deadline further away than this is as good as none. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface CallSignal {
  /** Aborts when the call's work must stop; its reason says why. */
  signal: AbortSignal;
  /** Stops watching the call: run it when the call settles. */
  done(): void;
}

/**
 * The signal of an incoming unary call's work: it aborts when the client cancels or goes away
 * (grpc-js `cancelled`: a cancel, a reset stream, a connection the keep-alive found dead, the
 * server shutting down by force) or when the call's deadline passes.
 */
export function callSignal(call: grpc.ServerUnaryCall<unknown, unknown>): CallSignal {
  const controller = new AbortController();
  const onCancelled = () => controller.abort(CALL_CANCELLED);
  call.on('cancelled', onCancelled);
  const deadline = callDeadline(call);
  const wait = deadline === undefined ? Infinity : deadline - Date.now();
  const timer = wait <= MAX_TIMER_MS ? setTimeout(() => controller.abort(DEADLINE_PASSED), Math.max(0, wait)) : undefined;
  return {
    signal: controller.signal,
    done() {
      clearTimeout(timer);
      call.off('cancelled', onCancelled);
    },
  };
}
