import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { InputError, InternalError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import type { Pipeline } from '../space/types.ts';
import type { StepRecord } from '../study/types.ts';
import { packageVersion } from '../util/package-info.ts';
import { identityDifferences } from './header-check.ts';
import { JournalFileBackend } from './journal-file.ts';
import { headerEntry, sessionEntry, spaceEntry, stepEntry } from './journal-ops.ts';
import { replayJournal } from './replay-journal.ts';
import { RunLock } from './run-lock.ts';
import type { JournalBackend, RunBudget, RunIdentity, RunRecorder, RunSession, RunSpace, RunState } from './types.ts';

const log = () => getLogger('storage');

export interface OpenRunOptions {
  /** The journal file (resolveStorage). */
  readonly journal: string;
  /** What this invocation is: written into a new run's header, checked against a resumed run's. */
  readonly identity: RunIdentity;
  /** This session's stopping rule. */
  readonly budget: RunBudget;
}

/**
 * The upper tier of run storage: a run's header, candidate pool, sessions and step records on top of a
 * journal backend, under an exclusive lock. `recordStep` resolves once the step is durable, so the loop can
 * call it as its `onStep` before starting the next step. Close it (or let the process die: the lock turns
 * stale) when the search ends.
 */
export class RunStore implements RunRecorder {
  private readonly backend: JournalBackend;
  private readonly lock: RunLock;
  private readonly steps: StepRecord[];
  private readonly poolIds: ReadonlySet<string>;
  private state: RunState;
  private closed = false;

  private constructor(backend: JournalBackend, lock: RunLock, state: RunState) {
    this.backend = backend;
    this.lock = lock;
    this.state = state;
    this.steps = [...state.steps];
    this.poolIds = new Set(state.pool.map((p) => p.id));
  }

  /** Starts a new run: fails when the journal exists (use `resume`). Writes header, space, pool and session 1. */
  static async create(options: OpenRunOptions & { readonly pool: readonly Pipeline[]; readonly space?: RunSpace }): Promise<RunStore> {
    if (options.pool.length === 0) throw new InputError(`${options.journal}: the candidate pool is empty`);
    await mkdir(dirname(options.journal), { recursive: true });
    const lock = await RunLock.acquire(`${options.journal}.lock`);
    try {
      const backend = await JournalFileBackend.create(options.journal);
      const now = new Date().toISOString();
      const header = { ...options.identity, quicktune: packageVersion(), createdAt: now, budget: options.budget };
      const session = newSession(1, options.budget);
      await backend.appendLogs([
        headerEntry(header),
        ...(options.space ? [spaceEntry(options.space)] : []),
        { op: 'pool', pipelines: options.pool.map((p) => ({ id: p.id, config: p.config })) },
        sessionEntry(session),
      ]);
      const state = replayJournal(options.journal, await backend.readLogs(0));
      return new RunStore(backend, lock, state);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * Reopens a run to continue it: replays the journal (tolerating a torn last line), refuses an invocation
   * whose identity differs (InputError, one line per difference) and appends a new session.
   */
  static async resume(options: OpenRunOptions): Promise<RunStore> {
    const lock = await RunLock.acquire(`${options.journal}.lock`);
    try {
      const backend = JournalFileBackend.appender(options.journal);
      const entries = await backend.readLogs(0);
      const before = replayJournal(options.journal, entries, backend.warnings);
      for (const warning of before.warnings) log().warn(warning);
      const differences = identityDifferences(before.header, options.identity);
      if (differences.length > 0) {
        throw new InputError(differences.map((d) => `${options.journal}: cannot resume: ${d}`), 'run.mismatch');
      }
      const version = packageVersion();
      if (before.header.quicktune !== version) {
        log().warn(`${options.journal}: the run was created by quicktune ${before.header.quicktune}; continuing it with ${version}`);
      }
      const session = newSession(before.sessions.length + 1, options.budget);
      await backend.appendLogs([sessionEntry(session)]);
      const state = replayJournal(options.journal, await backend.readLogs(0), backend.warnings);
      log().info({ steps: state.steps.length, session: session.n }, `resuming run ${options.journal}`);
      return new RunStore(backend, lock, state);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** The run as of now: the opening state plus every step recorded since. */
  get run(): RunState {
    return { ...this.state, steps: [...this.steps] };
  }

  /** The steps recorded before this session (what the loop's `previous` replays to the optimizer). */
  get previousSteps(): readonly StepRecord[] {
    return this.state.steps;
  }

  async recordStep(record: StepRecord): Promise<void> {
    this.assertOpen();
    if (!this.poolIds.has(record.configId)) throw new InternalError(`step for pipeline '${record.configId}', which is not in the run's pool`);
    await this.backend.appendLogs([stepEntry(this.steps.length, record)]);
    this.steps.push(Object.freeze({ ...record }));
  }

  /** Marks the end of this session (why, and the clock reading); a later `resume` can still continue. */
  async stop(reason: string, seconds: number): Promise<void> {
    this.assertOpen();
    const session = this.state.sessions.length;
    await this.backend.appendLogs([{ op: 'stop', session, reason, seconds, at: new Date().toISOString() }]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.backend.close();
    } finally {
      await this.lock.release();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InternalError('the run store is closed');
  }
}

function newSession(n: number, budget: RunBudget): Omit<RunSession, 'stepsBefore' | 'stop'> {
  return { n, startedAt: new Date().toISOString(), pid: process.pid, host: hostname(), quicktune: packageVersion(), budget };
}
