import type { CurvePoint, FitOptions, FitReport, ObservedPoint, Prediction, TaskPredictor } from '../predictor/types.ts';

/**
 * Pseudo-count that pulls both estimates toward "no correction" (slope 1, std scale 1) while few errors are
 * known, in squared-score units: about one step whose prediction moved 0.1 from its last score.
 */
const PRIOR_WEIGHT = 0.01;
const MAX_SLOPE = 1.5;

interface Remembered {
  readonly last: number;
  readonly mean: number;
  readonly std: number;
}

interface Outcome {
  /** The predicted change from the last observed score. */
  readonly predicted: number;
  /** The change that happened. */
  readonly actual: number;
  readonly std: number;
}

/**
 * Corrects the score model's predictions for a pipeline that has a curve, from the model's own errors on this
 * search's steps. The shipped model was meta-trained on curves of timm models trained on GPUs, whose early
 * epochs still gain a lot; the built-in trainer's curves (features of a frozen backbone, cached) flatten
 * within a few epochs, so the model predicted +0.12 where +0.00 happened and even scores above 1
 * (docs/predictor.md, "On the built-in trainer's curves"). Each continuing step's prediction is remembered
 * when it is made and compared with the score the step produced (a prequential error: the model had not seen
 * it). From these, a least-squares slope maps the predicted change from the last observed score to the
 * expected change, and a scale widens the std to the errors seen; both start at "no correction" and move
 * only as errors accumulate. A mean is never above 1 (scores are accuracies). Pipelines without a curve
 * (epoch 1) keep the model's prediction (capped at 1): there is no last score to measure a change from.
 */
export class OnlineScoreCorrection {
  private readonly remembered = new Map<string, Remembered>();
  private readonly outcomes: Outcome[] = [];

  /** Corrects `raw`, the model's posterior at `queries`, and remembers its next-epoch predictions. */
  correct(queries: readonly CurvePoint[], raw: Prediction): Prediction {
    const slope = this.slope();
    const scale = this.scale(slope);
    const mean = new Float64Array(queries.length);
    const std = new Float64Array(queries.length);
    queries.forEach((q, j) => {
      const m = raw.mean[j] ?? 0;
      const s = raw.std[j] ?? 0;
      const last = q.curve.length > 0 ? q.curve[q.curve.length - 1] : undefined;
      if (last === undefined) {
        mean[j] = Math.min(1, m);
        std[j] = s;
        return;
      }
      // NOTE: the latest prediction before a step's result is the prequential one (the GP had every result so far).
      if (q.epoch === q.curve.length + 1) this.remembered.set(key(q.pipeline, q.epoch), { last, mean: m, std: s });
      mean[j] = Math.min(1, last + slope * (m - last));
      std[j] = s * scale;
    });
    return { mean, std };
  }

  /** A step's score: where its prediction was remembered, one more error to correct by. */
  observe(pipeline: number, epoch: number, score: number): void {
    const k = key(pipeline, epoch);
    const prediction = this.remembered.get(k);
    if (prediction === undefined) return;
    this.remembered.delete(k);
    this.outcomes.push({ predicted: prediction.mean - prediction.last, actual: score - prediction.last, std: prediction.std });
  }

  /** Errors measured so far. */
  get errors(): number {
    return this.outcomes.length;
  }

  /** The expected change per unit of predicted change: least squares through 0, shrunk toward 1. */
  slope(): number {
    let xy = PRIOR_WEIGHT;
    let xx = PRIOR_WEIGHT;
    for (const o of this.outcomes) {
      xy += o.predicted * o.actual;
      xx += o.predicted * o.predicted;
    }
    return Math.min(MAX_SLOPE, Math.max(0, xy / xx));
  }

  /** How much wider the std must be to match the corrected errors (never narrower: at least 1). */
  scale(slope = this.slope()): number {
    let squaredErrors = PRIOR_WEIGHT;
    let variances = PRIOR_WEIGHT;
    for (const o of this.outcomes) {
      squaredErrors += (o.actual - slope * o.predicted) ** 2;
      variances += o.std * o.std;
    }
    return Math.max(1, Math.sqrt(squaredErrors / variances));
  }
}

function key(pipeline: number, epoch: number): string {
  return `${pipeline}:${epoch}`;
}

/** A task predictor whose score predictions pass through an {@link OnlineScoreCorrection}. */
export class CorrectedTaskPredictor implements TaskPredictor {
  private readonly inner: TaskPredictor;
  private readonly correction: OnlineScoreCorrection;

  constructor(inner: TaskPredictor, correction: OnlineScoreCorrection) {
    this.inner = inner;
    this.correction = correction;
  }

  get maxEpochs(): number {
    return this.inner.maxEpochs;
  }

  fit(observations: readonly ObservedPoint[], options: FitOptions): Promise<FitReport> {
    return this.inner.fit(observations, options);
  }

  async predict(queries: readonly CurvePoint[]): Promise<Prediction> {
    return this.correction.correct(queries, await this.inner.predict(queries));
  }

  predictCost(queries: readonly CurvePoint[]): Promise<Float64Array> {
    return this.inner.predictCost(queries);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
