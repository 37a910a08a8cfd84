import type { Logger } from 'pino';
import { NotAvailableError } from '../errors.ts';
import type { MetaDataset } from '../metadata/types.ts';
import type { Predictor } from '../predictor/types.ts';
import type { FoldTrainer } from './predictor-source.ts';

/**
 * Loads a predictor checkpoint (`dir`, or the shipped default) for searches on `tasks` of `metaDataset`, and
 * says so when the checkpoint was meta-trained on any of them.
 */
export async function loadPredictorCheckpoint(
  _dir: string | undefined,
  _metaDataset: MetaDataset,
  _tasks: readonly string[],
  _log: Logger,
): Promise<Predictor> {
  throw new NotAvailableError('the meta-trained predictor');
}

/** Fold-wise meta-training with the checkpoints cached under `<out>/predictors/fold-<k>`. */
export function metaTrainingFoldTrainer(_metaDataset: MetaDataset, _outDir: string | undefined, _seed: number): FoldTrainer {
  throw new NotAvailableError('fold-wise meta-training of the predictor');
}
