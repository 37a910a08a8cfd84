import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { PoolState } from '../core/pool-state.ts';
import type { RunningStep, StepRecord, Suggestion } from '../core/step.ts';
import { InputError, InternalError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import type { Config, Pipeline } from '../space/types.ts';
import { identityDifferences } from '../storage/header-check.ts';
import { claimEntry, expireEntry, headerEntry, sessionEntry, spaceEntry, stepEntry } from '../storage/journal-ops.ts';
import { StudyReplica, type ReplicaChanges } from '../storage/replica.ts';
import { StorageConflict, type JournalEntry, type RunBudget, type RunIdentity, type RunSpace, type StudyBackend, type StudySnapshot } from '../storage/types.ts';
import { packageVersion } from '../util/package-info.ts';

const log = () => getLogger('study');

/** A study with recent activity (an entry this recent) is live: a joining session keeps its clock. */
const LIVE_WITHIN_MS = 5 * 60 * 1000;

export interface SessionOptions {
  /** 'search' may set the study's budget; 'worker' joins a shared study. */
  readonly role: 'search' | 'worker';
  /** The worker slots this session runs (one step at a time each). */
  readonly workers: readonly string[];
  /** The budget this session sets (search sessions). */
  readonly budget: RunBudget;
}

export interface NewStudy extends SessionOptions {
  readonly identity: RunIdentity;
  readonly pool: readonly Pipeline[];
  readonly space?: RunSpace;
}

/** What a finished step amounts to, before storage gives it its place in the record. */
export type StepResult = Omit<StepRecord, 'configId' | 'epoch' | 'worker' | 'startedAt'>;

/**
 * A study owns its storage and the life of every step: claimed → ok | failed | expired. It keeps a replica of
 * the stored study (the pool's state included) up to date with what other workers commit, claims steps in the
 * storage's exclusive section so that no two workers ever hold the same pipeline, and records results against
 * their claims, so a result whose lease was lost is never recorded twice. One per process and session.
 */
export class Study {
  readonly backend: StudyBackend;
  readonly session: number;
  /** Wall time (ms since epoch) at which the study's clock read 0 in this session. */
  readonly clockOrigin: number;
  private readonly replica: StudyReplica;
  private readonly leaseSeconds: number | null;
  private configs: ReadonlyMap<string, Config> | undefined;

  private constructor(backend: StudyBackend, replica: StudyReplica, session: number, clockOrigin: number) {
    this.backend = backend;
    this.replica = replica;
    this.session = session;
    this.clockOrigin = clockOrigin;
    // NOTE: a journal file has one writer, whose claims live as long as it does; shared storage needs leases.
    this.leaseSeconds = backend.shared ? LEASE_SECONDS : null;
  }

  /** Creates a study (header, space, pool, first session); InputError when one exists there. */
  static async create(backend: StudyBackend, spec: NewStudy): Promise<Study> {
    if (spec.pool.length === 0) throw new InputError(`${backend.location}: the candidate pool is empty`);
    const now = new Date();
    const header = { ...spec.identity, quicktune: packageVersion(), createdAt: now.toISOString(), budget: spec.budget };
    await backend.create([
      headerEntry(header),
      ...(spec.space ? [spaceEntry(spec.space)] : []),
      { op: 'pool', pipelines: spec.pool.map((p) => ({ id: p.id, config: p.config })) },
    ]);
    return Study.join(backend, spec, { expectNew: true });
  }

  /**
   * Opens an existing study for a new session (a resumed search, or a worker joining): refuses an identity
   * that differs (InputError, one line per difference; `identity` undefined skips the check), expires claims
   * whose holders are gone, and appends the session.
   */
  static async open(backend: StudyBackend, options: SessionOptions & { readonly identity?: RunIdentity }): Promise<Study> {
    return Study.join(backend, options, { expectNew: false });
  }

  private static async join(backend: StudyBackend, options: SessionOptions & { readonly identity?: RunIdentity }, how: { expectNew: boolean }): Promise<Study> {
    const replica = new StudyReplica(backend.location);
    const entries = await backend.read(0);
    replica.apply(entries);
    const before = replica.snapshot();
    for (const warning of before.warnings) log().warn(warning);
    if (!how.expectNew && options.identity) {
      const differences = identityDifferences(before.header, options.identity);
      if (differences.length > 0) {
        throw new InputError(differences.map((d) => `${backend.location}: cannot ${options.role === 'worker' ? 'join the study' : 'resume'}: ${d}`), 'run.mismatch');
      }
    }
    if (!how.expectNew && before.header.quicktune !== packageVersion()) {
      log().warn(`${backend.location}: the study was created by quicktune ${before.header.quicktune}; continuing it with ${packageVersion()}`);
    }
    const from = replica.cursor;
    const { session, origin } = await backend.transaction(from, async (tx) => {
      catchUp(replica, from, tx.entries);
      const snapshot = replica.snapshot();
      tx.append(tx.expired.map((claim) => expireEntry(claim, 'its worker stopped before finishing (lease expired)')));
      const n = snapshot.sessions.length + 1;
      const live = backend.shared && snapshot.lastActivityAt !== undefined && Date.now() - Date.parse(snapshot.lastActivityAt) < LIVE_WITHIN_MS;
      const liveOrigin = live ? snapshot.sessions.findLast((s) => s.stop === undefined && s.clockOrigin !== undefined)?.clockOrigin : undefined;
      const originMs = liveOrigin !== undefined ? Date.parse(liveOrigin) : Date.now() - snapshot.elapsedSeconds * 1000;
      tx.append([
        sessionEntry({
          n,
          startedAt: new Date().toISOString(),
          pid: process.pid,
          host: hostname(),
          quicktune: packageVersion(),
          budget: options.budget,
          role: options.role,
          workers: options.workers,
          clockOrigin: new Date(originMs).toISOString(),
        }),
      ]);
      return { session: n, origin: originMs };
    });
    const study = new Study(backend, replica, session, origin);
    await study.sync();
    return study;
  }

  /** Lease length in seconds of this study's claims; null where claims live as long as their process. */
  get leaseLength(): number | null {
    return this.leaseSeconds;
  }

  /** The config of a pool pipeline. */
  configOf(configId: string): Config | undefined {
    this.configs ??= new Map(this.replica.snapshot().pool.map((p) => [p.id, p.config]));
    return this.configs.get(configId);
  }

  /** The pool's state: observed curves, finished and pending pipelines (what optimizers read). */
  get state(): PoolState {
    return this.replica.state;
  }

  /** The study as of the last sync. */
  snapshot(): StudySnapshot {
    return this.replica.snapshot();
  }

  /** The study's clock: seconds since it started, pauses between sessions excluded. */
  now(): number {
    return (Date.now() - this.clockOrigin) / 1000;
  }

  /** Applies what other workers committed since the last sync. */
  async sync(): Promise<ReplicaChanges> {
    return this.replica.apply(await this.backend.read(this.replica.cursor));
  }

  /**
   * In the storage's exclusive section: applies what others committed (`onChanges` sees it first, e.g. to tell
   * the optimizer), records expired leases, asks `decide` for a step and claims it for `worker`. Returns the
   * claim, or null when `decide` proposes nothing. A proposal that is not a valid next step is a bug.
   */
  async claim(
    worker: string,
    startedAt: () => number,
    decide: () => Promise<Suggestion | null>,
    onChanges: (changes: ReplicaChanges) => Promise<void>,
  ): Promise<RunningStep | null> {
    for (;;) {
      const from = this.replica.cursor;
      const outcome = await this.backend.transaction(from, async (tx) => {
        await onChanges(catchUp(this.replica, from, tx.entries));
        if (tx.expired.length > 0) {
          const expiries = tx.expired.map((claim) => expireEntry(claim, 'its worker stopped renewing the lease'));
          tx.append(expiries);
          return { retry: true, appended: expiries } as const;
        }
        const suggestion = await decide();
        if (suggestion === null) return { retry: false, appended: [], claim: null } as const;
        const problem = this.state.problemWith(suggestion);
        if (problem !== undefined) throw new InternalError(`the optimizer proposed an invalid step: ${problem}`);
        const claim: RunningStep = {
          claim: randomUUID(),
          configId: suggestion.configId,
          epoch: suggestion.epoch,
          worker,
          startedAt: startedAt(),
          ...(suggestion.predictedSeconds === undefined ? {} : { predictedSeconds: suggestion.predictedSeconds }),
        };
        const entry = claimEntry(claim, this.leaseSeconds);
        tx.append([entry]);
        return { retry: false, appended: [entry], claim } as const;
      });
      await onChanges(this.replica.apply(outcome.appended));
      if (!outcome.retry) return outcome.claim ?? null;
    }
  }

  /**
   * Records the result of a claimed step, numbered by storage in commit order. Returns the record, or
   * undefined when the claim's lease was lost meanwhile (the step went back to the queue; its result is
   * dropped, so no (pipeline, epoch) is ever recorded twice). `onChanges` sees other workers' commits first.
   */
  async finish(claim: RunningStep, result: StepResult, onChanges: (changes: ReplicaChanges) => Promise<void>): Promise<StepRecord | undefined> {
    const record: StepRecord = Object.freeze({
      ...result,
      configId: claim.configId,
      epoch: claim.epoch,
      worker: claim.worker,
      startedAt: claim.startedAt,
      ...(claim.predictedSeconds === undefined ? {} : { predictedSeconds: claim.predictedSeconds }),
    });
    try {
      const from = this.replica.cursor;
      const appended = await this.backend.transaction(from, async (tx) => {
        await onChanges(catchUp(this.replica, from, tx.entries));
        if (this.replica.claimOf(claim.claim) === undefined || tx.expired.includes(claim.claim)) {
          tx.append(tx.expired.map((c) => expireEntry(c, 'its worker stopped renewing the lease')));
          return undefined;
        }
        const entry = stepEntry(this.replica.stepCount, record, claim.claim);
        tx.append([entry]);
        return entry;
      });
      if (appended === undefined) {
        await onChanges(await this.sync());
        log().warn({ configId: claim.configId, epoch: claim.epoch, worker: claim.worker }, 'the lease of this step was lost before it finished; its result is dropped (the step runs again)');
        return undefined;
      }
      await onChanges(this.replica.apply([appended]));
      return record;
    } catch (error) {
      if (error instanceof StorageConflict) {
        await onChanges(await this.sync());
        log().warn({ configId: claim.configId, epoch: claim.epoch, why: error.message }, 'result not recorded');
        return undefined;
      }
      throw error;
    }
  }

  /** Gives up claims without a result (an interrupted step): they may run again. */
  async release(claims: readonly RunningStep[], reason: string): Promise<void> {
    if (claims.length === 0) return;
    const from = this.replica.cursor;
    const appended = await this.backend.transaction(from, async (tx) => {
      catchUp(this.replica, from, tx.entries);
      const open = claims.filter((c) => this.replica.claimOf(c.claim) !== undefined && !tx.expired.includes(c.claim));
      const entries = [...tx.expired, ...open.map((c) => c.claim)].map((c) => expireEntry(c, tx.expired.includes(c) ? 'its worker stopped renewing the lease' : reason));
      tx.append(entries);
      return entries;
    });
    this.replica.apply(appended);
  }

  /** Heartbeat: extends the leases of `claims`; returns the ones already lost. */
  async renew(worker: string, claims: readonly RunningStep[]): Promise<readonly string[]> {
    if (this.leaseSeconds === null) return [];
    return this.backend.renew(worker, claims.map((c) => c.claim), this.leaseSeconds);
  }

  /** Marks the end of this session (why, and the clock reading); the study can be continued later. */
  async stop(reason: string, seconds: number): Promise<void> {
    const entry = { op: 'stop', session: this.session, reason, seconds, at: new Date().toISOString() };
    const from = this.replica.cursor;
    await this.backend.transaction(from, async (tx) => {
      catchUp(this.replica, from, tx.entries);
      tx.append([entry]);
    });
    this.replica.apply([entry]);
  }

  async close(): Promise<void> {
    await this.backend.close();
  }
}

/**
 * Applies the entries of a transaction that began at `from` which the replica has not applied yet. NOTE: a
 * backend may run a transaction's work again after a lost connection, with the same `from`; entries applied by
 * the first run are not applied (nor told to the optimizer) twice.
 */
function catchUp(replica: StudyReplica, from: number, entries: readonly JournalEntry[]): ReplicaChanges {
  return replica.apply(entries.slice(replica.cursor - from));
}

/** Lease length of claims in shared storage; workers renew them every third of it. */
export const LEASE_SECONDS = Number(process.env.QUICKTUNE_LEASE_SECONDS ?? '') || 60;
