import { runReplaySearch } from '../../benchmark/replay-search.ts';
import { normalizedRegret } from '../../benchmark/regret.ts';
import { loadPredictorCheckpoint } from '../../benchmark/predictors.ts';
import { UsageError } from '../../errors.ts';
import { loadMetaDataset } from '../../metadata/index.ts';
import { resolveMethods } from '../../optimizer/registry.ts';
import { formatDuration } from '../../util/duration.ts';
import { FlagReader } from '../../util/flag-reader.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

/** Flags of the real-search mode that mean nothing in a replay (given explicitly, they are an error). */
const REAL_ONLY = ['trainerCmd', 'space', 'runDir', 'storage', 'study', 'artifacts', 'gpus', 'timeScale', 'resume'] as const;

/**
 * `quicktune search --metadataset DIR --task DS`: a simulated search replaying one task of a meta-dataset
 * with the chosen method, through the same loop as a real search; `--workers N` simulates N asynchronous
 * workers on the simulated clock.
 */
const searchReplay: CommandHandler = async (options, context) => {
  const flags = new FlagReader(options);
  flags.forbid(REAL_ONLY, 'only applies to a search on an image folder (--dataset)');
  const taskName = flags.text('task', '');
  if (taskName === '') flags.problem('--task is required with --metadataset (the meta-dataset task to replay)');
  const budget = flags.duration('budget', '1h');
  const seed = flags.integer('seed', 0, 0);
  const maxSteps = flags.integer('maxSteps', undefined, 1);
  const workers = flags.integer('workers', 1, 1);
  const [method] = flags.attempt(() => resolveMethods([flags.text('method', 'quicktune')], '--method')) ?? [];
  flags.done();
  if (method === undefined) throw new UsageError('--method: a method name is required');

  const metaDataset = await loadMetaDataset(flags.text('metadataset', ''));
  const task = metaDataset.tasks.get(taskName);
  if (task === undefined) {
    throw new UsageError(`--task: '${taskName}' is not a task of ${metaDataset.dir} (tasks: ${[...metaDataset.tasks.keys()].join(', ')})`);
  }
  const predictorDir = flags.text('predictor');
  const predictor = method.needsPredictor ? await loadPredictorCheckpoint(predictorDir, metaDataset, [task.name], context.log, 'warn') : undefined;

  const progress = new ProgressLine({ label: 'simulated s', total: Math.round(budget), interactive: context.interactive, log: context.log });
  let best = -Infinity;
  const result = await runReplaySearch({
    task,
    maxEpochs: metaDataset.maxEpochs,
    method,
    seed,
    workers,
    budgetSeconds: budget,
    ...(maxSteps === undefined ? {} : { maxSteps }),
    ...(predictor ? { predictor } : {}),
    onStep: (record) => {
      if (record.score !== null) best = Math.max(best, record.score);
      progress.update(Math.min(Math.round(record.finishedAt), Math.round(budget)), `best ${best.toFixed(4)}`);
    },
  });
  progress.finish();

  const incumbent = result.incumbent;
  const config = incumbent ? metaDataset.config(incumbent.configId) : undefined;
  const regret = normalizedRegret(result.trajectory, Infinity, task.yBest, task.yWorst);
  const json = {
    incumbent: incumbent
      ? { config_id: incumbent.configId, config: config ? { model: config.model, ...config.values } : null, score: incumbent.score, epoch: incumbent.epoch }
      : null,
    steps: result.records.length,
    seconds: result.seconds,
    trajectory: result.trajectory.map(([t, y]) => [t, y]),
  };
  const lines = [
    `replayed ${task.name} of ${metaDataset.name} with ${method.name} (seed ${seed}, ${workers} worker${workers > 1 ? 's' : ''}, budget ${formatDuration(budget)})`,
    incumbent
      ? `best: ${incumbent.score.toFixed(4)} at epoch ${incumbent.epoch} of ${incumbent.configId} (${config?.model ?? '?'})`
      : 'best: nothing observed',
  ];
  if (config) {
    const hps = Object.entries(config.values).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${String(v)}`);
    lines.push(`hyperparameters: ${hps.join(' ')}`);
  }
  lines.push(
    `steps: ${result.records.length}, simulated time ${formatDuration(result.seconds)} (optimizer ${result.overheadSeconds.toFixed(1)} s), stopped: ${result.stopReason}`,
    `normalized regret: ${regret.toFixed(4)} (task best ${task.yBest.toFixed(4)}, worst ${task.yWorst.toFixed(4)})`,
  );
  context.emit(json, lines.join('\n'));
};

export default searchReplay;
