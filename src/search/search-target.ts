import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { loadImageFolder } from '../data/load-image-folder.ts';
import { InputError, UsageError } from '../errors.ts';
import { loadMetaDataset } from '../metadata/index.ts';
import type { MetaFeatures } from '../predictor/types.ts';
import { buildPool, configId, DEFAULT_SPACE_PATH, loadSpace } from '../space/index.ts';
import type { Pipeline } from '../space/types.ts';
import { fingerprintFolder } from '../storage/fingerprint.ts';
import type { RunSpace } from '../storage/types.ts';
import { resolveTrainer } from '../trainers/index.ts';
import type { Trainer } from '../trainers/types.ts';

/** What a search runs on: the data, the candidate pool, and how to make a trainer for each worker slot. */
export interface SearchTarget {
  /** The data as the study records it: a path and a fingerprint of its contents. */
  readonly dataset: { readonly path: string; readonly fingerprint: string };
  readonly spaceHash: string;
  readonly space: RunSpace | undefined;
  /** The pool a new study starts with (a resumed or joined study keeps its own). */
  readonly pool: readonly Pipeline[];
  /** The id of the trainer's hand-picked default pipeline, when the pool holds it. */
  readonly defaultPipeline: string | undefined;
  /**
   * Whether the trainer's curves are the kind the predictor was meta-trained on: true for the replay of a
   * meta-dataset task; a real trainer's curves (another framework, machine, epoch length) are not.
   */
  readonly curvesLikeMetaTraining: boolean;
  /** Makes the trainer of one slot (its own process where the trainer has one). */
  createTrainer(slot: number, devices: readonly string[]): Promise<Trainer>;
  /** The dataset's meta-features (the predictor encodes the task with them). */
  metaFeatures(trainer: Trainer): Promise<MetaFeatures>;
}

/** What both kinds of target need from the command line. */
export interface TargetSettings {
  readonly dataset: string;
  readonly trainer: string;
  readonly trainerCmd: string | undefined;
  readonly space: string | undefined;
  readonly seed: number;
  readonly runDir: string;
  readonly stepTimeoutSeconds: number | undefined;
  readonly replay: { readonly metadataset: string; readonly task: string; readonly timeScale: number } | undefined;
}

/** The target `--trainer` names: an image folder with a real trainer, or a meta-dataset task replayed. */
export async function resolveTarget(settings: TargetSettings): Promise<SearchTarget> {
  return settings.replay ? replayTarget(settings.replay) : imageFolderTarget(settings);
}

async function imageFolderTarget(settings: TargetSettings): Promise<SearchTarget> {
  await assertFolder(settings.dataset);
  const definition = await resolveTrainer(settings.trainer);
  const space = await loadSpace(settings.space ?? definition.defaultSpace ?? DEFAULT_SPACE_PATH());
  const { fingerprint } = await fingerprintFolder(settings.dataset);
  const pool = buildPool(space, { seed: settings.seed });
  const defaultId = definition.defaultConfig ? configId(definition.defaultConfig) : undefined;
  return {
    dataset: { path: settings.dataset, fingerprint },
    spaceHash: space.hash,
    space,
    pool,
    defaultPipeline: pool.some((p) => p.id === defaultId) ? defaultId : undefined,
    curvesLikeMetaTraining: false,
    createTrainer: (slot, devices) =>
      definition.create({
        dataPath: settings.dataset,
        seed: settings.seed,
        runDir: settings.runDir,
        slot,
        devices,
        ...(settings.trainerCmd === undefined ? {} : { command: settings.trainerCmd }),
        ...(settings.stepTimeoutSeconds === undefined ? {} : { stepTimeoutSeconds: settings.stepTimeoutSeconds }),
      }),
    metaFeatures: (trainer) => imageFolderFeatures(trainer, settings.dataset),
  };
}

async function replayTarget(replay: NonNullable<TargetSettings['replay']>): Promise<SearchTarget> {
  const metaDataset = await loadMetaDataset(replay.metadataset);
  const task = metaDataset.tasks.get(replay.task);
  if (task === undefined) {
    throw new UsageError(`--task: '${replay.task}' is not a task of ${metaDataset.dir} (tasks: ${[...metaDataset.tasks.keys()].join(', ')})`);
  }
  const { ReplayTrainer, pipelinesOf } = await import('../trainers/replay.ts');
  return {
    dataset: { path: `${replay.metadataset}#${task.name}`, fingerprint: `${metaDataset.contentHash}#${task.name}` },
    spaceHash: `replay:${metaDataset.contentHash}`,
    space: undefined,
    pool: pipelinesOf(task),
    defaultPipeline: undefined,
    curvesLikeMetaTraining: true,
    createTrainer: async () => new ReplayTrainer(task, { timeScale: replay.timeScale }),
    metaFeatures: async () => task.metaFeatures,
  };
}

const NumericFeatures = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

/** The dataset's meta-features: from the trainer when it computed them already, else from a scan of the folder. */
async function imageFolderFeatures(trainer: Trainer, dataset: string): Promise<MetaFeatures> {
  if (trainer.datasetMetaFeatures) {
    const parsed = NumericFeatures.safeParse(await trainer.datasetMetaFeatures());
    if (parsed.success) return parsed.data;
  }
  return { ...(await loadImageFolder(dataset)).metaFeatures };
}

async function assertFolder(dir: string): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch {
    throw new InputError(`--dataset ${dir}: no such folder`);
  }
  if (!isDirectory) throw new InputError(`--dataset ${dir}: not a folder`);
}
