import type { Config } from '../space/types.ts';

/**
 * One finetuning step: train pipeline `configId` from epoch `epoch - 1` to `epoch`, resuming from the
 * checkpoint it left in `checkpointDir` after the previous step (nothing there when `epoch` is 1).
 */
export interface TrainStep {
  readonly configId: string;
  readonly config: Config;
  /** The epoch this step produces, 1-based. */
  readonly epoch: number;
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
  /** A folder owned by this pipeline for its checkpoint between steps; undefined for replay. */
  readonly checkpointDir: string | undefined;
  /** Aborted on timeout or shutdown; a trainer stops its work and rejects. */
  readonly signal: AbortSignal;
}

/** What a successful step returns. */
export interface StepOutcome {
  /** Validation score after this epoch, in [0, 1], higher is better. */
  readonly score: number;
  /** Wall seconds of this epoch alone (training + validation), as charged to the budget. */
  readonly seconds: number;
  /** True when the pipeline cannot be continued past this epoch (its curve ended or diverged). */
  readonly final?: boolean;
}

/** What a search may tell a trainer's cost model up front, so it measures no more than it needs. */
export interface CostModelOptions {
  /** The models the search can pick (its pool's); default: every model the trainer can train. */
  readonly models?: readonly string[];
  /**
   * Another worker slot's model of the same search: a trainer that can read its measurements costs with them
   * (one measurement of the machine, one contention, for every slot), knowing only what its own worker has paid
   * for. Two slots costed from two measurements would disagree by the load at two moments, and the search's
   * online correction, learned from both, would fit neither.
   */
  readonly sibling?: EpochCostModel;
}

/**
 * A trainer adapter: runs one step at a time and never decides what to run. A failure is reported by
 * rejecting with a TrainerError (or any error); the loop records the step as failed and goes on.
 */
export interface Trainer {
  readonly name: string;
  /** Settings that identify this trainer in a run's journal, so a resumed run can be checked. */
  describe(): Readonly<Record<string, unknown>>;
  train(step: TrainStep): Promise<StepOutcome>;
  /**
   * The dataset's meta-features (num_samples, num_classes, image_size, num_channels: the columns of the
   * meta-dataset's datasets.csv), for trainers that know the data; the predictor encodes the task with them.
   */
  datasetMetaFeatures?(): Promise<Readonly<Record<string, number>>>;
  /**
   * What an epoch costs with this trainer on this machine. Called once when a search starts (it may take a
   * few seconds, e.g. a timed probe); the returned model is cheap. It may know what this trainer has already
   * paid for (a model loaded, features cached), so it may answer differently after a step. `options.models`
   * may name the models the search can pick, so the trainer measures only those.
   */
  costModel?(options?: CostModelOptions): Promise<EpochCostModel>;
  /** Where this trainer keeps a pipeline's checkpoints, so the search can keep what it needs and delete the rest. */
  readonly checkpoints?: CheckpointLayout;
  /** Releases processes, workers or memory. Called once when the search ends. */
  close?(): Promise<void>;
}

/**
 * A trainer's checkpoint layout inside a pipeline's checkpoint folder. The trainer writes one checkpoint per
 * epoch and never deletes one: the search decides what to keep (the incumbent's, and the last epoch of every
 * pipeline that may be continued).
 */
export interface CheckpointLayout {
  /** The file or folder holding epoch `epoch` of the pipeline whose checkpoint folder is `dir`. */
  path(dir: string, epoch: number): string;
  /**
   * Deletes every epoch's checkpoint in `dir` except those of `keep`; returns the bytes freed. Leaves anything
   * else in `dir` alone (e.g. a step's checkpoint still being written); a missing `dir` frees 0.
   */
  prune(dir: string, keep: readonly number[]): Promise<number>;
  /** Bytes used in `dir` (0 when it does not exist). */
  bytes(dir: string): Promise<number>;
}

/**
 * What epochs cost with a trainer on this machine. Cheap: optimizers call `seconds` for every candidate at
 * every ask.
 */
export interface EpochCostModel {
  /**
   * Predicted wall seconds of epoch `epoch` (training + validation) of `config`, or undefined where it cannot
   * tell, if worker slot `slot` (default 0) runs it: a model that knows what each slot's trainer has already
   * paid for (a model loaded, features cached) may answer differently per slot.
   */
  seconds(config: Config, epoch: number, slot?: number): number | undefined;
  /**
   * The cost regime of that step, as keys from the most general to the most specific (for example "features
   * cached, later epoch", then that for one model, then for one frozen depth). The model's errors differ by
   * regime (a cached linear head and a full backward pass are timed by different probes), so an online
   * correction learns one factor per key, each shrunk towards its parent's. Without it: one per model.
   */
  regime?(config: Config, epoch: number, slot?: number): readonly string[];
}
