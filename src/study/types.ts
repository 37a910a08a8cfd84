/** Outcome of one (pipeline, epoch) step as the loop records it. */
export type StepStatus = 'ok' | 'failed';

/**
 * One finished step, in the order steps finished. This is what storage persists, what `tell` receives and
 * what `report` shows. Records are immutable once created.
 */
export interface StepRecord {
  readonly configId: string;
  /** The epoch the step produced (1-based). */
  readonly epoch: number;
  /** Validation score in [0, 1]; null when the step failed. */
  readonly score: number | null;
  /** Seconds charged for the step: the epoch's training + validation time (elapsed time if it failed). */
  readonly seconds: number;
  readonly status: StepStatus;
  /** True when the pipeline cannot be continued (curve ended, diverged, or failed). */
  readonly final: boolean;
  /** Why the step failed (short; the trainer's stderr tail goes to the log). */
  readonly error?: string;
  /** Clock reading when the step was recorded: seconds since the search began, optimizer overhead included. */
  readonly finishedAt: number;
}

/**
 * Time as a search sees it. A real search reads the wall clock; a replay advances a simulated clock by the
 * recorded training seconds plus the optimizer's own measured wall time.
 */
export interface Clock {
  /** Seconds since the search began. */
  now(): number;
  /** Charges `seconds` of simulated training time (no-op on the real clock, where time passes by itself). */
  advance(seconds: number): void;
  /**
   * Charges the optimizer's own measured wall time (ask, tell, refits). A simulated clock adds it (the paper's
   * protocol), unless built to leave it out (e.g. to compare trajectories across seeds); the real clock ignores it,
   * since that time has already passed. The loop calls it after every ask and tell.
   */
  chargeOverhead?(seconds: number): void;
}
