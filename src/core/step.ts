/**
 * The vocabulary every layer shares: what a step is, how it ends, and who runs it. The loop, the optimizers,
 * storage, reports and the dashboard all import it; it imports nothing of theirs.
 *
 * A step trains one pipeline for one epoch. Its life: claimed (a worker holds it; the pipeline is pending) →
 * ok | failed (a record) | expired (its worker vanished: the pipeline goes back to the queue at the same epoch).
 */

/** How a finished step ended. */
export type StepStatus = 'ok' | 'failed';

/** Counts of steps by state, as status, report and the dashboard show them. */
export const STEP_STATES = ['running', 'ok', 'failed', 'expired'] as const;
export type StepState = (typeof STEP_STATES)[number];

/** The next step to run: pipeline `configId` trained from epoch `epoch - 1` to `epoch`. */
export interface Suggestion {
  readonly configId: string;
  readonly epoch: number;
  /** The optimizer's prediction of the step's seconds, where it has a cost model (kept to check it). */
  readonly predictedSeconds?: number;
}

/**
 * One finished step, in the order steps finished (the order storage assigned). This is what storage persists,
 * what `tell` receives and what `report` shows. Records are immutable once created.
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
  /** The worker (slot) that ran it; absent in runs made before parallel search. */
  readonly worker?: string;
  /** Clock reading when the step was claimed; absent in runs made before parallel search. */
  readonly startedAt?: number;
  /** What the optimizer predicted the step would take, where it had a cost model. */
  readonly predictedSeconds?: number;
}

/** A step some worker holds: claimed under a lease and being trained. Its pipeline is pending. */
export interface RunningStep {
  /** Unique id of the claim (storage-wide). */
  readonly claim: string;
  readonly configId: string;
  readonly epoch: number;
  readonly worker: string;
  /** Clock reading when the step was claimed. */
  readonly startedAt: number;
  /** What the optimizer predicted the step would take, where it had a cost model. */
  readonly predictedSeconds?: number;
}

/** A claim whose worker stopped (killed, lost, interrupted): the step was not recorded and may run again. */
export interface ExpiredStep extends RunningStep {
  readonly reason: string;
  /** ISO time the claim was declared expired. */
  readonly expiredAt: string;
}

/** The best (pipeline, epoch) seen so far: the highest score at any epoch, the earliest on ties. */
export interface IncumbentStep {
  readonly configId: string;
  readonly epoch: number;
  readonly score: number;
}
