import type { StepRecord } from '../study/types.ts';
import type { Suggestion } from './types.ts';

/**
 * What a search knows about its candidate pool: how far each pipeline was trained, its observed curve, and
 * whether it can still be continued. The loop uses it to validate suggestions, the optimizers to list their
 * candidates; both feed it the same records in the same order.
 */
export class PoolState {
  readonly ids: readonly string[];
  readonly maxEpochs: number;
  private readonly byId = new Map<string, number>();
  private readonly curves: number[][];
  private readonly finals: Uint8Array;
  private readonly bestAt: Float64Array;
  private best = -Infinity;
  private bestPipeline = -1;
  private bestEpoch = 0;
  private observedCount = 0;

  constructor(ids: readonly string[], maxEpochs: number) {
    this.ids = ids;
    this.maxEpochs = maxEpochs;
    ids.forEach((id, i) => this.byId.set(id, i));
    if (this.byId.size !== ids.length) throw new RangeError('pipeline ids must be unique');
    this.curves = ids.map(() => []);
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

  isFinal(i: number): boolean {
    return this.finals[i] === 1;
  }

  /** Indices of pipelines that can still be trained one more epoch (unseen ones included), in pool order. */
  candidates(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ids.length; i++) if (!this.isFinal(i)) out.push(i);
    return out;
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

  /** Why `suggestion` is not a valid next step, or undefined when it is. */
  problemWith(suggestion: Suggestion): string | undefined {
    const i = this.byId.get(suggestion.configId);
    if (i === undefined) return `pipeline '${suggestion.configId}' is not in the pool`;
    if (this.isFinal(i)) return `pipeline '${suggestion.configId}' is finished and cannot be continued`;
    const next = this.epochsOf(i) + 1;
    if (suggestion.epoch !== next) {
      return `pipeline '${suggestion.configId}' is at epoch ${next - 1}; epoch ${suggestion.epoch} is not its next epoch`;
    }
    return undefined;
  }

  /** Applies a finished step. Throws RangeError for a record that does not continue its pipeline's curve. */
  observe(record: StepRecord): void {
    const problem = this.problemWith(record);
    if (problem !== undefined) throw new RangeError(`step record out of order: ${problem}`);
    const i = this.byId.get(record.configId) ?? -1;
    if (record.status !== 'ok' || record.score === null) {
      this.finals[i] = 1;
      return;
    }
    this.curve(i);
    this.curves[i]?.push(record.score);
    this.observedCount++;
    if (record.final || record.epoch >= this.maxEpochs) this.finals[i] = 1;
    if (record.score > (this.bestAt[record.epoch] ?? -Infinity)) this.bestAt[record.epoch] = record.score;
    if (record.score > this.best) {
      this.best = record.score;
      this.bestPipeline = i;
      this.bestEpoch = record.epoch;
    }
  }
}
