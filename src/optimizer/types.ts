import type { StepRecord } from '../study/types.ts';

/** The next step to run: pipeline `configId` trained from epoch `epoch - 1` to `epoch`. */
export interface Suggestion {
  readonly configId: string;
  readonly epoch: number;
}

/** What the loop knows when it asks for a step. */
export interface AskSituation {
  /** Seconds left in the search's budget (absent without one); a method may prefer steps that fit in it. */
  readonly remainingSeconds?: number;
}

/**
 * A search method. It only proposes steps and learns from their results: it never trains, sleeps, reads or
 * writes files. Call order: any number of `tell` (e.g. replaying a resumed run), then alternating `ask` and
 * `tell`. Expensive model updates should happen lazily inside `ask`, so replaying many records costs one refit.
 */
export interface Optimizer {
  readonly name: string;
  /** Settings that identify the method in a run's journal and in benchmark results. */
  describe(): Readonly<Record<string, unknown>>;
  /** The next step, or null when every pipeline is finished (the search then ends early). */
  ask(situation?: AskSituation): Promise<Suggestion | null>;
  /** The result of a step this optimizer (or a previous session of the run) asked for. */
  tell(record: StepRecord): Promise<void>;
  /** Frees models and tensors. */
  dispose?(): void;
}
