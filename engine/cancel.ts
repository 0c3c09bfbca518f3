/**
 * Cancellation of engine work. A worker computing a search does not read its messages until
 * it is done, so a search is stopped through memory both threads see: one Int32 in a
 * SharedArrayBuffer, set by the main thread when the search's AbortSignal aborts and read by
 * the worker before a job and between blocks of work (see flat.ts, hnsw.ts).
 */

/** Set (non-zero) once the search it belongs to is cancelled. */
export type CancelFlag = Int32Array;

/** Whether the search owning `flag` was cancelled. Costs one atomic load. */
export const isCancelled = (flag: CancelFlag | undefined): boolean => flag !== undefined && Atomics.load(flag, 0) !== 0;

/** Thrown inside a worker to abandon a cancelled search. */
export class SearchCancelled extends Error {
  constructor() {
    super('search cancelled');
    this.name = 'SearchCancelled';
  }
}

/** Throws SearchCancelled when `flag` is set: the check between blocks of work. */
export function stopIfCancelled(flag: CancelFlag | undefined): void {
  if (isCancelled(flag)) throw new SearchCancelled();
}

/** A flag set when `signal` aborts; `dispose` stops listening (call it when the search settles). */
export function cancelFlagFor(signal: AbortSignal): { flag: CancelFlag; dispose(): void } {
  const flag: CancelFlag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const set = () => Atomics.store(flag, 0, 1);
  if (signal.aborted) set();
  else signal.addEventListener('abort', set, { once: true });
  return { flag, dispose: () => signal.removeEventListener('abort', set) };
}

/**
 * `work`, or a rejection with the signal's reason as soon as `signal` aborts, whichever comes
 * first: the caller stops waiting at once while the worker drops the job at its next check.
 * The abandoned promise's own outcome is consumed, so it cannot surface as unhandled.
 */
export function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      work.catch(() => undefined);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
