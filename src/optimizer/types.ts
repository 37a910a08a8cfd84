import type { StepRecord, Suggestion } from '../core/step.ts';

export type { Suggestion } from '../core/step.ts';

/** What the loop knows when it asks for a step. */
export interface AskSituation {
  /** Seconds left in the search's budget (absent without one); a method may prefer steps that fit in it. */
  readonly remainingSeconds?: number;
  /** The worker slot that will run the step (its trainer may have paid for some costs already); default 0. */
  readonly slot?: number;
}

/**
 * A search method. It only proposes steps and learns from their results: it never trains, sleeps, reads or
 * writes files. It reads the pool's state from its context (the study's, updated by the study before each
 * call): observed curves, finished pipelines, and pending ones (steps running on any worker).
 *
 * Call order: `tell` once per finished step, in the order the study applied them (when it is called, the
 * state already holds that record, and, when a resumed study is replayed, later ones too); `ask` at any time,
 * with any number of steps pending, any number of times before the next `tell`. An answer must be a pending-free,
 * unfinished pipeline's next epoch. Expensive model updates should happen lazily inside `ask`, so that telling
 * many records costs one refit.
 */
export interface Optimizer {
  readonly name: string;
  /** Settings that identify the method in a run's journal and in benchmark results. */
  describe(): Readonly<Record<string, unknown>>;
  /**
   * The next step, or null when nothing can run now: every pipeline finished or pending (the loop ends the
   * search when nothing is pending either).
   */
  ask(situation?: AskSituation): Promise<Suggestion | null>;
  /** A finished step (of this worker, another worker, or a previous session). */
  tell(record: StepRecord): Promise<void>;
  /** Frees models and tensors. */
  dispose?(): void;
}
