import { stat } from 'node:fs/promises';
import type { Logger } from 'pino';
import { z } from 'zod';
import { loadImageFolder } from '../data/load-image-folder.ts';
import { InputError, InternalError } from '../errors.ts';
import { resolveMethods } from '../optimizer/registry.ts';
import type { MetaFeatures } from '../predictor/types.ts';
import { buildPool, DEFAULT_SPACE_PATH, loadSpace } from '../space/index.ts';
import { checkpointDir, fingerprintFolder, loadRun, resolveStorage, RunStore, type RunState } from '../storage/index.ts';
import { RealClock } from '../study/clock.ts';
import { runSearchLoop, type StopReason } from '../study/search-loop.ts';
import type { StepRecord } from '../study/types.ts';
import { resolveTrainer } from '../trainers/index.ts';
import type { Trainer } from '../trainers/types.ts';
import { abortOnSignals } from './interrupt.ts';
import { loadSearchPredictor } from './search-predictor.ts';
import type { DatasetSearchSettings } from './search-settings.ts';

/** T when neither a predictor nor QUICKTUNE_MAX_EPOCHS sets it: the paper's 50 epochs. */
export const DEFAULT_MAX_EPOCHS = 50;

export interface DatasetSearchOutcome {
  /** The run as its journal holds it at the end (every session). */
  readonly run: RunState;
  readonly journal: string;
  readonly stopReason: StopReason;
  /** Clock seconds at the end, previous sessions included. */
  readonly seconds: number;
  /** Steps recorded by this session. */
  readonly sessionSteps: number;
}

export interface DatasetSearchHooks {
  /** Once the run is open, before the first new step (a resumed run already holds steps). */
  readonly onStart?: (run: RunState) => void;
  /** After each recorded step (progress display). */
  readonly onStep?: (record: StepRecord, run: { readonly steps: number; readonly pool: RunState['pool'] }) => void;
  /** Every second while the search runs, with the clock reading (progress display). */
  readonly onTick?: (seconds: number) => void;
}

/**
 * A real search on an image folder: dataset, space and pool, trainer, optimizer and run storage wired around
 * the search loop. New runs are created in `settings.runDir`; `resume` continues one after checking that this
 * invocation is the same search. Every step is durable before the next one starts; Ctrl-C stops cleanly.
 */
export async function runDatasetSearch(settings: DatasetSearchSettings, log: Logger, hooks: DatasetSearchHooks = {}): Promise<DatasetSearchOutcome> {
  const storage = resolveStorage(settings.storage, settings.runDir);
  await assertFolder(settings.dataset);
  const previous = settings.resume ? await loadRun(storage.path) : undefined;
  if (!previous && (await exists(storage.path))) {
    throw new InputError(`${storage.path}: a run already exists here; add --resume to continue it, or choose another --run-dir`);
  }
  const definition = await resolveTrainer(settings.trainer);
  const [method] = resolveMethods([settings.method], '--method');
  if (!method) throw new InternalError('no method resolved');
  const space = await loadSpace(settings.space ?? definition.defaultSpace ?? DEFAULT_SPACE_PATH());
  const predictor = method.needsPredictor ? await loadSearchPredictor(settings.predictor) : undefined;
  const maxEpochs = settings.maxEpochs ?? predictor?.maxEpochs ?? DEFAULT_MAX_EPOCHS;
  const { fingerprint } = await fingerprintFolder(settings.dataset);

  const trainer = await definition.create({
    dataPath: settings.dataset,
    seed: settings.seed,
    runDir: settings.runDir,
    ...(settings.trainerCmd === undefined ? {} : { command: settings.trainerCmd }),
    ...(settings.stepTimeoutSeconds === undefined ? {} : { stepTimeoutSeconds: settings.stepTimeoutSeconds }),
  });
  try {
    const metaFeatures = await metaFeaturesOf(trainer, settings.dataset);
    const identity = {
      seed: settings.seed,
      dataset: { path: settings.dataset, fingerprint },
      spaceHash: space.hash,
      trainer: trainer.describe(),
      optimizer: { name: method.name, settings: method.settings },
      maxEpochs,
    };
    const budget = { seconds: settings.budgetSeconds, ...(settings.maxSteps === undefined ? {} : { maxSteps: settings.maxSteps }) };
    const store = previous
      ? await RunStore.resume({ journal: storage.path, identity, budget })
      : await RunStore.create({ journal: storage.path, identity, budget, pool: buildPool(space, { seed: settings.seed }), space });
    try {
      return await searchOn(store, trainer, { settings, maxEpochs, metaFeatures, method, predictor, log, hooks, journal: storage.path });
    } finally {
      await store.close();
    }
  } finally {
    await trainer.close?.();
  }
}

interface SearchParts {
  readonly settings: DatasetSearchSettings;
  readonly maxEpochs: number;
  readonly metaFeatures: MetaFeatures;
  readonly method: NonNullable<ReturnType<typeof resolveMethods>[number]>;
  readonly predictor: Awaited<ReturnType<typeof loadSearchPredictor>> | undefined;
  readonly log: Logger;
  readonly hooks: DatasetSearchHooks;
  readonly journal: string;
}

async function searchOn(store: RunStore, trainer: Trainer, parts: SearchParts): Promise<DatasetSearchOutcome> {
  const { settings, log, hooks } = parts;
  const pool = store.run.pool;
  const optimizer = parts.method.create({
    pipelines: pool,
    maxEpochs: parts.maxEpochs,
    seed: settings.seed,
    metaFeatures: parts.metaFeatures,
    ...(parts.predictor ? { predictor: parts.predictor } : {}),
  });
  hooks.onStart?.(store.run);
  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller, log);
  const clock = new RealClock(store.run.elapsedSeconds);
  const ticker = setInterval(() => hooks.onTick?.(clock.now()), 1000);
  ticker.unref();
  let recorded = 0;
  try {
    const outcome = await runSearchLoop({
      optimizer,
      trainer,
      pipelines: pool,
      maxEpochs: parts.maxEpochs,
      clock,
      budgetSeconds: settings.budgetSeconds,
      ...(settings.maxSteps === undefined ? {} : { maxSteps: settings.maxSteps }),
      previous: store.previousSteps,
      checkpointDir: (configId) => checkpointDir(settings.runDir, configId),
      signal: controller.signal,
      onStep: async (record) => {
        // NOTE: a step stopped by Ctrl-C did not fail: leaving it out of the journal lets a resumed run retry it.
        if (controller.signal.aborted && record.status === 'failed') {
          log.info({ configId: record.configId, epoch: record.epoch }, 'interrupted step not recorded');
          return;
        }
        await store.recordStep(record);
        recorded++;
        hooks.onStep?.(record, { steps: store.previousSteps.length + recorded, pool });
      },
    });
    await store.stop(outcome.stopReason, outcome.seconds);
    return { run: store.run, journal: parts.journal, stopReason: outcome.stopReason, seconds: outcome.seconds, sessionSteps: recorded };
  } finally {
    clearInterval(ticker);
    removeHandlers();
    optimizer.dispose?.();
  }
}

const NumericFeatures = z.record(z.string(), z.union([z.number(), z.string(), z.null()]));

/** The dataset's meta-features: from the trainer when it computed them already, else from a scan of the folder. */
async function metaFeaturesOf(trainer: Trainer, dataset: string): Promise<MetaFeatures> {
  if ('datasetMetaFeatures' in trainer && typeof trainer.datasetMetaFeatures === 'function') {
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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
