import type { Logger } from 'pino';
import { formatDuration } from '../util/duration.ts';

export interface ProgressOptions {
  /** What is being counted, e.g. "iterations" or "runs". */
  readonly label: string;
  /** Total units, when known (enables the bar and the ETA). */
  readonly total?: number;
  /** Draw a live line on stderr (a terminal); otherwise log a plain line every `logEverySeconds`. */
  readonly interactive: boolean;
  readonly log: Logger;
  readonly logEverySeconds?: number;
}

/**
 * A single live progress line: a bar with ETA on a terminal, periodic log lines elsewhere (CI, pipes),
 * so scripts never see carriage-return noise in their logs.
 */
export class ProgressLine {
  private readonly started = performance.now();
  private lastLog = 0;
  private lastDraw = 0;
  private drawn = false;

  private readonly options: ProgressOptions;

  constructor(options: ProgressOptions) {
    this.options = options;
  }

  /** Reports `done` units and a short status text (e.g. "val mse 0.012"). Cheap to call often. */
  update(done: number, status = ''): void {
    const now = performance.now();
    const elapsed = (now - this.started) / 1000;
    const { total } = this.options;
    const eta = total && done > 0 ? (elapsed / done) * (total - done) : undefined;
    if (this.options.interactive) {
      if (now - this.lastDraw < 100 && done !== total) return;
      this.lastDraw = now;
      const bar = total ? renderBar(done / total, 24) + ' ' : '';
      const count = total ? `${done}/${total}` : `${done}`;
      const tail = eta === undefined ? formatDuration(elapsed) : `ETA ${formatDuration(eta)}`;
      const line = `${bar}${count} ${this.options.label} ${status} ${tail}`.replace(/\s+/g, ' ');
      process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
      this.drawn = true;
      return;
    }
    const every = (this.options.logEverySeconds ?? 10) * 1000;
    if (now - this.lastLog < every && done !== total) return;
    this.lastLog = now;
    this.options.log.info(
      { done, total, elapsed_s: Math.round(elapsed), eta_s: eta === undefined ? undefined : Math.round(eta) },
      `${this.options.label}: ${done}${total ? `/${total}` : ''} ${status}`.trim(),
    );
  }

  /** Clears the live line so the next output starts on a clean line. */
  finish(): void {
    if (this.drawn) process.stderr.write('\r\x1b[2K');
    this.drawn = false;
  }
}

function renderBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}
