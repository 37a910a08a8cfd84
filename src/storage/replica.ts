import { PoolState } from '../core/pool-state.ts';
import type { ExpiredStep, RunningStep, StepRecord } from '../core/step.ts';
import { InputError } from '../errors.ts';
import type { Pipeline } from '../space/types.ts';
import { budgetOf, claimOf, headerOf, JOURNAL_FORMAT, JournalOp, stepOf } from './journal-ops.ts';
import type { JournalEntry, RunBudget, RunHeader, RunSession, RunSpace, StudySnapshot } from './types.ts';

/** What one batch of entries changed, for a live reader (a worker's optimizer, the dashboard). */
export interface ReplicaChanges {
  readonly records: readonly StepRecord[];
  readonly claims: readonly RunningStep[];
  readonly expired: readonly ExpiredStep[];
}

/**
 * A study rebuilt from its entries, and kept up to date by applying the entries committed since. Every reader
 * of a study (resume, a worker, report, status, the dashboard) goes through it, so the rules are checked in one
 * place: a header first, the pool once, sessions numbered 1, 2, ..., steps numbered 0, 1, 2, ... in commit
 * order, a claim only for a pipeline's next epoch while no other claim on it is open, a step only for the next
 * epoch of a pipeline that is not finished. Anything else is a corrupt or foreign study (InputError naming the
 * entry).
 */
export class StudyReplica {
  readonly location: string;
  private header: RunHeader | undefined;
  private space: RunSpace | undefined;
  private pool: readonly Pipeline[] | undefined;
  private poolState: PoolState | undefined;
  private readonly steps: StepRecord[] = [];
  private readonly sessions: RunSession[] = [];
  private readonly open = new Map<string, RunningStep>();
  private readonly claimIds = new Set<string>();
  private readonly expiredSteps: ExpiredStep[] = [];
  private readonly warnings: string[] = [];
  private applied = 0;
  private elapsed = 0;
  private lastActivity: string | undefined;

  constructor(location: string) {
    this.location = location;
  }

  /** Entries applied so far: the `from` of the next read. */
  get cursor(): number {
    return this.applied;
  }

  /** The pool's state (observed curves, finished and pending pipelines); throws before the pool entry. */
  get state(): PoolState {
    if (!this.poolState) throw new InputError(`${this.location}: the study has no candidate pool: its creation was interrupted; start a new one`, 'run.corrupt');
    return this.poolState;
  }

  /** Step records applied so far: the number the next one gets. */
  get stepCount(): number {
    return this.steps.length;
  }

  /** The open claims by id. */
  claimOf(claim: string): RunningStep | undefined {
    return this.open.get(claim);
  }

  noteWarnings(warnings: readonly string[]): void {
    for (const warning of warnings) if (!this.warnings.includes(warning)) this.warnings.push(warning);
  }

  /** Applies entries that follow the ones applied so far. */
  apply(entries: readonly JournalEntry[]): ReplicaChanges {
    const records: StepRecord[] = [];
    const claims: RunningStep[] = [];
    const expired: ExpiredStep[] = [];
    for (const raw of entries) {
      const index = this.applied;
      this.applyOne(raw, index, { records, claims, expired });
      this.applied++;
    }
    return { records, claims, expired };
  }

  /** The study as of the entries applied. Throws InputError when it has no header or pool yet. */
  snapshot(): StudySnapshot {
    if (!this.header) throw new InputError(`${this.location}: empty study (no header): it was never started`, 'run.corrupt');
    if (!this.pool) throw new InputError(`${this.location}: the study has no candidate pool: its creation was interrupted; start a new one`, 'run.corrupt');
    return {
      location: this.location,
      header: this.header,
      pool: this.pool,
      space: this.space,
      steps: [...this.steps],
      running: [...this.open.values()],
      expired: [...this.expiredSteps],
      sessions: [...this.sessions],
      budget: this.budget(),
      elapsedSeconds: this.elapsed,
      lastActivityAt: this.lastActivity,
      warnings: [...this.warnings],
    };
  }

  private budget(): RunBudget {
    const search = this.sessions.filter((s) => s.role === 'search').at(-1);
    return search?.budget ?? this.header?.budget ?? {};
  }

  private noteActivity(at: string): void {
    if (this.lastActivity === undefined || at > this.lastActivity) this.lastActivity = at;
  }

