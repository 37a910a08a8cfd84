import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runRealBenchmark } from '../../benchmark/real/real-runner.ts';
import { formatRealTable, renderAccuracyPlot, summarizeReal } from '../../benchmark/real/real-summary.ts';
import { benchmarkSplit } from '../../benchmark/real/split-folder.ts';
import { scoreIncumbentOnTest } from '../../benchmark/real/test-scorer.ts';
import { resolveMethods } from '../../optimizer/registry.ts';
import { readGpus } from '../../search/search-settings.ts';
import { FlagReader } from '../../util/flag-reader.ts';
import { parseList } from '../../util/parse-number.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';
import { readBudgets } from './benchmark-flags.ts';

/**
 * `quicktune benchmark --dataset DIR`: the real-image benchmark. The folder is split once into train /
 * validation / test (or its own split is used); each method searches the train/validation part for each
 * budget and seed on the wall clock, and each search's incumbent checkpoint is scored on the test part.
 * Prints test accuracy (mean ± stderr over seeds) per method and budget; `--out` keeps every run (a rerun
 * reuses them) and writes results.json and accuracy.svg.
 */
const benchmarkReal: CommandHandler = async (options, context) => {
  const flags = new FlagReader(options);
  flags.forbid(['tasks', 'folds'], 'only applies to the replay benchmark (--metadataset)');
  const methods = flags.attempt(() => resolveMethods(parseList(flags.text('methods', 'quicktune,default,random-pairs,asha')), '--methods')) ?? [];
  const budgets = readBudgets(flags, '5m,15m');
  const seeds = flags.integer('seeds', 3, 1);
  const workers = flags.integer('workers', 1, 1);
  const dataset = resolve(flags.required('dataset', 'an image folder'));
  const trainer = flags.text('trainer', 'tfjs');
  const trainerCmd = flags.text('trainerCmd');
  if (trainer === 'command' && trainerCmd === undefined) flags.problem('--trainer command needs --trainer-cmd "<program and arguments>"');
  const out = resolve(flags.text('out', join('.quicktune', 'benchmarks', `real-${dataset.split('/').at(-1) ?? 'images'}`)));
  const gpus = readGpus(flags);
  flags.done();

  const split = await benchmarkSplit(dataset, out);
  context.log.info({ split: split.origin, images: split.images, classes: split.classes.length, out }, 'real-image benchmark: data split');
  const progress = new ProgressLine({ label: 'searches', total: seeds * budgets.length * methods.length, interactive: context.interactive, log: context.log });
  const runs = await runRealBenchmark({
    split,
    out,
    methods: methods.map((m) => m.name),
    budgets,
    seeds,
    search: {
      trainer,
      trainerCmd,
      space: flags.text('space'),
      maxSteps: undefined,
      predictor: flags.text('predictor'),
      storage: undefined,
      study: undefined,
      workers,
      gpus,
      stepTimeoutSeconds: undefined,
      maxEpochs: undefined,
      replay: undefined,
    },
    score: scoreIncumbentOnTest,
    log: context.log,
    onRun: (done, _total, run, reused) => progress.update(done, `${run.method} ${run.budget_seconds}s seed ${run.seed}: test ${run.test_accuracy?.toFixed(3) ?? '-'}${reused ? ' (stored)' : ''}`),
  }).finally(() => progress.finish());
  const summary = summarizeReal(runs, methods.map((m) => m.name), budgets, dataset, seeds);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'results.json'), `${JSON.stringify({ summary, split: { origin: split.origin, images: split.images, classes: split.classes }, runs }, null, 2)}\n`);
  await writeFile(join(out, 'accuracy.svg'), renderAccuracyPlot(summary));
  context.emit(summary, `${formatRealTable(summary)}\n\nRuns, results.json and accuracy.svg: ${out}`);
};

export default benchmarkReal;
