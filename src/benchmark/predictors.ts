import type { Logger } from 'pino';
import type { MetaDataset } from '../metadata/types.ts';
import { foldTrainer, loadPredictorFor } from '../predictor/fold-training.ts';
import type { Predictor } from '../predictor/types.ts';
import type { FoldTrainer } from './predictor-source.ts';

/**
 * Loads a predictor checkpoint (`dir`, or the shipped default) for searches on `tasks` of `metaDataset`, and
 * says so when the checkpoint was meta-trained on any of them.
 */
export async function loadPredictorCheckpoint(
  dir: string | undefined,
  metaDataset: MetaDataset,
  tasks: readonly string[],
  log: Logger,
  seen: 'error' | 'warn' = 'error',
): Promise<Predictor> {
  return loadPredictorFor(dir, metaDataset, tasks, log, seen);
}

/** Fold-wise meta-training with the checkpoints cached under `<out>/predictors/fold-<k>`. */
export function metaTrainingFoldTrainer(metaDataset: MetaDataset, outDir: string | undefined, seed: number): FoldTrainer {
  return foldTrainer(metaDataset, outDir, { seed });
}
