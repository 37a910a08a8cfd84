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
import { FlagReader } from '../../util/flag-reader.ts';
import { parseList } from '../../util/parse-number.ts';
import { readBudgets } from './benchmark-flags.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

/**
 * `quicktune benchmark --metadataset DIR`: replays tasks of a meta-dataset with every method and seed (the paper's protocol),
 * prints regret per budget, standard errors and ranks, and with `--out` stores every run as it ends (so a
 * benchmark split by `--tasks` over several processes, or interrupted, is merged or resumed by running it
 * again on the same folder) and writes results.json, trajectories.csv and regret.svg.
 */
const benchmarkReplay: CommandHandler = async (options, context) => {
  const flags = new FlagReader(options);
  flags.forbid(['trainer', 'trainerCmd', 'space'], 'only applies to the real-image benchmark (--dataset)');
  const methods = flags.attempt(() => resolveMethods(parseList(flags.text('methods', 'quicktune,dyhpo,asha,random')), '--methods')) ?? [];
  if (methods.length === 0) flags.problem('--methods: name at least one method');
  const budgets = readBudgets(flags, '1h,4h,16h');
  const seeds = flags.integer('seeds', 3, 1);
  const predictorDir = flags.text('predictor');
  const folds = flags.integer('folds', 5, 2);
  const outDir = flags.text('out');
  const workers = flags.integer('workers', 1, 1);
  const wanted = flags.list('tasks');
  flags.done();

  const metaDataset = await loadMetaDataset(flags.text('metadataset', ''));
  const allTasks = [...metaDataset.tasks.keys()];
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

export default benchmarkReplay;
