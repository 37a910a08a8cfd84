import { runReplaySearch } from '../../benchmark/replay-search.ts';
import { normalizedRegret } from '../../benchmark/regret.ts';
import { loadPredictorCheckpoint } from '../../benchmark/predictors.ts';
import { UsageError } from '../../errors.ts';
import { loadMetaDataset } from '../../metadata/index.ts';
import { resolveMethods } from '../../optimizer/registry.ts';
import { formatDuration, parseDuration } from '../../util/duration.ts';
import { parseIntegerFlag } from '../../util/parse-number.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

/** Flags of the real-search mode that mean nothing in a replay (given explicitly, they are an error). */
const REAL_ONLY = ['trainerCmd', 'space', 'runDir', 'storage'] as const;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `quicktune search --metadataset DIR --task DS`: a simulated search replaying one task of a meta-dataset
 * with the chosen method, through the same loop as a real search (spec/cli.md).
 */
const searchReplay: CommandHandler = async (options, context) => {
  const problems = REAL_ONLY.filter((k) => options[k] !== undefined).map(
    (k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} only applies to a search on an image folder (--dataset)`,
  );
  if (options.resume === true) problems.push('--resume only applies to a search on an image folder (--dataset)');
  const taskName = text(options.task);
  if (taskName === undefined) problems.push('--task is required with --metadataset (the meta-dataset task to replay)');
  if (problems.length > 0) throw new UsageError(problems);

  const budget = parseDuration(text(options.budget) ?? '1h', '--budget');
  const seed = parseIntegerFlag(text(options.seed) ?? '0', '--seed', 0);
  const maxStepsText = text(options.maxSteps);
  const maxSteps = maxStepsText === undefined ? undefined : parseIntegerFlag(maxStepsText, '--max-steps', 1);
  const [method] = resolveMethods([text(options.method) ?? 'quicktune'], '--method');
  if (method === undefined) throw new UsageError('--method: a method name is required');

  const metaDataset = await loadMetaDataset(text(options.metadataset) ?? '');
  const task = metaDataset.tasks.get(taskName ?? '');
  if (task === undefined) {
    throw new UsageError(`--task: '${taskName}' is not a task of ${metaDataset.dir} (tasks: ${[...metaDataset.tasks.keys()].join(', ')})`);
  }
  const predictorDir = text(options.predictor);
  const predictor = method.needsPredictor ? await loadPredictorCheckpoint(predictorDir, metaDataset, [task.name], context.log, 'warn') : undefined;

  const progress = new ProgressLine({ label: 'simulated s', total: Math.round(budget), interactive: context.interactive, log: context.log });
  let best = -Infinity;
  const result = await runReplaySearch({
    task,
    maxEpochs: metaDataset.maxEpochs,
    method,
    seed,
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
    `replayed ${task.name} of ${metaDataset.name} with ${method.name} (seed ${seed}, budget ${formatDuration(budget)})`,
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
