import { resolve } from 'node:path';
import { UsageError } from '../../errors.ts';
import { loadMetaDataset } from '../../metadata/index.ts';
import { saveCheckpoint } from '../../predictor/checkpoint.ts';
import { metaTrain } from '../../predictor/meta-train/meta-train.ts';
import { DEFAULT_RECIPE, RECIPES } from '../../predictor/recipes.ts';
import { FlagReader } from '../../util/flag-reader.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

/**
 * `quicktune meta-train`: meta-trains the performance and cost predictors on every task of a meta-dataset but
 * `--exclude`, keeps the weights with the best validation error and writes the checkpoint to `--out`.
 */
const metaTrainCommand: CommandHandler = async (options, context) => {
  const flags = new FlagReader(options);
  const iterations = flags.integer('iterations', 10000, 1);
  const seed = flags.integer('seed', 0, 0);
  const out = resolve(flags.text('out', '.quicktune/predictor'));
  const exclude = flags.list('exclude');
  const dir = flags.required('metadataset', 'a meta-dataset folder');
  flags.done();
  const metaDataset = await loadMetaDataset(dir);
  const unknown = exclude.filter((name) => !metaDataset.tasks.has(name));
  if (unknown.length > 0) {
    const known = [...metaDataset.tasks.keys()].join(', ');
    throw new UsageError(unknown.map((name) => `--exclude: dataset '${name}' is not in meta-dataset '${metaDataset.name}' (${metaDataset.dir}); its datasets: ${known}`));
  }
  const kept = [...metaDataset.tasks.keys()].filter((name) => !exclude.includes(name));
  // NOTE: one dataset to train on and one to pick the best checkpoint with.
  if (kept.length < 2) throw new UsageError(`--exclude: meta-training needs at least 2 datasets left, got ${kept.length}`);
  const progress = new ProgressLine({ label: 'iterations', total: iterations, interactive: context.interactive, log: context.log });
  let result: Awaited<ReturnType<typeof metaTrain>>;
  try {
    result = await metaTrain({
      ...RECIPES[DEFAULT_RECIPE],
      recipe: DEFAULT_RECIPE,
      metaDataset,
      exclude,
      iterations,
      seed,
      onProgress: ({ iteration, valMse, bestValMse }) => {
        const status = valMse === null ? '' : `val mse ${valMse.toFixed(5)} (best ${bestValMse?.toFixed(5) ?? '-'})`;
        progress.update(iteration, status);
      },
    });
  } finally {
    progress.finish();
  }
  const { checkpoint, seconds } = result;
  await saveCheckpoint(out, checkpoint);
  const { tasks, training } = checkpoint.manifest;
  const datasets = [...tasks.train, ...tasks.validation];
  context.log.info({ out, bestIteration: training.bestIteration, validation: tasks.validation }, 'predictor checkpoint written');
  const human = [
    `predictor written to ${out}`,
    `  meta-dataset      ${metaDataset.name} (${datasets.length} datasets: ${tasks.train.length} training, ${tasks.validation.length} validation${exclude.length ? `, ${exclude.length} excluded` : ''})`,
    `  iterations        ${iterations} (best at ${training.bestIteration})`,
    `  best val MSE      ${training.bestValMse === null ? '-' : training.bestValMse.toFixed(5)}`,
    `  seconds           ${seconds.toFixed(1)}`,
  ].join('\n');
  context.emit({ out, datasets, iterations, best_val_mse: training.bestValMse, seconds }, human);
};

export default metaTrainCommand;
