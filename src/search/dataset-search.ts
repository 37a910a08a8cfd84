import type { Logger } from 'pino';
import { InputError, InternalError } from '../errors.ts';
import { resolveMethods, type MethodDefinition } from '../optimizer/registry.ts';
import type { Predictor } from '../predictor/types.ts';
import { openStorage } from '../storage/registry.ts';
import type { StudyBackend } from '../storage/types.ts';
import { Study } from '../study/study.ts';
import type { Trainer } from '../trainers/types.ts';
import { loadSearchPredictor } from './search-predictor.ts';
import type { DatasetSearchSettings } from './search-settings.ts';
import { resolveTarget, type SearchTarget } from './search-target.ts';
import { runStudySession, withTrainers, workerIds, type StudySessionHooks, type StudySessionOutcome } from './study-session.ts';

/** T when neither a predictor nor QUICKTUNE_MAX_EPOCHS sets it: the paper's 50 epochs. */
export const DEFAULT_MAX_EPOCHS = 50;

/** What a search did (the study at its end, why it stopped, its checkpoint). */
export type DatasetSearchOutcome = StudySessionOutcome;

export type DatasetSearchHooks = StudySessionHooks;

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
    return await withTrainers(target, Math.max(settings.workers, 1), settings.gpus, (trainers) =>
      searchWith(backend, target, trainers, { settings, maxEpochs, method, predictor, log, hooks }),
    );
  } finally {
    await backend.close();
  }
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
  return runStudySession({
    study,
    target,
    trainers,
    workerIds: ids,
    method,
    predictor: parts.predictor,
    maxEpochs: parts.maxEpochs,
    seed: settings.seed,
    budget,
    artifacts: settings.artifacts,
    log,
    hooks,
  });
}
