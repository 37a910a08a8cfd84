import type { StepRecord } from '../core/step.ts';
import type { CurvePoint, TaskPredictor } from '../predictor/types.ts';
import type { Config } from '../space/types.ts';
import type { EpochCostModel } from '../trainers/types.ts';

/** Predicted seconds of a candidate's next epoch and of each epoch after it. */
export interface StepCost {
  readonly next: number;
  readonly later: number;
}

/**
 * What a step will cost, in seconds. With the trainer's own cost model (measured on this machine), its
 * predictions corrected online: each model's observed/predicted ratios, averaged in log space and shrunk
 * towards the ratio over all models (and that towards 1), so a few steps fix a systematic error of the
 * trainer's model without letting one noisy step swing it. Without one, the meta-trained cost model, which
 * adapts online through the predictor's cost refit.
 */
export class StepCostEstimator {
  private readonly configs: readonly Config[];
  private readonly trainer: EpochCostModel | undefined;
  private readonly byModel = new Map<string, { sum: number; n: number }>();
  private all = { sum: 0, n: 0 };

  constructor(configs: readonly Config[], trainer: EpochCostModel | undefined) {
    this.configs = configs;
    this.trainer = trainer;
  }

  /** True when the trainer measures what an epoch costs here (real training), not only the meta-trained model. */
  get measured(): boolean {
    return this.trainer !== undefined;
  }

  /** Learns from a finished step of pipeline `pipeline` (its trainer prediction against its measured seconds). */
  observe(pipeline: number, record: StepRecord): void {
    if (!this.trainer || record.status !== 'ok' || !(record.seconds > 0)) return;
    const config = this.configs[pipeline];
    if (config === undefined) return;
    const predicted = this.trainer(config, record.epoch);
    if (predicted === undefined || !(predicted > 0)) return;
    const log = Math.log(record.seconds / predicted);
    const entry = this.byModel.get(config.model) ?? { sum: 0, n: 0 };
    this.byModel.set(config.model, { sum: entry.sum + log, n: entry.n + 1 });
    this.all = { sum: this.all.sum + log, n: this.all.n + 1 };
  }

  /** Costs of each query's next epoch (and later ones); the predictor fills in where the trainer cannot tell. */
  async costs(queries: readonly CurvePoint[], predictor: TaskPredictor): Promise<StepCost[]> {
    const out: Array<StepCost | undefined> = queries.map((q) => this.fromTrainer(q));
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

  /** The multiplier learned for a model (1 before any observation). */
  correction(model: string): number {
    // NOTE: pseudo-counts: the overall ratio weighs like one step of this model, 1 like one step overall.
    const overall = this.all.sum / (this.all.n + 1);
    const entry = this.byModel.get(model) ?? { sum: 0, n: 0 };
    return Math.exp((entry.sum + overall) / (entry.n + 1));
  }

  private fromTrainer(query: CurvePoint): StepCost | undefined {
    const config = this.configs[query.pipeline];
    if (!this.trainer || !config) return undefined;
    const next = this.trainer(config, query.epoch);
    if (next === undefined || !(next > 0)) return undefined;
    const later = this.trainer(config, query.epoch + 1) ?? next;
    const factor = this.correction(config.model);
    return { next: next * factor, later: later * factor };
  }
}
