import type { ConfigEncoder } from '../../encoding/index.ts';
import type { MetaConfig, MetaDataset, MetaTask } from '../../metadata/types.ts';
import type { Config } from '../../space/types.ts';
import type { Random } from '../../util/random.ts';
import { PipelineRows, type PointRef } from '../inputs.ts';
import type { InputDims } from '../network/batch.ts';

/** One task of the meta-dataset, encoded once for fast batch sampling. */
export interface TaskData {
  readonly name: string;
  readonly rows: PipelineRows;
  readonly runs: readonly MetaConfig[];
}

/** Sampled (pipeline, epoch) points with their true score and seconds. */
export interface Sample {
  readonly points: PointRef[];
  readonly scores: Float64Array;
  readonly seconds: Float64Array;
}

/** A run as a Config for the encoder: its model plus its hyperparameter cells. */
export function runConfig(run: MetaConfig): Config {
  return { ...run.values, model: run.model };
}

export function prepareTask(task: MetaTask, encoder: ConfigEncoder, dims: InputDims): TaskData {
  const runs = task.configs.filter((run) => run.scores.length > 0);
  return { name: task.name, rows: new PipelineRows(encoder, dims, runs.map(runConfig), task.metaFeatures), runs };
}

/**
 * `count` random (run, epoch) pairs of one task: a run uniformly, then an epoch uniformly among the epochs it
 * finished, 1..length inclusive (a decision of docs/method.md §5: the last epoch can be drawn too). With
 * `horizonShare` > 0, that share of the points (those past epoch 1) see only a random prefix of the curve
 * before their epoch (0..epoch-2 scores): the network then also learns to predict an epoch several steps
 * ahead of the last observed one, which the optimizer's look-ahead asks for.
 */
export function samplePoints(task: TaskData, count: number, rng: Random, horizonShare = 0): Sample {
  const points: PointRef[] = [];
  const scores = new Float64Array(count);
  const seconds = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const pipeline = rng.int(task.runs.length);
    const run = task.runs[pipeline]!;
    const epoch = 1 + rng.int(run.scores.length);
    // NOTE: no extra draws unless asked for, so recipes without horizons sample exactly as before.
    const known = horizonShare > 0 && epoch > 1 && rng.next() < horizonShare ? rng.int(epoch - 1) : epoch - 1;
    points.push({ pipeline, epoch, curve: run.scores.subarray(0, known) });
    scores[i] = run.scores[epoch - 1]!;
    seconds[i] = run.costs[epoch - 1]!;
  }
  return { points, scores, seconds };
}

/** A view of a meta-dataset restricted to some tasks (for fitting the encoder on the training tasks only). */
export function restrictTasks(meta: MetaDataset, names: readonly string[]): MetaDataset {
  const keep = new Set(names);
  const tasks = new Map([...meta.tasks].filter(([name]) => keep.has(name)));
  const models = [...new Set([...tasks.values()].flatMap((task) => task.configs.map((c) => c.model)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    name: meta.name,
    maxEpochs: meta.maxEpochs,
    dir: meta.dir,
    contentHash: meta.contentHash,
    hyperparameters: meta.hyperparameters,
    metaFeatures: meta.metaFeatures,
    models,
    tasks,
    totals: meta.totals,
    config: (id) => {
      const found = meta.config(id);
      return found && keep.has(found.dataset) ? found : undefined;
    },
  };
}