  private applyOne(raw: JournalEntry, index: number, out: { records: StepRecord[]; claims: RunningStep[]; expired: ExpiredStep[] }): void {
    const fail = (problem: string): never => {
      throw new InputError(`${this.location}: entry ${index + 1}: ${problem}`, 'run.corrupt');
    };
    if (index === 0 && raw.op === 'header' && typeof raw.format === 'number' && raw.format > JOURNAL_FORMAT) {
      fail(`journal format ${raw.format} is newer than this quicktune understands (${JOURNAL_FORMAT}); upgrade quicktune`);
    }
    const parsed = JournalOp.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(`not a valid journal entry (${issue ? `${issue.path.join('.') || 'op'}: ${issue.message}` : 'unknown'})`);
    }
    const op = parsed.data;
    if (index === 0 && op.op !== 'header') fail('a study starts with a header entry');
    switch (op.op) {
      case 'header':
        if (index !== 0) fail('a second header');
        this.header = headerOf(op);
        return;
      case 'space':
        if (this.space || this.pool) fail('the space must come once, before the pool');
        this.space = { name: op.name, parameters: op.parameters.map((p) => ({ ...p, default: p.default })), order: op.order };
        return;
      case 'pool': {
        if (this.pool) fail('a second pool');
        const pool = op.pipelines.map((p) => Object.freeze({ id: p.id, config: Object.freeze({ ...p.config }) }));
        try {
          this.poolState = new PoolState(pool.map((p) => p.id), this.header?.maxEpochs ?? 1);
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
        this.pool = pool;
        return;
      }
      case 'session':
        if (op.n !== this.sessions.length + 1) fail(`session ${op.n} follows session ${this.sessions.length}`);
        this.noteActivity(op.started_at);
        this.sessions.push({
          n: op.n,
          startedAt: op.started_at,
          pid: op.pid,
          host: op.host,
          quicktune: op.quicktune,
          budget: budgetOf(op.budget),
          role: op.role ?? 'search',
          workers: op.workers ?? [],
          ...(op.clock_origin === undefined ? {} : { clockOrigin: op.clock_origin }),
          stepsBefore: this.steps.length,
        });
        return;
      case 'stop': {
        const session = this.sessions[op.session - 1];
        if (!session || session.stop) return fail(`stop of session ${op.session}, which is not open`);
        this.sessions[op.session - 1] = { ...session, stop: { reason: op.reason, seconds: op.seconds, at: op.at } };
        this.elapsed = Math.max(this.elapsed, op.seconds);
        this.noteActivity(op.at);
        return;
      }
      case 'claim': {
        const state = this.poolState ?? fail('a claim before the pool');
        if (this.claimIds.has(op.claim)) fail(`claim '${op.claim}' appears twice`);
        const step = claimOf(op);
        try {
          state.claim(step);
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
        this.claimIds.add(op.claim);
        this.noteActivity(op.at);
        this.open.set(op.claim, step);
        out.claims.push(step);
        return;
      }
      case 'expire': {
        const step = this.open.get(op.claim) ?? fail(`expiry of claim '${op.claim}', which is not open`);
        this.open.delete(op.claim);
        this.poolState?.release(op.claim);
        const expired: ExpiredStep = Object.freeze({ ...step, reason: op.reason, expiredAt: op.at });
        this.expiredSteps.push(expired);
        this.noteActivity(op.at);
        out.expired.push(expired);
        return;
      }
      case 'step': {
        const state = this.poolState ?? fail('a step before the pool');
        if (op.seq !== this.steps.length) fail(`step number ${op.seq} where ${this.steps.length} was expected (a lost or repeated step)`);
        if (op.claim !== undefined) {
          const claim = this.open.get(op.claim) ?? fail(`step of claim '${op.claim}', which is not open`);
          if (claim.configId !== op.config_id || claim.epoch !== op.epoch) {
            fail(`step ${op.config_id} epoch ${op.epoch} does not match its claim (${claim.configId} epoch ${claim.epoch})`);
          }
          this.open.delete(op.claim);
        }
        const record = stepOf(op);
        const i = state.indexOf(op.config_id);
        if (i === undefined) fail(`step for pipeline '${op.config_id}', which is not in the pool`);
        if (i !== undefined && state.isFinal(i)) fail(`step for pipeline '${op.config_id}' after its final step`);
        if (i !== undefined && op.epoch !== state.epochsOf(i) + 1) fail(`pipeline '${op.config_id}' epoch ${op.epoch} follows epoch ${state.epochsOf(i)}`);
        state.observe(record);
        this.steps.push(record);
        this.elapsed = Math.max(this.elapsed, record.finishedAt);
        out.records.push(record);
        return;
      }
    }
  }
}

/** Rebuilds a study from all its entries (a journal read from the start). */
export function replayJournal(location: string, entries: readonly JournalEntry[], warnings: readonly string[] = []): StudySnapshot {
  const replica = new StudyReplica(location);
  replica.noteWarnings(warnings);
  replica.apply(entries);
  return replica.snapshot();
}
