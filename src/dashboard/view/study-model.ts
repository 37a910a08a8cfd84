import type { Cursor, DeltaMessage, ExpiredRow, LiveState, PipelineInfo, SnapshotMessage, StepRow, StudyInfo, WorkerInfo } from './protocol.ts';

/** One finished step, decoded from its {@link StepRow}. */
export interface StepView {
  readonly seq: number;
  /** Index into the pool. */
  readonly pipeline: number;
  readonly epoch: number;
  readonly score: number | null;
  readonly seconds: number;
  readonly failed: boolean;
  readonly final: boolean;
  readonly finishedAt: number;
  /** When it was claimed; for runs made before parallel search, `finishedAt - seconds` (see `startKnown`). */
  readonly startedAt: number;
  readonly startKnown: boolean;
  readonly worker: string | null;
  readonly predictedSeconds: number | null;
  readonly error: string | null;
}

/** paused: can be continued; finished: its curve ended; failed: a step failed; running: a worker trains it. */
export type PipelineState = 'running' | 'paused' | 'finished' | 'failed';

/** A pipeline that was trained at least once, with its learning curve. */
export interface PipelineView {
  readonly index: number;
  readonly info: PipelineInfo;
  /** scores[e - 1]: the score after epoch e; null for a failed epoch. */
  readonly scores: Array<number | null>;
  epochs: number;
  best: number | null;
  bestEpoch: number | null;
  /** The score of the last successful epoch. */
  last: number | null;
  /** Seconds of all its steps together. */
  seconds: number;
  steps: number;
  failedSteps: number;
  finished: boolean;
  error: string | null;
  lastFinishedAt: number;
}

/** Per model: pipelines tried, steps, failures, best score (as `report` counts them), and steps running now. */
export interface ModelView {
  readonly model: string;
  pipelines: number;
  steps: number;
  failed: number;
  best: number | null;
  running: number;
}

/** A worker slot with what it runs now and what it did. */
export interface WorkerView extends WorkerInfo {
  readonly running: { readonly pipeline: number; readonly epoch: number; readonly startedAt: number } | null;
  readonly steps: number;
}

/** Steps by state, as status, report and the dashboard count them. */
export interface StepCounts {
  readonly running: number;
  readonly ok: number;
  readonly failed: number;
  readonly expired: number;
}

/** What a message changed, so the page redraws only what it must. */
export interface ModelChange {
  readonly reset: boolean;
  readonly newSteps: number;
  readonly newExpired: number;
}

/**
 * The page's copy of the study, built from one snapshot and kept up to date by deltas; the derived views
 * (curves, per-model counts, workers, best score over time) are updated incrementally, so a delta costs what
 * it adds, not what the study holds. DOM-free: the server's tests exercise it in Node.
 */
export class StudyModel {
  private studyInfo: StudyInfo | undefined;
  private poolInfo: readonly PipelineInfo[] = [];
  private liveState: LiveState | undefined;
  private receivedAt = 0;
  private readonly stepList: StepView[] = [];
  private readonly expiredList: ExpiredRow[] = [];
  private readonly pipelineMap = new Map<number, PipelineView>();
  private readonly modelMap = new Map<string, ModelView>();
  private readonly workerSteps = new Map<string, number>();
  /** Indices into stepList of successful steps, ordered by finishedAt. */
  private readonly okByTime: number[] = [];
  private failedCount = 0;

  /** True once a snapshot was applied. */
  get ready(): boolean {
    return this.studyInfo !== undefined && this.liveState !== undefined;
  }

  get cursor(): Cursor {
    return { steps: this.stepList.length, expired: this.expiredList.length };
  }

  get study(): StudyInfo {
    if (!this.studyInfo) throw new Error('no snapshot yet');
    return this.studyInfo;
  }

  get pool(): readonly PipelineInfo[] {
    return this.poolInfo;
  }

  get live(): LiveState {
    if (!this.liveState) throw new Error('no snapshot yet');
    return this.liveState;
  }

  get steps(): readonly StepView[] {
    return this.stepList;
  }

  get expired(): readonly ExpiredRow[] {
    return this.expiredList;
  }

  /** Replaces everything with a snapshot; `nowMs` is the page's clock when it arrived. */
  reset(snapshot: SnapshotMessage, nowMs: number): ModelChange {
    this.studyInfo = snapshot.study;
    this.poolInfo = snapshot.pool;
    this.stepList.length = 0;
    this.expiredList.length = 0;
    this.pipelineMap.clear();
    this.modelMap.clear();
    this.workerSteps.clear();
    this.okByTime.length = 0;
    this.failedCount = 0;
    this.addSteps(snapshot.steps);
    this.expiredList.push(...snapshot.expired);
    this.setLive(snapshot.live, nowMs);
    return { reset: true, newSteps: snapshot.steps.length, newExpired: snapshot.expired.length };
  }

  /** Applies a delta; undefined when it does not follow what this model holds (the page must resync). */
  apply(delta: DeltaMessage, nowMs: number): ModelChange | undefined {
    if (!this.ready || delta.from.steps !== this.stepList.length || delta.from.expired !== this.expiredList.length) return undefined;
    this.addSteps(delta.steps);
    this.expiredList.push(...delta.expired);
    this.setLive(delta.live, nowMs);
    return { reset: false, newSteps: delta.steps.length, newExpired: delta.expired.length };
  }

  /** The study clock now: the last reading, moved on by the time since it arrived while a session runs. */
  clockAt(nowMs: number): number {
    const clock = this.live.clock;
    return clock.ticking ? clock.seconds + Math.max(0, nowMs - this.receivedAt) / 1000 : clock.seconds;
  }

