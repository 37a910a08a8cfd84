/**
 * What the dashboard server sends its page: one snapshot when a page connects, then deltas (the entries
 * committed since). Shared by the server (Node) and the page (the browser), so it imports nothing.
 *
 * Steps and expiries only ever grow, so a delta carries the new ones; everything else (running steps,
 * workers, sessions, budget, clock, incumbent) is small and sent whole in every message as {@link LiveState}.
 * At 10 000 steps a snapshot is about a megabyte and a delta a few hundred bytes (docs/dashboard.md).
 */

/** The SSE event names the server emits. */
export const EVENT_SNAPSHOT = 'snapshot';
export const EVENT_DELTA = 'delta';

/** Where a page is: how many step records and expiries it holds. */
export interface Cursor {
  readonly steps: number;
  readonly expired: number;
}

/** A scalar hyperparameter value as a config holds it. */
export type ParamValue = string | number | boolean;

/** What the study is: shown once, never changes. */
export interface StudyInfo {
  /** Where the study is read from (a journal path, or a storage URL with its password redacted). */
  readonly location: string;
  readonly dataset: string;
  /** The trainer's name (its settings are in the run's header). */
  readonly trainer: string;
  /** The search method (optimizer). */
  readonly method: string;
  readonly seed: number;
  readonly maxEpochs: number;
  /** ISO time the study was created. */
  readonly createdAt: string;
  /** The quicktune version that created it. */
  readonly quicktune: string;
}

/** A pipeline of the candidate pool: its model and its active hyperparameters (inactive ones left out). */
export interface PipelineInfo {
  readonly id: string;
  readonly model: string;
  readonly params: ReadonlyArray<readonly [name: string, value: ParamValue]>;
}

/**
 * One finished step, compact (10 000 of them travel in a snapshot): `pipeline` is an index into the pool,
 * times are study clock seconds, `startedAt` is null in runs made before parallel search.
 */
export type StepRow = readonly [
  seq: number,
  pipeline: number,
  epoch: number,
  score: number | null,
  seconds: number,
  failed: 0 | 1,
  final: 0 | 1,
  finishedAt: number,
  startedAt: number | null,
  worker: string | null,
  predictedSeconds: number | null,
  error: string | null,
];

/** A step a worker holds now. */
export interface RunningRow {
  readonly pipeline: number;
  readonly epoch: number;
  readonly worker: string;
  readonly startedAt: number;
  readonly predictedSeconds: number | null;
}

/** A claim that ended without a record (its worker stopped); the step may run again. */
export interface ExpiredRow {
  readonly pipeline: number;
  readonly epoch: number;
  readonly worker: string;
  readonly startedAt: number;
  readonly reason: string;
  /** ISO time the claim was declared expired. */
  readonly expiredAt: string;
}

/** A worker slot: from a session's worker list, or seen on a claim or step. */
export interface WorkerInfo {
  readonly id: string;
  /** The host of the session that lists it, when one does. */
  readonly host: string | null;
  /** The number of the last session listing it (null: only seen on steps). */
  readonly session: number | null;
  /** stopped: its session ended; live: its session is open (running or waiting for a step). */
  readonly state: 'live' | 'stopped';
  /** When storage last heard from it (ISO), where the storage keeps track. */
  readonly lastSeen: string | null;
}

/** A process that wrote to the study: the search, each resume, each joining worker. */
export interface SessionInfo {
  readonly n: number;
  readonly role: 'search' | 'worker';
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly workers: number;
  readonly stop: { readonly reason: string; readonly seconds: number; readonly at: string } | null;
}

/** The best (pipeline, epoch) so far, as `search` and `report` define it (the earliest on ties). */
export interface IncumbentInfo {
  readonly pipeline: number;
  readonly epoch: number;
  readonly score: number;
  /** The epoch's checkpoint when one exists, else the pipeline's checkpoint folder; null when unknown. */
  readonly checkpoint: string | null;
  /** True when `checkpoint` is the epoch's own file or folder (it was found on disk). */
  readonly checkpointFound: boolean;
}

/** The small, changing part of the study: sent whole in every message. */
export interface LiveState {
  /**
   * The study clock: `seconds` when the message was built (at `serverTime`, ms since the epoch); `ticking`
   * while a session is open and the study had an entry in the last five minutes, so the page can move it on
   * between messages.
   */
  readonly clock: { readonly seconds: number; readonly ticking: boolean; readonly serverTime: number };
  readonly budget: { readonly seconds: number | null; readonly maxSteps: number | null };
  readonly running: readonly RunningRow[];
  readonly workers: readonly WorkerInfo[];
  readonly sessions: readonly SessionInfo[];
  /** Why the last session stopped, once every session has stopped; null while one is open (or crashed). */
  readonly stopReason: string | null;
  /** Wall time (ISO) of the study's last entry with a time. */
  readonly lastActivityAt: string | null;
  readonly incumbent: IncumbentInfo | null;
  /** Things tolerated while reading (a torn last line) and the last storage problem, if any. */
  readonly warnings: readonly string[];
}

/** Everything, for a page that connects (or lost track). */
export interface SnapshotMessage {
  readonly kind: 'snapshot';
  readonly cursor: Cursor;
  readonly study: StudyInfo;
  readonly pool: readonly PipelineInfo[];
  readonly steps: readonly StepRow[];
  readonly expired: readonly ExpiredRow[];
  readonly live: LiveState;
}

/** What changed since `from`: the steps and expiries after it, and the live state. */
export interface DeltaMessage {
  readonly kind: 'delta';
  readonly from: Cursor;
  readonly cursor: Cursor;
  readonly steps: readonly StepRow[];
  readonly expired: readonly ExpiredRow[];
  readonly live: LiveState;
}

export type DashboardMessage = SnapshotMessage | DeltaMessage;
