import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { InputError } from '../errors.ts';
import type { MetaDataset } from '../metadata/types.ts';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { loadDefaultPredictor, loadPredictor, predictorFromCheckpoint, type DeepKernelPredictor } from './deep-kernel-predictor.ts';
import { metaTrain } from './meta-train/meta-train.ts';
import { DEFAULT_RECIPE, RECIPES, type RecipeName } from './recipes.ts';

/**
 * Loads a checkpoint (or the shipped one) for searches on `tasks` of `metaDataset`. A predictor that was
 * meta-trained on one of those tasks would make a benchmark look better than it is: with `seen: 'error'`
 * that is refused, with 'warn' it is logged.
 */
export async function loadPredictorFor(
  dir: string | undefined,
  metaDataset: MetaDataset,
  tasks: readonly string[],
  log: Logger,
  seen: 'error' | 'warn' = 'error',
): Promise<DeepKernelPredictor> {
  const predictor = dir === undefined ? await loadDefaultPredictor() : await loadPredictor(dir);
  const { manifest } = predictor.checkpoint;
  if (manifest.metaDataset.name !== metaDataset.name) return predictor;
  const overlap = tasks.filter((task) => predictor.seenTasks.includes(task));
  if (overlap.length === 0) return predictor;
  const message = `the predictor ${dir ?? '(shipped)'} was meta-trained on ${overlap.join(', ')} of '${metaDataset.name}'`;
  const remedy = `meta-train one without them (quicktune meta-train --exclude ${overlap.join(',')}) and pass it with --predictor`;
  if (seen === 'error') throw new InputError(`${message}: results on ${overlap.length === 1 ? 'it' : 'them'} would be optimistic; ${remedy}`);
  log.warn({ tasks: overlap }, `${message}: this replay is optimistic (${remedy} for a fair one)`);
  return predictor;
}

/** Meta-training settings of the fold-wise predictors of a benchmark. */
export interface FoldTrainingSettings {
  readonly iterations?: number;
  readonly seed: number;
  readonly recipe?: RecipeName;
}

/**
 * Fold-wise meta-training for the benchmark: `train` meta-trains on every task but the fold's and caches the
 * checkpoint under `<outDir>/predictors/fold-<k>`; `load` reuses a cached one only when it was made from the
 * same meta-dataset, exclusions, iterations and seed.
 */
export function foldTrainer(metaDataset: MetaDataset, outDir: string | undefined, settings: FoldTrainingSettings) {
  const iterations = settings.iterations ?? 10_000;
  const recipe = settings.recipe ?? DEFAULT_RECIPE;
  const dirOf = (fold: number) => (outDir === undefined ? undefined : join(outDir, 'predictors', `fold-${fold + 1}`));
  return {
    recipe: `deep-kernel GP v1, recipe ${recipe}, ${iterations} iterations, seed ${settings.seed}`,
    // NOTE: the encoder and the scalings are fitted on the fold's training tasks, split by the seed alone.
    encoding: `encoding and scalings, seed ${settings.seed}`,
    async load(fold: number, exclude: readonly string[]): Promise<DeepKernelPredictor | undefined> {
      const dir = dirOf(fold);
      if (dir === undefined || !existsSync(join(dir, 'manifest.json'))) return undefined;
      const checkpoint = await loadCheckpoint(dir);
      const m = checkpoint.manifest;
      const same =
        m.metaDataset.contentHash === metaDataset.contentHash &&
        m.training.iterations === iterations &&
        m.training.recipe === recipe &&
        m.training.seed === settings.seed &&
        [...m.tasks.excluded].sort().join('\n') === [...exclude].sort().join('\n');
      return same ? predictorFromCheckpoint(checkpoint, dir) : undefined;
    },
    async train(fold: number, exclude: readonly string[]): Promise<DeepKernelPredictor> {
      const { checkpoint } = await metaTrain({ ...RECIPES[recipe], recipe, metaDataset, exclude, iterations, seed: settings.seed });
      const dir = dirOf(fold);
      if (dir !== undefined) await saveCheckpoint(dir, checkpoint);
      return predictorFromCheckpoint(checkpoint, dir ?? `fold ${fold + 1}`);
    },
  };
}
