/** `[#########-----------]  45%` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0));
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

/**
 * Lines of progress shown while `mishards ctl` waits. On a terminal the block is redrawn in
 * place; elsewhere (a pipe, a log, a test) each new state of the block is written out once,
 * so nothing repeats while nothing changes.
 */
export class ProgressBoard {
  private last: string[] = [];

  constructor(
    private readonly out: (line: string) => void,
    private readonly tty: { write(text: string): void } | undefined,
  ) {}

  draw(lines: string[]): void {
    if (lines.join('\n') === this.last.join('\n')) return;
    if (this.tty) {
      // Up over the previous block, clear to the end of the screen, draw the new one.
      if (this.last.length) this.tty.write(`\x1b[${this.last.length}A\x1b[J`);
      this.tty.write(lines.map((l) => `${l}\n`).join(''));
    } else for (const l of lines) this.out(l);
    this.last = lines;
  }
}
