import type { ExpiredStep, RunningStep, StepRecord } from '../core/step.ts';
import type { Pipeline, SearchSpace } from '../space/types.ts';

/** One journal entry: a JSON object with an `op` tag (docs/runs.md lists them). */
export type JournalEntry = Readonly<Record<string, unknown>>;

/**
 * The lower tier of study storage: an append-only log of JSON entries with an exclusive section and leases.
 * The study above it gives the entries their meaning and rebuilds its state by replaying them, so a backend
 * (a journal file, memory, PostgreSQL) is one file that stores entries and enforces three rules whatever its
 * callers do:
 *
 * - a `claim` entry takes a lease on its pipeline: while it is live no other claim on that pipeline commits;
 * - a `step` entry that names a claim commits only while that claim's lease is live, and ends it;
 * - at most one ok `step` entry exists per (pipeline, epoch).
 *
 * A violation rejects the whole transaction with a {@link StorageConflict}. Backends are used by one study
 * each and may be used concurrently from several processes (where the backend allows it).
 */
export interface StudyBackend {
  /** Where the study lives, safe to print: a file path, or a URL with its password redacted. */
  readonly location: string;
  /** False where one process owns the study (a journal file): workers of other processes cannot join. */
  readonly shared: boolean;
  /** True when the study exists (its first entry is written). */
  exists(): Promise<boolean>;
  /** Writes a new study's opening entries; InputError (code 'study.exists') when the study exists. */
  create(entries: readonly JournalEntry[]): Promise<void>;
  /** Entries from index `from` (0-based) to the end, in commit order; InputError 'study.missing' when absent. */
  read(from: number): Promise<readonly JournalEntry[]>;
  /**
   * Runs `work` in the study's exclusive section: no other writer commits meanwhile. `work` sees the entries
   * committed since `from` and the claims whose lease ran out, and queues entries with `append`; they commit
   * together when `work` resolves (none when it throws). A backend that reconnects after a lost connection may
   * run `work` again, with the entries since the same `from`, when the first run's entries did not commit
   * (never when they did): `work` must be safe to run again.
   */
  transaction<T>(from: number, work: (tx: BackendTransaction) => Promise<T>): Promise<T>;
  /**
   * Extends the leases of `claims` (heartbeat) to `seconds` from now and records that `worker` was seen;
   * returns the claims whose lease was already lost.
   */
  renew(worker: string, claims: readonly string[], seconds: number): Promise<readonly string[]>;
  /** When each worker last showed a sign of life (ISO times), where the backend keeps track. */
  lastSeen?(): Promise<ReadonlyMap<string, string>>;
  close(): Promise<void>;
}

export interface BackendTransaction {
  /** Entries committed since the transaction's `from`, in commit order (other workers' included). */
  readonly entries: readonly JournalEntry[];
  /** Claims whose lease ran out: their workers stopped renewing them. */
  readonly expired: readonly string[];
  /** Queues entries to commit with the transaction. */
  append(entries: readonly JournalEntry[]): void;
}

/** A transaction broke one of the backend's rules (a second live claim, a lost lease, a repeated ok step). */
export class StorageConflict extends Error {
  readonly kind: 'claim-taken' | 'lease-lost' | 'duplicate-step';
  constructor(kind: StorageConflict['kind'], message: string) {
    super(message);
    this.name = 'StorageConflict';
    this.kind = kind;
  }
}

/** What identifies a study: a resumed invocation or a joining worker must match it (except `budget`). */
export interface RunIdentity {
  readonly seed: number;
  /** The image folder (or meta-dataset task) and a fingerprint of its files. */
  readonly dataset: { readonly path: string; readonly fingerprint: string };
  /** SearchSpace.hash of the space the pool was drawn from. */
  readonly spaceHash: string;
  /** Trainer.describe() */
  readonly trainer: Readonly<Record<string, unknown>>;
  /** The method and its settings (with the predictor's identity for model-based methods). */
  readonly optimizer: Readonly<Record<string, unknown>>;
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
}

/** A study's stopping rule; a resumed search may change it (e.g. extend the budget). */
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

/** One process that wrote to the study: the search that created it, each `--resume`, each joining worker. */
export interface RunSession {
  readonly n: number;
  readonly startedAt: string;
  readonly pid: number;
  readonly host: string;
  readonly quicktune: string;
  readonly budget: RunBudget;
  /** 'search' sessions set the study's budget; 'worker' sessions only run steps. */
  readonly role: 'search' | 'worker';
  /** The worker slots of the session. */
  readonly workers: readonly string[];
  /** Wall time (ISO) at which the study's clock read 0 during this session. */
  readonly clockOrigin?: string;
  /** Number of step records when the session started. */
  readonly stepsBefore: number;
  /** Set when the session ended normally (budget spent, step limit, pool exhausted, interrupted). */
  readonly stop?: { readonly reason: string; readonly seconds: number; readonly at: string };
}

/** The parts of the search space a run keeps: enough to tell which parameters of a config are active. */
export type RunSpace = Pick<SearchSpace, 'name' | 'parameters' | 'order'>;

/** A study rebuilt from its entries: what report, status and the dashboard show and `--resume` continues. */
export interface StudySnapshot {
  /** Where it was read from (a journal file or a redacted URL). */
  readonly location: string;
  readonly header: RunHeader;
  readonly pool: readonly Pipeline[];
  /** The search space of the pool, when the study recorded it. */
  readonly space: RunSpace | undefined;
  /** Every finished step, in the order storage recorded them. */
  readonly steps: readonly StepRecord[];
  /** Steps claimed and not finished: running now, or left by a process that died (until they expire). */
  readonly running: readonly RunningStep[];
  /** Claims that ended without a record. */
  readonly expired: readonly ExpiredStep[];
  readonly sessions: readonly RunSession[];
  /** The study's current budget: the last search session's. */
  readonly budget: RunBudget;
  /** Clock seconds the study has spent so far (where a resumed session's clock starts). */
  readonly elapsedSeconds: number;
  /** Wall time (ISO) of the last entry with a time: a study with recent activity has live workers. */
  readonly lastActivityAt: string | undefined;
  /** Things tolerated while reading (a torn last line). */
  readonly warnings: readonly string[];
}
