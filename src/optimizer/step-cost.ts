import type { StepRecord } from '../core/step.ts';
import type { CurvePoint, TaskPredictor } from '../predictor/types.ts';
import type { Config } from '../space/types.ts';
import type { EpochCostModel } from '../trainers/types.ts';

/** Predicted seconds of a candidate's next epoch and of each epoch after it. */
export interface StepCost {
  readonly next: number;
  readonly later: number;
}

/** One prediction of the trainer's cost model, and the keys its error is learned under. */
interface TrainerPrediction {
  readonly epoch: number;
  readonly seconds: number;
  readonly keys: readonly string[];
}

/** Without regimes from the trainer: the key of the error over all steps, the parent of each model's. */
const ALL = '*';

/**
 * What a step will cost, in seconds. With the trainer's own cost model (measured on this machine), its
 * predictions corrected online: the observed/predicted ratios are averaged in log space under each key of the
 * step's cost regime (from the most general to the most specific, as the trainer names them), each key's mean
 * shrunk towards its parent's and the first key's towards 1 (no error). So a few steps fix a systematic error
 * of the trainer's model, one noisy step cannot swing it, and an error of one regime (say, a cached linear head
 * over-predicted fivefold) does not leak into another (a full backward pass of the same model, predicted
 * well): a regime never seen starts from the trainer's own prediction. A single factor per model, or one over
 * all steps above the regimes, divided the expensive epochs by the factor learned from the many cheap ones
 * (bench/cost-replay.ts; docs/benchmark-real.md). A trainer that names no regime gets one key per model under
 * one over all steps. Under the most specific key, each pipeline has its own.
 * Without a trainer model, the meta-trained cost model, which adapts online through the predictor's cost refit.
 */
export class StepCostEstimator {
  private readonly configs: readonly Config[];
  private readonly trainer: EpochCostModel | undefined;
  private readonly logRatios = new Map<string, { sum: number; n: number }>();
  /**
   * The trainer's latest prediction for each pipeline's next epoch: what a finished step is compared with. NOTE:
   * asking again after the step would be wrong: the trainer's model may already count what the step paid once
   * (a model loaded, features cached) as paid.
   */
  private readonly lastPredicted = new Map<number, TrainerPrediction>();

  constructor(configs: readonly Config[], trainer: EpochCostModel | undefined) {
    this.configs = configs;
    this.trainer = trainer;
  }

  /** True when the trainer measures what an epoch costs here (real training), not only the meta-trained model. */
  get measured(): boolean {
    return this.trainer !== undefined;
  }

  /** Learns from a finished step of pipeline `pipeline` (the trainer's prediction against its measured seconds). */
  observe(pipeline: number, record: StepRecord): void {
    if (!this.trainer || record.status !== 'ok' || !(record.seconds > 0)) return;
    const remembered = this.lastPredicted.get(pipeline);
    this.lastPredicted.delete(pipeline);
    const prediction = remembered?.epoch === record.epoch ? remembered : this.predict(pipeline, record.epoch, 0);
    if (prediction === undefined) return;
    const log = Math.log(record.seconds / prediction.seconds);
    for (const key of prediction.keys) {
      const entry = this.logRatios.get(key) ?? { sum: 0, n: 0 };
      this.logRatios.set(key, { sum: entry.sum + log, n: entry.n + 1 });
    }
  }

  /**
   * Costs of each query's next epoch (and later ones) if worker slot `slot` runs it; the predictor fills in where
   * the trainer cannot tell.
   */
  async costs(queries: readonly CurvePoint[], predictor: TaskPredictor, slot = 0): Promise<StepCost[]> {
    const out: Array<StepCost | undefined> = queries.map((q) => this.fromTrainer(q.pipeline, q.epoch, slot));
    const missing = queries.filter((_, k) => out[k] === undefined);
    if (missing.length > 0) {
      const predicted = await predictor.predictCost(missing);
      let m = 0;
      out.forEach((cost, k) => {
        if (cost !== undefined) return;
        const seconds = predicted[m++] ?? 1;
        out[k] = { next: seconds, later: seconds };
      });
    }
    return out.map((c) => c ?? { next: 1, later: 1 });
  }

  /** The trainer's corrected cost of one step on `slot` (undefined without a trainer model, or where it cannot tell). */
  trainerCost(pipeline: number, epoch: number, slot = 0): StepCost | undefined {
    return this.fromTrainer(pipeline, epoch, slot);
  }

  /** The multiplier learned for steps under `keys` (1 before any observation). */
  correction(keys: readonly string[]): number {
    // NOTE: pseudo-counts: each key's parent weighs like one step of that key; 1 (no error) like one step overall.
    let mean = 0;
    for (const key of keys) {
      const entry = this.logRatios.get(key) ?? { sum: 0, n: 0 };
      mean = (entry.sum + mean) / (entry.n + 1);
    }
    return Math.exp(mean);
  }

  private predict(pipeline: number, epoch: number, slot: number): TrainerPrediction | undefined {
    const config = this.configs[pipeline];
    if (!this.trainer || !config) return undefined;
    const seconds = this.trainer.seconds(config, epoch, slot);
    if (seconds === undefined || !(seconds > 0)) return undefined;
    const keys = this.trainer.regime?.(config, epoch, slot) ?? [ALL, String(config.model)];
    // NOTE: the most specific key is the pipeline's own (within its regime): its earlier epochs tell most
    // about its next one (a full finetune predicted at 15 s whose first epoch took 52 s will take about 52 s).
    return { epoch, seconds, keys: [...keys, `${keys.at(-1) ?? ''} #${pipeline}`] };
  }

  private fromTrainer(pipeline: number, epoch: number, slot: number): StepCost | undefined {
    const next = this.predict(pipeline, epoch, slot);
    if (next === undefined) return undefined;
    this.lastPredicted.set(pipeline, next);
    const corrected = next.seconds * this.correction(next.keys);
    const later = this.predict(pipeline, epoch + 1, slot);
    return { next: corrected, later: later ? later.seconds * this.correction(later.keys) : corrected };
  }
}
