import type { Pipeline, SearchSpace } from '../space/types.ts';
import type { StepRecord } from '../study/types.ts';

/** One journal entry: a JSON object with an `op` tag (docs/runs.md lists them). */
export type JournalEntry = Readonly<Record<string, unknown>>;

/**
 * The lower tier of run storage (Optuna's journal backend): an append-only log of JSON entries. The run
 * store above it gives the entries their meaning and rebuilds its state by replaying them.
 */
export interface JournalBackend {
  /** Entries from index `from` (0-based) to the end, in append order. */
  readLogs(from: number): Promise<readonly JournalEntry[]>;
  /** Appends entries; when it resolves they are durable (flushed and fsynced), all or a prefix after a crash. */
  appendLogs(entries: readonly JournalEntry[]): Promise<void>;
  /** Releases the file handle. */
  close(): Promise<void>;
}

/** What identifies a run: a resumed invocation must match it (except `budget` and `quicktune`). */
export interface RunIdentity {
  readonly seed: number;
  /** The image folder (or meta-dataset task) and a fingerprint of its files. */
  readonly dataset: { readonly path: string; readonly fingerprint: string };
  /** SearchSpace.hash of the space the pool was drawn from. */
  readonly spaceHash: string;
  /** Trainer.describe() */
  readonly trainer: Readonly<Record<string, unknown>>;
  /** Optimizer.describe() */
  readonly optimizer: Readonly<Record<string, unknown>>;
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
}

/** A session's stopping rule; a resumed session may change it (e.g. extend the budget). */
export interface RunBudget {
  readonly seconds?: number;
  readonly maxSteps?: number;
}

/** The first entry of a journal. */
export interface RunHeader extends RunIdentity {
  /** The quicktune version that created the run. */
  readonly quicktune: string;
  /** ISO time of creation. */
  readonly createdAt: string;
  readonly budget: RunBudget;
}

/** One process that wrote to the run: the first creates it, each `--resume` adds one. */
export interface RunSession {
  readonly n: number;
  readonly startedAt: string;
  readonly pid: number;
  readonly host: string;
  readonly quicktune: string;
  readonly budget: RunBudget;
  /** Number of step records when the session started. */
  readonly stepsBefore: number;
  /** Set when the session ended normally (budget spent, step limit, pool exhausted, interrupted). */
  readonly stop?: { readonly reason: string; readonly seconds: number; readonly at: string };
}

/** The parts of the search space a run keeps: enough to tell which parameters of a config are active. */
export type RunSpace = Pick<SearchSpace, 'name' | 'parameters' | 'order'>;

/** A run rebuilt from its journal: what `report` shows and `--resume` continues from. */
export interface RunState {
  /** The journal file it was read from. */
  readonly journal: string;
  readonly header: RunHeader;
  readonly pool: readonly Pipeline[];
  /** The search space of the pool, when the run recorded it. */
  readonly space: RunSpace | undefined;
  /** Every finished step, in the order they finished. */
  readonly steps: readonly StepRecord[];
  readonly sessions: readonly RunSession[];
  /** Seconds the run has spent so far (the clock reading a resumed session starts from). */
  readonly elapsedSeconds: number;
  /** Things tolerated while reading (a torn last line). */
  readonly warnings: readonly string[];
}

/** What the search loop calls after each step (its `onStep`): the step is durable when it resolves. */
export interface RunRecorder {
  recordStep(record: StepRecord): Promise<void>;
}
