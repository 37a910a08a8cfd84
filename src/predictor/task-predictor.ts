import { getLogger } from '../logging.ts';
import { FactorizationError } from '../numerics/jitter.ts';
import { Random } from '../util/random.ts';
import { calibrationFactor, queryGap, type Calibration } from './calibration.ts';
import type { PipelineRows } from './inputs.ts';
import { Adam } from './network/adam.ts';
import { EMBEDDING_DIM } from './network/performance-net.ts';
import { allFinite, type DeepKernelEngine } from './network/engine.ts';
import { logSeconds, standardize, type Standardizer } from './scaling.ts';
import type { CurvePoint, FitOptions, FitReport, ObservedPoint, Prediction, TaskPredictor } from './types.ts';

const log = getLogger('predictor');

export interface TaskScaling {
  readonly score: Standardizer;
  readonly logCost: Standardizer;
  /** Multipliers of the predictive std by kind of query (see Calibration). */
  readonly calibration: Calibration;
}

/**
 * The deep-kernel GP and cost predictor bound to one task's pool (docs/method.md §7): `fit` takes
 * full-batch Adam steps on every observation and then conditions the GP on them in evaluation mode, so any
 * number of `predict` calls reuse one Cholesky factor. Deterministic under the seed.
 */
export class DeepKernelTaskPredictor implements TaskPredictor {
  readonly maxEpochs: number;
  private readonly engine: DeepKernelEngine;
  private readonly rows: PipelineRows;
  private readonly initial: Float64Array;
  private readonly scaling: TaskScaling;
  private readonly dropout: Random;
  private theta: Float64Array;
  private conditioned = false;
  /**
   * Embeddings by point (pipeline, epoch, curve prefix) under the current score-network weights. A search asks
   * about the same points again and again (each candidate's horizons, the training set) while the weights stay
   * put (conditioning only, or cost-only steps), so most asks embed only the few points that changed.
   */
  private readonly embeddings = new Map<string, Float32Array>();
  private disposed = false;

  constructor(engine: DeepKernelEngine, rows: PipelineRows, initial: Float64Array, scaling: TaskScaling, seed: number) {
    this.engine = engine;
    this.rows = rows;
    this.initial = initial;
    this.scaling = scaling;
    this.maxEpochs = engine.dims.maxEpochs;
    this.dropout = new Random(seed ^ 0x2545f491);
    this.theta = Float64Array.from(initial);
  }

  async fit(observations: readonly ObservedPoint[], options: FitOptions): Promise<FitReport> {
    this.assertAlive();
    const started = performance.now();
    if (options.restart) this.theta = Float64Array.from(this.initial);
    // NOTE: joint Adam steps (or a restart) change the score network: its embeddings must be recomputed.
    if (options.restart || options.steps > 0) this.embeddings.clear();
    this.conditioned = false;
    const n = observations.length;
    if (n === 0) return { loss: Number.NaN, steps: 0, seconds: 0, failed: false };
    const batch = this.rows.batch(observations);
    const y = standardize(this.scaling.score, observations.map((o) => o.score));
    const logCost = standardize(this.scaling.logCost, observations.map((o) => o.seconds), logSeconds);
    const before = Float64Array.from(this.theta);
    // NOTE: a fresh Adam per fit, as the paper's code creates its optimizer in every training call.
    const adam = new Adam(this.theta.length);
    let loss = Number.NaN;
    let failed = false;
    let steps = 0;
    try {
      for (; steps < options.steps; steps++) {
        const result = this.engine.step(this.theta, batch, y, logCost, this.dropout);
        if (!Number.isFinite(result.gpLoss) || !allFinite(result.grad)) {
          failed = true;
          break;
        }
        adam.step(this.theta, result.grad, options.learningRate);
        loss = result.gpLoss;
      }
    } catch (error) {
      if (!(error instanceof FactorizationError)) throw error;
      failed = true;
    }
    if (failed) {
      log.debug({ n, steps }, 'fit failed; weights restored');
      this.theta = before;
      this.embeddings.clear();
    }
    const costOnly = Math.max(0, (options.costSteps ?? options.steps) - steps);
    if (!failed && costOnly > 0) {
      const costAdam = new Adam(this.theta.length);
      const { start, end } = this.engine.costRange;
      for (let k = 0; k < costOnly; k++) {
        const result = this.engine.costStep(this.theta, batch, logCost);
        if (!allFinite(result.grad, start, end)) break;
        costAdam.step(this.theta, result.grad, options.learningRate, start, end);
      }
    }
    const conditionedLoss = this.condition(batch, y, observations);
    if (conditionedLoss === null && !failed) {
      // NOTE: the trained weights give a covariance that cannot be factored: fall back to the previous ones.
      failed = true;
      this.theta = before;
      this.embeddings.clear();
      this.condition(batch, y, observations);
    }
    return { loss: Number.isFinite(loss) ? loss : (conditionedLoss ?? Number.NaN), steps, seconds: (performance.now() - started) / 1000, failed };
  }

