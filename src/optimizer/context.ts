import type { MetaFeatures, Predictor } from '../predictor/types.ts';
import type { Pipeline } from '../space/types.ts';

/** Everything a method needs to build its optimizer for one search. */
export interface OptimizerContext {
  /** The candidate pool, in a stable order (the predictor indexes pipelines by their position here). */
  readonly pipelines: readonly Pipeline[];
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
  /** The search's seed; a method derives all its randomness from it. */
  readonly seed: number;
  /** The dataset's meta-features, for model-based methods. */
  readonly metaFeatures: MetaFeatures;
  /** A loaded predictor checkpoint; required by methods whose definition says `needsPredictor`. */
  readonly predictor?: Predictor;
}
