import type { RunningStep, StepRecord, Suggestion } from './step.ts';

/** What an optimizer may read of the pool (the study owns and updates it). */
export type PoolView = Omit<PoolState, 'observe' | 'claim' | 'release'>;

/**
 * What a search knows about its candidate pool: how far each pipeline was trained, its observed curve,
 * whether it can still be continued, and which pipelines are pending (a step of theirs is running). There is
 * one per study replica: the study feeds it every claim and record, the loop validates suggestions against it,
 * and the optimizers read it (never write it).
 */
export class PoolState {
  readonly ids: readonly string[];
  readonly maxEpochs: number;
  private readonly byId = new Map<string, number>();
  private readonly curves: number[][];
  private readonly seconds: number[][];
  private readonly finals: Uint8Array;
  private readonly bestAt: Float64Array;
  private readonly pendingSteps = new Map<number, RunningStep>();
  private readonly log: StepRecord[] = [];
  private best = -Infinity;
  private bestPipeline = -1;
  private bestEpoch = 0;
  private observedCount = 0;
  private version = 0;

  constructor(ids: readonly string[], maxEpochs: number) {
    this.ids = ids;
    this.maxEpochs = maxEpochs;
    ids.forEach((id, i) => this.byId.set(id, i));
    if (this.byId.size !== ids.length) throw new RangeError('pipeline ids must be unique');
    this.curves = ids.map(() => []);
    this.seconds = ids.map(() => []);
    this.finals = new Uint8Array(ids.length);
    this.bestAt = new Float64Array(maxEpochs + 1).fill(-Infinity);
  }

  get size(): number {
    return this.ids.length;
  }

  indexOf(id: string): number | undefined {
    return this.byId.get(id);
  }

  /** Epochs pipeline `i` has finished (0 = never trained). */
  epochsOf(i: number): number {
    return this.curve(i).length;
  }

  /** Observed scores of pipeline `i`, epoch 1 first. */
  curve(i: number): readonly number[] {
    const curve = this.curves[i];
    if (curve === undefined) throw new RangeError(`no pipeline ${i}`);
    return curve;
  }

  /** Recorded seconds of each observed epoch of pipeline `i`. */
  epochSeconds(i: number): readonly number[] {
    return this.seconds[i] ?? [];
  }

  isFinal(i: number): boolean {
    return this.finals[i] === 1;
  }

  /** True while a step of pipeline `i` is running. */
  isPending(i: number): boolean {
    return this.pendingSteps.has(i);
  }

  /** The running steps, in the order they were claimed. */
  get pending(): readonly RunningStep[] {
    return [...this.pendingSteps.values()];
  }

  /** Indices of pipelines that can be trained one more epoch now (not finished, not pending), in pool order. */
  candidates(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ids.length; i++) if (!this.isFinal(i) && !this.pendingSteps.has(i)) out.push(i);
    return out;
  }

  /** True when every pipeline is finished, so nothing can ever run again (pending ones count as unfinished). */
  get exhausted(): boolean {
    for (let i = 0; i < this.ids.length; i++) if (!this.isFinal(i)) return false;
    return true;
  }

  /** Best score observed at any epoch so far (-Infinity before the first observation). */
  get bestScore(): number {
    return this.best;
  }

  /** The incumbent: where the best score was observed, or undefined before the first observation. */
  get incumbent(): { readonly pipeline: number; readonly epoch: number; readonly score: number } | undefined {
    return this.bestPipeline < 0 ? undefined : { pipeline: this.bestPipeline, epoch: this.bestEpoch, score: this.best };
  }

  /** Best observed score at exactly epoch `epoch` among pipelines that reached it (-Infinity if none). */
  bestAtEpoch(epoch: number): number {
    return this.bestAt[epoch] ?? -Infinity;
  }

  /** Successful observations so far. */
  get observations(): number {
    return this.observedCount;
  }

  /** Every finished step applied so far, in the order it was applied. */
  get records(): readonly StepRecord[] {
    return this.log;
  }

  /** Changes whenever a record, claim or release is applied: lets a reader cache what it derives. */
  get revision(): number {
    return this.version;
  }

  /** Why `suggestion` is not a valid next step, or undefined when it is. */
  problemWith(suggestion: Suggestion): string | undefined {
    const i = this.byId.get(suggestion.configId);
    if (i === undefined) return `pipeline '${suggestion.configId}' is not in the pool`;
    if (this.isFinal(i)) return `pipeline '${suggestion.configId}' is finished and cannot be continued`;
    const running = this.pendingSteps.get(i);
    if (running) return `pipeline '${suggestion.configId}' is already running (epoch ${running.epoch}, worker ${running.worker})`;
    return this.epochProblem(i, suggestion);
  }

  /** Marks a claimed step's pipeline pending. Throws RangeError for a claim that is not a valid next step. */
  claim(step: RunningStep): void {
    const problem = this.problemWith(step);
    if (problem !== undefined) throw new RangeError(`claim out of order: ${problem}`);
    this.pendingSteps.set(this.byId.get(step.configId) ?? -1, step);
    this.version++;
  }

  /** Ends a claim without a record (it expired): the pipeline can be chosen again at the same epoch. */
  release(claim: string): void {
    for (const [i, step] of this.pendingSteps) {
      if (step.claim !== claim) continue;
      this.pendingSteps.delete(i);
      this.version++;
      return;
    }
  }

  /**
   * Applies a finished step, ending its pipeline's pending claim. Throws RangeError for a record that does not
   * continue its pipeline's curve.
   */
  observe(record: StepRecord): void {
    const i = this.byId.get(record.configId);
    if (i === undefined) throw new RangeError(`step record out of order: pipeline '${record.configId}' is not in the pool`);
    if (this.isFinal(i)) throw new RangeError(`step record out of order: pipeline '${record.configId}' is finished and cannot be continued`);
    const problem = this.epochProblem(i, record);
    if (problem !== undefined) throw new RangeError(`step record out of order: ${problem}`);
    this.pendingSteps.delete(i);
    this.log.push(record);
    this.version++;
    if (record.status !== 'ok' || record.score === null) {
      this.finals[i] = 1;
      return;
    }
    this.curves[i]?.push(record.score);
    this.seconds[i]?.push(record.seconds);
    this.observedCount++;
    if (record.final || record.epoch >= this.maxEpochs) this.finals[i] = 1;
    if (record.score > (this.bestAt[record.epoch] ?? -Infinity)) this.bestAt[record.epoch] = record.score;
    if (record.score > this.best) {
      this.best = record.score;
      this.bestPipeline = i;
      this.bestEpoch = record.epoch;
    }
  }

  private epochProblem(i: number, step: Suggestion): string | undefined {
    const next = this.epochsOf(i) + 1;
    if (step.epoch === next) return undefined;
    return `pipeline '${step.configId}' is at epoch ${next - 1}; epoch ${step.epoch} is not its next epoch`;
  }
}
