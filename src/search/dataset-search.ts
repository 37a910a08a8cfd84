import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { StepRecord } from '../core/step.ts';
import { InputError, InternalError } from '../errors.ts';
import { resolveMethods, type MethodDefinition } from '../optimizer/registry.ts';
import type { Predictor } from '../predictor/types.ts';
import { checkpointDir, openStorage } from '../storage/registry.ts';
import type { StudyBackend, StudySnapshot } from '../storage/types.ts';
import { CheckpointKeeper } from '../study/checkpoint-keeper.ts';
import { RealClock } from '../study/clock.ts';
import { runSearchLoop, type StopReason, type WorkerSlot } from '../study/search-loop.ts';
import { Study } from '../study/study.ts';
import type { Trainer } from '../trainers/types.ts';
import { abortOnSignals } from './interrupt.ts';
import { loadSearchPredictor } from './search-predictor.ts';
import type { DatasetSearchSettings } from './search-settings.ts';
import { resolveTarget, type SearchTarget } from './search-target.ts';

/** T when neither a predictor nor QUICKTUNE_MAX_EPOCHS sets it: the paper's 50 epochs. */
export const DEFAULT_MAX_EPOCHS = 50;

export interface DatasetSearchOutcome {
  /** The study as its storage holds it at the end (every session, every worker). */
  readonly run: StudySnapshot;
  readonly stopReason: StopReason;
  /** Clock seconds at the end, previous sessions included. */
  readonly seconds: number;
  /** Steps recorded by this session. */
  readonly sessionSteps: number;
  /** Bytes of checkpoints deleted as no longer needed. */
  readonly checkpointBytesFreed: number;
  /** The incumbent's checkpoint (a file or folder that exists), where the trainer keeps checkpoints. */
  readonly checkpoint: string | undefined;
}

export interface DatasetSearchHooks {
  /** Once the study is open, before the first new step (a resumed study already holds steps). */
  readonly onStart?: (run: StudySnapshot) => void;
  /** After each recorded step (progress display). */
  readonly onStep?: (record: StepRecord, run: { readonly steps: number; readonly pool: StudySnapshot['pool'] }) => void;
  /** Every second while the search runs, with the clock reading (progress display). */
  readonly onTick?: (seconds: number) => void;
}

/**
 * A real search: data, pool and trainers, optimizer and study storage wired around the search loop, with
 * `--workers` trainers running steps at once. A new study is created where `--storage` (default: the run
 * directory's journal) says; `--resume` continues one after checking that this invocation is the same search.
 * Every step is durable before the optimizer learns of it; Ctrl-C stops cleanly.
 */
export async function runDatasetSearch(settings: DatasetSearchSettings, log: Logger, hooks: DatasetSearchHooks = {}): Promise<DatasetSearchOutcome> {
  const backend = await openStorage({ url: settings.storage, runDir: settings.runDir, ...(settings.study ? { study: settings.study } : {}) });
  try {
    const exists = await backend.exists();
    if (settings.resume && !exists) throw new InputError(`${backend.location}: no study to resume here (drop --resume to start one)`, 'study.missing');
    if (!settings.resume && exists) {
      throw new InputError(`${backend.location}: a study already exists here; add --resume to continue it, or choose another ${settings.study ? '--study' : '--run-dir'}`, 'study.exists');
    }
    const target = await resolveTarget(settings);
    const [method] = resolveMethods([settings.method], '--method');
    if (!method) throw new InternalError('no method resolved');
    const predictor = method.needsPredictor ? await loadSearchPredictor(settings.predictor) : undefined;
    const maxEpochs = settings.maxEpochs ?? predictor?.maxEpochs ?? DEFAULT_MAX_EPOCHS;
    const slotCount = Math.max(settings.workers, 1);
    const trainers: Trainer[] = [];
    try {
      for (let k = 0; k < slotCount; k++) trainers.push(await target.createTrainer(k, devicesOf(settings.gpus, k)));
      return await searchWith(backend, target, trainers, { settings, maxEpochs, method, predictor, log, hooks });
    } finally {
      await Promise.all(trainers.map((t) => t.close?.()));
    }
  } finally {
    await backend.close();
  }
}

/** The devices of slot k: --gpus handed out round robin, one per slot. */
export function devicesOf(gpus: readonly string[], slot: number): string[] {
  const gpu = gpus[slot % Math.max(gpus.length, 1)];
  return gpus.length === 0 || gpu === undefined ? [] : [gpu];
}

