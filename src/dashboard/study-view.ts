import type { StepRecord } from '../core/step.ts';
import { activeParameters } from '../space/conditions.ts';
import type { StudySnapshot } from '../storage/types.ts';
import { checkpointDir } from '../storage/registry.ts';
import { findEpochCheckpoint } from './checkpoint-path.ts';
import type { FollowedStudy } from './study-follower.ts';
import type {
  Cursor,
  DeltaMessage,
  ExpiredRow,
  IncumbentInfo,
  LiveState,
  PipelineInfo,
  SessionInfo,
  SnapshotMessage,
  StepRow,
  StudyInfo,
  WorkerInfo,
} from './view/protocol.ts';

/** A study with an entry this recent has live workers (the rule of `status` and of a joining Study). */
const LIVE_WITHIN_MS = 5 * 60 * 1000;

/**
 * The study as the page sees it: the snapshot a connecting page gets and the delta after any cursor. Kept in
 * step with the {@link StudyFollower}: rows are encoded once, as steps arrive, so a delta costs what it adds.
 */
export class StudyView {
  private readonly artifacts: string | undefined;
  private study: StudyInfo | undefined;
  private pool: readonly PipelineInfo[] = [];
  private poolIndex = new Map<string, number>();
  private readonly steps: StepRow[] = [];
  private readonly expired: ExpiredRow[] = [];
  private readonly seenWorkers = new Set<string>();
  private best: { pipeline: number; epoch: number; score: number } | undefined;
  private checkpoint: { key: string; path: string | null; found: boolean } = { key: '', path: null, found: false };
  private live: LiveState | undefined;
  private last: { run: StudySnapshot; followed: FollowedStudy } | undefined;

  /** `artifacts`: the folder whose `checkpoints/<config_id>/` hold checkpoints; undefined when unknown. */
  constructor(options: { readonly artifacts: string | undefined }) {
    this.artifacts = options.artifacts;
  }

  get cursor(): Cursor {
    return { steps: this.steps.length, expired: this.expired.length };
  }

  /** Takes in the study as last read: encodes the new steps and expiries, rebuilds the live state. */
  async update(followed: FollowedStudy): Promise<void> {
    const run = followed.snapshot;
    if (!this.study) this.describe(run);
    for (let i = this.steps.length; i < run.steps.length; i++) {
      const record = run.steps[i];
      if (record) this.addStep(record);
    }
    for (let i = this.expired.length; i < run.expired.length; i++) {
      const step = run.expired[i];
      if (!step) continue;
      this.seenWorkers.add(step.worker);
      this.expired.push({ pipeline: this.indexOf(step.configId), epoch: step.epoch, worker: step.worker, startedAt: step.startedAt, reason: step.reason, expiredAt: step.expiredAt });
    }
    for (const step of run.running) this.seenWorkers.add(step.worker);
    await this.refreshCheckpoint();
    this.live = this.liveState(run, followed);
  }

  snapshot(): SnapshotMessage {
    return { kind: 'snapshot', cursor: this.cursor, study: this.info(), pool: this.pool, steps: this.steps, expired: this.expired, live: this.state() };
  }

  /** What a page at `from` lacks; undefined when `from` is not a cursor of this study (it needs a snapshot). */
  deltaSince(from: Cursor): DeltaMessage | undefined {
    if (from.steps > this.steps.length || from.expired > this.expired.length || from.steps < 0 || from.expired < 0) return undefined;
    return { kind: 'delta', from, cursor: this.cursor, steps: this.steps.slice(from.steps), expired: this.expired.slice(from.expired), live: this.state() };
  }

  private info(): StudyInfo {
    if (!this.study) throw new Error('StudyView: update() was never called');
    return this.study;
  }

  private state(): LiveState {
    if (!this.live) throw new Error('StudyView: update() was never called');
    return this.live;
  }

  private describe(run: StudySnapshot): void {
    const header = run.header;
    const text = (value: unknown): string => (typeof value === 'string' ? value : '?');
    this.study = {
      location: run.location,
      dataset: header.dataset.path,
      trainer: text(header.trainer.name ?? header.trainer.trainer),
      method: text(header.optimizer.name),
      seed: header.seed,
      maxEpochs: header.maxEpochs,
      createdAt: header.createdAt,
      quicktune: header.quicktune,
    };
    this.pool = run.pool.map((p) => {
      const active = run.space ? activeParameters(run.space, p.config) : undefined;
      const params = Object.entries(p.config).filter(
        (entry): entry is [string, string | number | boolean] => entry[0] !== 'model' && entry[1] !== null && (active === undefined || active.has(entry[0])),
      );
      return { id: p.id, model: p.config.model, params };
    });
    this.poolIndex = new Map(run.pool.map((p, i) => [p.id, i]));
  }

  private indexOf(configId: string): number {
    // NOTE: the replica refuses steps and claims outside the pool, so -1 never reaches the page.
    return this.poolIndex.get(configId) ?? -1;
  }

