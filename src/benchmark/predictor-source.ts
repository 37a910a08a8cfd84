import { InternalError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import type { Predictor } from '../predictor/types.ts';
import { foldOf } from './folds.ts';

/** Where a benchmark gets the predictor for a task; a task must never get a predictor that saw it. */
export interface PredictorSource {
  /**
   * A label stored with each run, so that runs made with another predictor are not reused. A method that
   * does not use the meta-learned weights (`metaLearned` false) takes only the encoding and the target
   * scalings from the checkpoint, so its label leaves out how the weights were trained.
   */
  tagFor(task: string, metaLearned: boolean): string;
  forTask(task: string): Promise<Predictor>;
}

/** One predictor for every task (`--predictor DIR`); the caller has checked it did not see them. */
export function fixedPredictorSource(load: () => Promise<Predictor>, tag: string): PredictorSource {
  let loaded: Promise<Predictor> | undefined;
  return {
    tagFor: () => tag,
    forTask: () => (loaded ??= load()),
  };
}

/** Meta-trains (or reloads) the predictor of one fold: trained on every task but `exclude`. */
export interface FoldTrainer {
  /** Identifies the training recipe (iterations, seed, code version), part of every run's predictor tag. */
  readonly recipe: string;
  /** Identifies what a fresh-weights method takes from the checkpoint (the encoding and target scalings). */
  readonly encoding: string;
  /** The checkpoint cached for this fold, or undefined when there is none (or it was made otherwise). */
  load(fold: number, exclude: readonly string[]): Promise<Predictor | undefined>;
  /** Meta-trains on all tasks but `exclude`, caches the checkpoint, returns it. */
  train(fold: number, exclude: readonly string[]): Promise<Predictor>;
}

/**
 * Fold-wise predictors (docs/method.md §10.3): the tasks of fold k are searched with a predictor
 * meta-trained on the other folds' tasks. Keeps one fold's predictor in memory at a time, so the runner
 * should visit tasks fold by fold.
 */
export function foldwisePredictorSource(folds: readonly (readonly string[])[], trainer: FoldTrainer): PredictorSource {
  const log = getLogger('benchmark');
  let current: { fold: number; predictor: Promise<Predictor> } | undefined;
  const foldIndex = (task: string): number => {
    const k = foldOf(folds, task);
    if (k < 0) throw new InternalError(`task '${task}' is in no fold`);
    return k;
  };
  return {
    tagFor: (task, metaLearned) => `fold ${foldIndex(task) + 1}/${folds.length} (${metaLearned ? trainer.recipe : trainer.encoding})`,
    forTask: (task) => {
      const fold = foldIndex(task);
      if (current?.fold !== fold) {
        const exclude = folds[fold] ?? [];
        const predictor = (async () => {
          const cached = await trainer.load(fold, exclude);
          if (cached) {
            log.info({ fold: fold + 1, exclude }, `fold ${fold + 1}: cached predictor`);
            return cached;
          }
          log.info({ fold: fold + 1, exclude }, `fold ${fold + 1}: meta-training a predictor without ${exclude.join(', ')}`);
          return trainer.train(fold, exclude);
        })();
        current = { fold, predictor };
      }
      return current.predictor;
    },
  };
}
