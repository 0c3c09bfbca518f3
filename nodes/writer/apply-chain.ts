/**
 * A promise chain: steps run one at a time, in the order queued, a failed step not stopping
 * the next. The writer's apply chain is one: durable mutations and seal steps are applied
 * through it (LSN order for mutations), so no search ever sees a later write without an
 * earlier one and no seal step interleaves with a mutation. Others order the load changes and
 * the changes of collection names.
 */
export class ApplyChain {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `fn` after every step queued before it, and before any queued after. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const step = this.tail.then(fn);
    this.tail = step.then(
      () => undefined,
      () => undefined,
    );
    return step;
  }

  /** Resolves once every step queued so far has finished (whether it failed or not). */
  idle(): Promise<void> {
    return this.tail;
  }
}
