import type {
  CurvePoint,
  FitOptions,
  FitReport,
  MetaFeatures,
  ObservedPoint,
  Prediction,
  Predictor,
  TaskPredictor,
  TaskPredictorOptions,
} from '../../src/predictor/types.ts';
import type { Config } from '../../src/space/types.ts';

/**
 * A small but real predictor for tests of the optimizers (no tensors): the score of (pipeline, epoch) is
 * the pipeline's last observed score plus the mean observed gain at that epoch, or for an unseen pipeline
 * the mean observed score at that epoch among pipelines of the same model (else all, else a prior);
 * the spread of the observations that produced the estimate gives the std. Cost: the mean observed
 * seconds of the same model, else of all.
 */
export class CurveMeanTaskPredictor implements TaskPredictor {
  readonly maxEpochs: number;
  private readonly models: readonly string[];
  private observations: readonly ObservedPoint[] = [];
  fits: FitOptions[] = [];
  disposed = false;

  constructor(pool: readonly Config[], maxEpochs: number) {
    this.models = pool.map((c) => c.model);
    this.maxEpochs = maxEpochs;
  }

  async fit(observations: readonly ObservedPoint[], options: FitOptions): Promise<FitReport> {
    this.observations = [...observations];
    this.fits.push(options);
    return { loss: 0, steps: options.steps, seconds: 0, failed: false };
  }

  async predict(queries: readonly CurvePoint[]): Promise<Prediction> {
    const mean = new Float64Array(queries.length);
    const std = new Float64Array(queries.length);
    queries.forEach((q, j) => {
      const atEpoch = this.observations.filter((o) => o.epoch === q.epoch);
      if (q.curve.length > 0) {
        const gains = atEpoch.filter((o) => o.curve.length > 0).map((o) => o.score - (o.curve[o.curve.length - 1] ?? 0));
        const last = q.curve[q.curve.length - 1] ?? 0;
        mean[j] = last + average(gains, 0.01);
        std[j] = spread(gains, 0.05) + 0.01;
        return;
      }
      const sameModel = atEpoch.filter((o) => this.models[o.pipeline] === this.models[q.pipeline]);
      const basis = sameModel.length >= 2 ? sameModel : atEpoch;
      const scores = basis.map((o) => o.score);
      mean[j] = average(scores, 0.5);
      std[j] = spread(scores, 0.25) + 0.01;
    });
    return { mean, std };
  }

  async predictCost(queries: readonly CurvePoint[]): Promise<Float64Array> {
    const all = this.observations.map((o) => o.seconds);
    return Float64Array.from(queries, (q) => {
      const same = this.observations.filter((o) => this.models[o.pipeline] === this.models[q.pipeline]);
      return average(same.length > 0 ? same.map((o) => o.seconds) : all, 10);
    });
  }

  dispose(): void {
    this.disposed = true;
  }
}

/** A Predictor handing out {@link CurveMeanTaskPredictor}s; remembers what it built, for assertions. */
export class CurveMeanPredictor implements Predictor {
  readonly maxEpochs: number;
  readonly built: Array<{ task: CurveMeanTaskPredictor; metaFeatures: MetaFeatures; options: TaskPredictorOptions }> = [];

  constructor(maxEpochs: number) {
    this.maxEpochs = maxEpochs;
  }

  forTask(pool: readonly Config[], metaFeatures: MetaFeatures, options: TaskPredictorOptions): TaskPredictor {
    const task = new CurveMeanTaskPredictor(pool, this.maxEpochs);
    this.built.push({ task, metaFeatures, options });
    return task;
  }
}

function average(values: readonly number[], fallback: number): number {
  return values.length === 0 ? fallback : values.reduce((a, b) => a + b, 0) / values.length;
}

function spread(values: readonly number[], fallback: number): number {
  if (values.length < 2) return fallback;
  const m = average(values, 0);
  return Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1));
}
