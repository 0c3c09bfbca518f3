/**
 * Runs an async pass one at a time: a request while a pass runs is remembered and answered
 * by one more pass after it, however many requests came. For reconcilers triggered by
 * bursts of change events.
 */
export class CoalescingRunner {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Starts a pass now, or right after the current one; resolves when the started pass ends. */
  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.request();
        }
      });
    return this.running;
  }

  /** Waits until a pass that started after this call has finished. */
  async settled(): Promise<void> {
    if (this.running) await this.running;
    await this.request();
  }
}