  async predict(queries: readonly CurvePoint[]): Promise<Prediction> {
    this.assertAlive();
    const m = queries.length;
    const mean = new Float64Array(m);
    const std = new Float64Array(m);
    if (m === 0) return { mean, std };
    const { score } = this.scaling;
    const batch = this.rows.batch(queries);
    // NOTE: before any observation, the prior: with a meta-learned prior mean it already ranks pipelines.
    const posterior = this.conditioned ? this.engine.posterior(this.theta, batch, this.embed(queries)) : this.engine.priorAt(this.theta, batch, this.embed(queries));
    const { calibration } = this.scaling;
    for (let j = 0; j < m; j++) {
      const factor = calibrationFactor(calibration, batch.hasLast[j] !== 0, queryGap(queries[j]!));
      mean[j] = posterior.mean[j]! * score.std + score.mean;
      std[j] = Math.sqrt(posterior.variance[j]! + posterior.noise[j]!) * score.std * factor;
    }
    return { mean, std };
  }

  async predictCost(queries: readonly CurvePoint[]): Promise<Float64Array> {
    this.assertAlive();
    if (queries.length === 0) return new Float64Array(0);
    const { logCost } = this.scaling;
    const standardized = this.engine.costs(this.theta, this.rows.batch(queries));
    return Float64Array.from(standardized, (v) => Math.exp(v * logCost.std + logCost.mean));
  }

  dispose(): void {
    this.disposed = true;
  }

  /** The evaluation-mode embeddings of `points` (n × 32), computing only those not cached. */
  private embed(points: readonly CurvePoint[]): Float32Array {
    const keys = points.map((p) => `${p.pipeline}:${p.epoch}:${Array.prototype.join.call(p.curve, ',')}`);
    const missing: number[] = [];
    keys.forEach((key, j) => {
      if (!this.embeddings.has(key)) missing.push(j);
    });
    if (missing.length > 0) {
      const fresh = this.engine.embed(this.theta, this.rows.batch(missing.map((j) => points[j]!)));
      missing.forEach((j, m) => this.embeddings.set(keys[j]!, fresh.slice(m * EMBEDDING_DIM, (m + 1) * EMBEDDING_DIM)));
    }
    const out = new Float32Array(points.length * EMBEDDING_DIM);
    keys.forEach((key, j) => out.set(this.embeddings.get(key)!, j * EMBEDDING_DIM));
    return out;
  }

  /** Factors the GP on the observations in evaluation mode; the NLL/n, or null when it cannot be factored. */
  private condition(batch: ReturnType<PipelineRows['batch']>, y: Float64Array, points: readonly CurvePoint[]): number | null {
    try {
      const nll = this.engine.condition(this.theta, batch, y, this.embed(points));
      this.conditioned = true;
      return nll;
    } catch (error) {
      if (!(error instanceof FactorizationError)) throw error;
      this.conditioned = false;
      return null;
    }
  }

  private assertAlive(): void {
    if (this.disposed) throw new Error('this task predictor was disposed');
  }
}