  counts(): StepCounts {
    return { running: this.live.running.length, ok: this.stepList.length - this.failedCount, failed: this.failedCount, expired: this.expiredList.length };
  }

  /** The pipelines trained at least once (in the order they were first trained). */
  pipelines(): PipelineView[] {
    return [...this.pipelineMap.values()];
  }

  pipeline(index: number): PipelineView | undefined {
    return this.pipelineMap.get(index);
  }

  /** Indices of the pipelines a worker trains now. */
  runningPipelines(): Set<number> {
    return new Set(this.live.running.map((r) => r.pipeline));
  }

  stateOf(pipeline: PipelineView, running: ReadonlySet<number> = this.runningPipelines()): PipelineState {
    if (pipeline.failedSteps > 0) return 'failed';
    if (pipeline.finished) return 'finished';
    return running.has(pipeline.index) ? 'running' : 'paused';
  }

  /** Per model, best first (as `report` orders them); a model only running so far comes last. */
  models(): ModelView[] {
    const running = new Map<string, number>();
    for (const step of this.live.running) {
      const model = this.poolInfo[step.pipeline]?.model ?? '?';
      running.set(model, (running.get(model) ?? 0) + 1);
    }
    const out = [...this.modelMap.values()].map((m) => ({ ...m, running: running.get(m.model) ?? 0 }));
    for (const [model, count] of running) {
      if (!this.modelMap.has(model)) out.push({ model, pipelines: 0, steps: 0, failed: 0, best: null, running: count });
    }
    return out.sort((a, b) => (b.best ?? -1) - (a.best ?? -1));
  }

  workers(): WorkerView[] {
    const running = new Map(this.live.running.map((r) => [r.worker, r]));
    return this.live.workers.map((w) => {
      const step = running.get(w.id);
      return {
        ...w,
        running: step ? { pipeline: step.pipeline, epoch: step.epoch, startedAt: step.startedAt } : null,
        steps: this.workerSteps.get(w.id) ?? 0,
      };
    });
  }

  /**
   * The successful steps by clock time, with the best score so far at each: the incumbent's score over time.
   * (The incumbent itself comes from the server, which decides ties as `search` does.)
   */
  bestOverTime(): { times: number[]; scores: number[]; best: number[] } {
    const times: number[] = [];
    const scores: number[] = [];
    const best: number[] = [];
    let top = Number.NEGATIVE_INFINITY;
    for (const i of this.okByTime) {
      const step = this.stepList[i];
      if (!step || step.score === null) continue;
      top = Math.max(top, step.score);
      times.push(step.finishedAt);
      scores.push(step.score);
      best.push(top);
    }
    return { times, scores, best };
  }

  private setLive(live: LiveState, nowMs: number): void {
    this.liveState = live;
    this.receivedAt = nowMs;
  }

  private addSteps(rows: readonly StepRow[]): void {
    for (const row of rows) {
      const step = decodeStep(row);
      const index = this.stepList.length;
      this.stepList.push(step);
      this.notePipeline(step);
      if (step.worker !== null) this.workerSteps.set(step.worker, (this.workerSteps.get(step.worker) ?? 0) + 1);
      if (step.failed) this.failedCount++;
      else if (step.score !== null) this.insertByTime(index, step.finishedAt);
    }
  }

  /** NOTE: steps arrive in commit order, which is nearly clock order, so inserting from the end is cheap. */
  private insertByTime(index: number, at: number): void {
    let position = this.okByTime.length;
    while (position > 0 && (this.stepList[this.okByTime[position - 1] ?? 0]?.finishedAt ?? 0) > at) position--;
    this.okByTime.splice(position, 0, index);
  }

  private notePipeline(step: StepView): void {
    const info = this.poolInfo[step.pipeline] ?? { id: `#${step.pipeline}`, model: '?', params: [] };
    let pipeline = this.pipelineMap.get(step.pipeline);
    const model = this.modelMap.get(info.model) ?? { model: info.model, pipelines: 0, steps: 0, failed: 0, best: null, running: 0 };
    this.modelMap.set(info.model, model);
    if (!pipeline) {
      pipeline = { index: step.pipeline, info, scores: [], epochs: 0, best: null, bestEpoch: null, last: null, seconds: 0, steps: 0, failedSteps: 0, finished: false, error: null, lastFinishedAt: 0 };
      this.pipelineMap.set(step.pipeline, pipeline);
      model.pipelines++;
    }
    pipeline.scores[step.epoch - 1] = step.score;
    pipeline.epochs = Math.max(pipeline.epochs, step.epoch);
    pipeline.seconds += step.seconds;
    pipeline.steps++;
    pipeline.lastFinishedAt = Math.max(pipeline.lastFinishedAt, step.finishedAt);
    if (step.final) pipeline.finished = true;
    model.steps++;
    if (step.failed) {
      pipeline.failedSteps++;
      pipeline.error ??= step.error ?? 'failed';
      model.failed++;
    } else if (step.score !== null) {
      pipeline.last = step.score;
      // NOTE: strictly better replaces, so the earliest epoch wins ties, as in report.
      if (pipeline.best === null || step.score > pipeline.best) {
        pipeline.best = step.score;
        pipeline.bestEpoch = step.epoch;
      }
      if (model.best === null || step.score > model.best) model.best = step.score;
    }
  }
}

export function decodeStep(row: StepRow): StepView {
  const [seq, pipeline, epoch, score, seconds, failed, final, finishedAt, startedAt, worker, predictedSeconds, error] = row;
  return {
    seq,
    pipeline,
    epoch,
    score,
    seconds,
    failed: failed === 1,
    final: final === 1,
    finishedAt,
    startedAt: startedAt ?? Math.max(0, finishedAt - seconds),
    startKnown: startedAt !== null,
    worker,
    predictedSeconds,
    error,
  };
}