/** Worker ids of this process: host, pid and slot, unique within a study shared by many machines. */
export function workerIds(count: number): string[] {
  return Array.from({ length: count }, (_, k) => `${hostname()}:${process.pid}:${k + 1}`);
}

interface SearchParts {
  readonly settings: DatasetSearchSettings;
  readonly maxEpochs: number;
  readonly method: MethodDefinition;
  readonly predictor: Predictor | undefined;
  readonly log: Logger;
  readonly hooks: DatasetSearchHooks;
}

async function searchWith(backend: StudyBackend, target: SearchTarget, trainers: readonly Trainer[], parts: SearchParts): Promise<DatasetSearchOutcome> {
  const { settings, log, hooks, method } = parts;
  const first = trainers[0];
  if (!first) throw new InternalError('no trainer');
  const metaFeatures = await target.metaFeatures(first);
  const identity = {
    seed: settings.seed,
    dataset: target.dataset,
    spaceHash: target.spaceHash,
    trainer: first.describe(),
    optimizer: { name: method.name, settings: method.settings, ...(parts.predictor?.identity ? { predictor: parts.predictor.identity } : {}) },
    maxEpochs: parts.maxEpochs,
  };
  const budget = { seconds: settings.budgetSeconds, ...(settings.maxSteps === undefined ? {} : { maxSteps: settings.maxSteps }) };
  const ids = workerIds(settings.workers);
  const session = { role: 'search' as const, workers: ids, budget };
  const study = settings.resume
    ? await Study.open(backend, { ...session, identity })
    : await Study.create(backend, { ...session, identity, pool: target.pool, ...(target.space ? { space: target.space } : {}) });
  if (settings.workers === 0) {
    hooks.onStart?.(study.snapshot());
    await study.stop('created (workers run the steps)', study.snapshot().elapsedSeconds);
    return { run: study.snapshot(), stopReason: 'exhausted', seconds: 0, sessionSteps: 0, checkpointBytesFreed: 0, checkpoint: undefined };
  }
  const epochCost = method.needsPredictor ? await first.costModel?.() : undefined;
  const pool = study.snapshot().pool;
  const optimizer = method.create({
    pipelines: pool,
    state: study.state,
    maxEpochs: parts.maxEpochs,
    seed: settings.seed,
    metaFeatures,
    ...(parts.predictor ? { predictor: parts.predictor } : {}),
    ...(epochCost ? { epochCost } : {}),
    ...(target.defaultPipeline ? { defaultPipeline: target.defaultPipeline } : {}),
  });
  hooks.onStart?.(study.snapshot());
  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller, log);
  const clock = RealClock.fromOrigin(study.clockOrigin);
  const ticker = setInterval(() => hooks.onTick?.(clock.now()), 1000);
  ticker.unref();
  const dirOf = (configId: string): string => checkpointDir(settings.artifacts, configId);
  const keeper = first.checkpoints ? new CheckpointKeeper(first.checkpoints, dirOf, study.state) : undefined;
  const slots: WorkerSlot[] = trainers.map((trainer, k) => ({ id: ids[k] ?? `w${k + 1}`, trainer }));
  try {
    const outcome = await runSearchLoop({
      optimizer,
      study,
      slots,
      maxEpochs: parts.maxEpochs,
      clock,
      budgetSeconds: settings.budgetSeconds,
      ...(settings.maxSteps === undefined ? {} : { maxSteps: settings.maxSteps }),
      checkpointDir: dirOf,
      signal: controller.signal,
      onStep: async (record) => {
        await keeper?.afterStep(record);
        hooks.onStep?.(record, { steps: study.state.records.length, pool });
      },
    });
    await study.stop(outcome.stopReason, outcome.seconds);
    const best = outcome.incumbent;
    const checkpoint = best && first.checkpoints ? first.checkpoints.path(dirOf(best.configId), best.epoch) : undefined;
    return {
      checkpoint: checkpoint !== undefined && existsSync(checkpoint) ? checkpoint : undefined,
      run: study.snapshot(),
      stopReason: outcome.stopReason,
      seconds: outcome.seconds,
      sessionSteps: outcome.recorded,
      checkpointBytesFreed: keeper?.bytesFreed ?? 0,
    };
  } finally {
    clearInterval(ticker);
    removeHandlers();
    optimizer.dispose?.();
  }
}