  private addStep(record: StepRecord): void {
    const pipeline = this.indexOf(record.configId);
    if (record.worker !== undefined) this.seenWorkers.add(record.worker);
    this.steps.push([
      this.steps.length,
      pipeline,
      record.epoch,
      record.score,
      record.seconds,
      record.status === 'failed' ? 1 : 0,
      record.final ? 1 : 0,
      record.finishedAt,
      record.startedAt ?? null,
      record.worker ?? null,
      record.predictedSeconds ?? null,
      record.error ?? null,
    ]);
    // NOTE: strictly better replaces, in commit order: the earliest wins ties, as in search and report.
    if (record.status === 'ok' && record.score !== null && (this.best === undefined || record.score > this.best.score)) {
      this.best = { pipeline, epoch: record.epoch, score: record.score };
    }
  }

  /** Looks the incumbent's checkpoint up on disk when the incumbent changes, and again while it is not found. */
  private async refreshCheckpoint(): Promise<void> {
    const best = this.best;
    const id = best === undefined ? undefined : this.pool[best.pipeline]?.id;
    if (best === undefined || id === undefined || this.artifacts === undefined) {
      this.checkpoint = { key: '', path: null, found: false };
      return;
    }
    const key = `${id}@${best.epoch}`;
    if (this.checkpoint.key === key && this.checkpoint.found) return;
    const found = await findEpochCheckpoint(checkpointDir(this.artifacts, id), best.epoch);
    this.checkpoint = { key, path: found.path, found: found.found };
  }

  /**
   * Re-evaluates, with no new entry, whether the study's clock still runs (a study goes quiet when its writers
   * die without a stop entry); true when that changed, so pages must hear of it.
   */
  recheck(): boolean {
    if (!this.last || !this.live) return false;
    const before = this.live.clock.ticking;
    this.live = this.liveState(this.last.run, this.last.followed);
    return this.live.clock.ticking !== before;
  }

  private liveState(run: StudySnapshot, followed: FollowedStudy): LiveState {
    this.last = { run, followed };
    const now = Date.now();
    // NOTE: the rule `status` follows: the clock runs from the open sessions' origin while the study has had an
    // entry in the last five minutes (a search killed without a stop entry goes quiet instead of running on).
    const live = run.lastActivityAt !== undefined && now - Date.parse(run.lastActivityAt) < LIVE_WITHIN_MS;
    const open = run.sessions.findLast((s) => s.stop === undefined && s.clockOrigin !== undefined);
    const origin = live && open?.clockOrigin !== undefined ? Date.parse(open.clockOrigin) : Number.NaN;
    const ticking = Number.isFinite(origin);
    const ended = run.sessions.length > 0 && run.sessions.every((s) => s.stop !== undefined);
    const incumbent: IncumbentInfo | null =
      this.best === undefined ? null : { ...this.best, checkpoint: this.checkpoint.path, checkpointFound: this.checkpoint.found };
    return {
      clock: { seconds: ticking ? Math.max(run.elapsedSeconds, (now - origin) / 1000) : run.elapsedSeconds, ticking, serverTime: now },
      budget: { seconds: run.budget.seconds ?? null, maxSteps: run.budget.maxSteps ?? null },
      running: run.running.map((r) => ({ pipeline: this.indexOf(r.configId), epoch: r.epoch, worker: r.worker, startedAt: r.startedAt, predictedSeconds: r.predictedSeconds ?? null })),
      workers: this.workers(run, followed.lastSeen),
      sessions: run.sessions.map(
        (s): SessionInfo => ({ n: s.n, role: s.role, host: s.host, pid: s.pid, startedAt: s.startedAt, workers: s.workers.length, stop: s.stop ?? null }),
      ),
      stopReason: ended ? (run.sessions.at(-1)?.stop?.reason ?? null) : null,
      lastActivityAt: run.lastActivityAt ?? null,
      incumbent,
      warnings: [...run.warnings, ...(followed.problem === undefined ? [] : [followed.problem])],
    };
  }

  /** The slots of every session (the last session listing a slot describes it), then any other worker seen. */
  private workers(run: StudySnapshot, lastSeen: ReadonlyMap<string, string>): WorkerInfo[] {
    const byId = new Map<string, WorkerInfo>();
    for (const session of run.sessions) {
      for (const id of session.workers) {
        byId.delete(id);
        byId.set(id, { id, host: session.host, session: session.n, state: session.stop ? 'stopped' : 'live', lastSeen: lastSeen.get(id) ?? null });
      }
    }
    const running = new Set(run.running.map((r) => r.worker));
    for (const id of this.seenWorkers) {
      if (!byId.has(id)) byId.set(id, { id, host: null, session: null, state: running.has(id) ? 'live' : 'stopped', lastSeen: lastSeen.get(id) ?? null });
    }
    return [...byId.values()];
  }
}
