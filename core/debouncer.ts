/**
 * Runs `fn` once a burst of triggers has gone quiet for `quietMs`, and at the latest `maxMs`
 * after the burst's first trigger, so that a steady stream of changes still gets through.
 */
export class Debouncer {
  private quietTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly quietMs: number,
    private readonly maxMs: number,
  ) {}

  trigger(): void {
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.fire(), this.quietMs);
    this.maxTimer ??= setTimeout(() => this.fire(), this.maxMs);
  }

  cancel(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
    this.quietTimer = this.maxTimer = undefined;
  }

  private fire(): void {
    this.cancel();
    this.fn();
  }
}
