import type { PoolView } from '../core/pool-state.ts';
import type { MetaFeatures, Predictor } from '../predictor/types.ts';
import type { Pipeline } from '../space/types.ts';
import type { EpochCostModel } from '../trainers/types.ts';

/** Everything a method needs to build its optimizer for one search. */
export interface OptimizerContext {
  /** The candidate pool, in a stable order (the predictor indexes pipelines by their position here). */
  readonly pipelines: readonly Pipeline[];
  /** The pool's live state, owned and updated by the study (ids in the order of `pipelines`). */
  readonly state: PoolView;
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
  /** The search's seed; a method derives all its randomness from it. */
  readonly seed: number;
  /** The dataset's meta-features, for model-based methods. */
  readonly metaFeatures: MetaFeatures;
  /** A loaded predictor checkpoint; required by methods whose definition says `needsPredictor`. */
  readonly predictor?: Predictor;
  /**
   * What an epoch costs with the trainer in use on this machine, where the trainer can tell (its own model of
   * itself, measured at start); cost-aware methods prefer it to the meta-trained cost model.
   */
  readonly epochCost?: EpochCostModel;
  /**
   * The trainer's learning curves are not the kind the predictor was meta-trained on (a real trainer, not the
   * replay of a meta-dataset): model-based methods correct the score model online from its own errors.
   */
  readonly correctScores?: boolean;
  /** The id of the trainer's hand-picked default pipeline, where the pool holds it (method `default`). */
  readonly defaultPipeline?: string;
}
