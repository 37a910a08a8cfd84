import { resolve } from 'node:path';
import { assignFolds, foldOf } from '../../benchmark/folds.ts';
import { fixedPredictorSource, foldwisePredictorSource, type PredictorSource } from '../../benchmark/predictor-source.ts';
import { loadPredictorCheckpoint, metaTrainingFoldTrainer } from '../../benchmark/predictors.ts';
import { renderRegretPlot } from '../../benchmark/regret-plot.ts';
import { writeResults } from '../../benchmark/results-io.ts';
import { RunStore } from '../../benchmark/run-store.ts';
import { runBenchmark } from '../../benchmark/runner.ts';
import { summarize } from '../../benchmark/summarize.ts';
import { formatSummaryTable } from '../../benchmark/summary-table.ts';
import { UsageError } from '../../errors.ts';
import { loadMetaDataset } from '../../metadata/index.ts';
import { resolveMethods } from '../../optimizer/registry.ts';
import { parseDuration } from '../../util/duration.ts';
import { parseIntegerFlag, parseList } from '../../util/parse-number.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `quicktune benchmark`: replays tasks of a meta-dataset with every method and seed (the paper's protocol),
 * prints regret per budget, standard errors and ranks, and with `--out` stores every run as it ends (so a
 * benchmark split by `--tasks` over several processes, or interrupted, is merged or resumed by running it
 * again on the same folder) and writes results.json, trajectories.csv and regret.svg.
 */
const benchmark: CommandHandler = async (options, context) => {
  const methods = resolveMethods(parseList(text(options.methods) ?? 'quicktune,dyhpo,asha,random'), '--methods');
  if (methods.length === 0) throw new UsageError('--methods: name at least one method');
  const budgets = parseList(text(options.budgets) ?? '1h,4h,16h').map((b) => parseDuration(b, '--budgets'));
  if (budgets.length === 0) throw new UsageError('--budgets: name at least one budget');
  budgets.sort((a, b) => a - b);
  const seeds = parseIntegerFlag(text(options.seeds) ?? '3', '--seeds', 1);
  const predictorDir = text(options.predictor);
  const folds = parseIntegerFlag(text(options.folds) ?? '5', '--folds', 2);
  const outDir = text(options.out);
  const workers = parseIntegerFlag(text(options.workers) ?? '1', '--workers', 1);

  const metaDataset = await loadMetaDataset(text(options.metadataset) ?? '');
  const allTasks = [...metaDataset.tasks.keys()];
  const wanted = parseList(text(options.tasks));
  const unknown = wanted.filter((t) => !metaDataset.tasks.has(t));
  if (unknown.length > 0) {
    throw new UsageError(`--tasks: ${unknown.map((t) => `'${t}'`).join(', ')} not in ${metaDataset.dir} (tasks: ${allTasks.join(', ')})`);
  }
  const split = assignFolds(allTasks, folds);
  // NOTE: run fold by fold, so each fold's predictor is trained or loaded once and then released.
  const tasks = (wanted.length > 0 ? [...new Set(wanted)] : allTasks).sort((a, b) => foldOf(split, a) - foldOf(split, b));

  let predictors: PredictorSource | undefined;
  let predictorLabel = 'none';
  if (methods.some((m) => m.needsPredictor)) {
    if (predictorDir !== undefined) {
      const predictor = await loadPredictorCheckpoint(predictorDir, metaDataset, tasks, context.log);
      predictorLabel = `checkpoint ${resolve(predictorDir)}`;
      predictors = fixedPredictorSource(async () => predictor, predictorLabel);
    } else {
      predictors = foldwisePredictorSource(split, metaTrainingFoldTrainer(metaDataset, outDir, 0));
      predictorLabel = `fold-wise, ${split.length} folds`;
    }
  }

  const store = outDir === undefined ? undefined : new RunStore(outDir);
  const progress = new ProgressLine({ label: 'runs', total: tasks.length * methods.length * seeds, interactive: context.interactive, log: context.log });
  const { runs, reused, ran } = await runBenchmark({
    metaDataset,
    tasks,
    methods,
    seeds,
    workers,
    budgets,
    ...(predictors ? { predictors } : {}),
    ...(store ? { store } : {}),
    onRun: (done, _total, run, wasReused) =>
      progress.update(done, `${run.method} ${run.task} seed ${run.seed}${wasReused ? ' (stored)' : ''}`),
  });
  progress.finish();
  context.log.info({ ran, reused }, `benchmark: ${ran} runs made, ${reused} reused`);

  const names = methods.map((m) => m.name);
  const seedList = Array.from({ length: seeds }, (_, i) => i);
  const summary = summarize(runs, names, tasks, seedList, budgets);
  if (outDir !== undefined) {
    const svg = renderRegretPlot(runs, names, Math.max(...budgets));
    const files = await writeResults(outDir, summary, runs, {
      metadataset: { name: metaDataset.name, dir: metaDataset.dir, hash: metaDataset.contentHash },
      predictor: predictorLabel,
      command: ['quicktune', ...process.argv.slice(2)].join(' '),
    }, svg);
    context.log.info({ files }, `wrote ${files.join(', ')}`);
  }
  context.emit(summary, formatSummaryTable(summary));
};

export default benchmark;
