import type { Config } from '../space/types.ts';

/** Dataset meta-features by name (num_samples, num_classes, image_size, num_channels, ...). */
export type MetaFeatures = Readonly<Record<string, number | string | null>>;

/** A (pipeline, epoch) point: the pipeline by its index in the task's pool, and its curve before that epoch. */
export interface CurvePoint {
  readonly pipeline: number;
  /** The 1-based epoch whose score (or cost) is predicted or observed. */
  readonly epoch: number;
  /** Observed scores of epochs 1..epoch-1 of this pipeline. */
  readonly curve: ArrayLike<number>;
}

export interface ObservedPoint extends CurvePoint {
  readonly score: number;
  /** Seconds of that epoch, for the cost predictor's online refit. */
  readonly seconds: number;
}

export interface Prediction {
  readonly mean: Float64Array;
  /** Predictive standard deviation, observation noise included. */
  readonly std: Float64Array;
}

export interface FitOptions {
  /** Full-batch Adam steps on the observations. */
  readonly steps: number;
  readonly learningRate: number;
  /** Start from the meta-trained (or, without meta-init, freshly initialised) weights, or continue. */
  readonly restart: boolean;
  /**
   * Adam steps of the cost predictor alone (cheap: no GP) when it should train longer than `steps`, e.g.
   * `steps: 0, costSteps: 50` keeps the meta-trained score model and still adapts the cost model to the
   * observed seconds. Default: `steps` (both models take the same joint steps).
   */
  readonly costSteps?: number;
}

export interface FitReport {
  /** Final training loss (GP negative log marginal likelihood / n). */
  readonly loss: number;
  readonly steps: number;
  readonly seconds: number;
  /** True when a factorization failed beyond the jitter schedule; the weights were restored. */
  readonly failed: boolean;
}

/**
 * The performance and cost predictors bound to one task's candidate pool. The optimizer's only window on
 * the models; it owns the refit schedule (docs/method.md §7), this object owns the tensors.
 */
export interface TaskPredictor {
  readonly maxEpochs: number;
  /** Refits the network and GP on the observations and conditions the GP on them. */
  fit(observations: readonly ObservedPoint[], options: FitOptions): Promise<FitReport>;
  /** Posterior of the score at each query, conditioned on the last `fit`'s observations. */
  predict(queries: readonly CurvePoint[]): Promise<Prediction>;
  /** Predicted seconds of each query's epoch. */
  predictCost(queries: readonly CurvePoint[]): Promise<Float64Array>;
  dispose(): void;
}

export interface TaskPredictorOptions {
  readonly seed: number;
  /** false: ignore the meta-trained weights and start from a random initialisation (ablation -M, DyHPO). */
  readonly metaInit: boolean;
}

/** A loaded predictor checkpoint. */
export interface Predictor {
  readonly maxEpochs: number;
  /** What identifies the weights (a hash), recorded with a study so that its workers use the same ones. */
  readonly identity?: string;
  /** Throws InputError when the pool cannot be encoded with this checkpoint's encoding. */
  forTask(pool: readonly Config[], metaFeatures: MetaFeatures, options: TaskPredictorOptions): TaskPredictor;
}
