import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { InputError, InternalError, UsageError } from '../errors.ts';
import { resolveMethods } from '../optimizer/registry.ts';
import { identityDifferences } from '../storage/header-check.ts';
import { readStudy } from '../storage/load-run.ts';
import { openStorage } from '../storage/registry.ts';
import type { RunHeader, RunIdentity } from '../storage/types.ts';
import { Study } from '../study/study.ts';
import { TRAINERS } from '../trainers/index.ts';
import { loadSearchPredictor } from './search-predictor.ts';
import { resolveTarget, type TargetSettings } from './search-target.ts';
import { devicesOf, runStudySession, withTrainers, workerIds, type StudySessionHooks, type StudySessionOutcome } from './study-session.ts';
import type { WorkerSettings } from './worker-settings.ts';

export interface WorkerOutcome extends StudySessionOutcome {
  /** Where the study lives (password redacted). */
  readonly location: string;
  /** This worker's session number in the study. */
  readonly session: number;
}

/**
 * `quicktune worker`: joins a study in shared storage and runs its steps until the study's budget, its step
 * limit or its pool is exhausted. The search target is built from this machine's flags, defaulting to what the
 * study recorded; a worker whose data (fingerprint), trainer or predictor differ from the study's is refused,
 * one line per difference, before it runs anything. The method is the study's, with a seed of this worker's own.
 */
export async function runWorker(settings: WorkerSettings, log: Logger, hooks: StudySessionHooks = {}): Promise<WorkerOutcome> {
  const backend = await openStorage({ url: settings.storage, study: settings.study });
  try {
    const { header } = await readStudy(backend);
    const target = await resolveTarget(targetSettingsOf(settings, header));
    const methodName = typeof header.optimizer.name === 'string' ? header.optimizer.name : undefined;
    if (methodName === undefined) throw new InputError(`${backend.location}: the study records no search method`, 'run.corrupt');
    const [method] = resolveMethods([methodName], "the study's method");
    if (!method) throw new InternalError('no method resolved');
    const predictor = method.needsPredictor ? await loadSearchPredictor(settings.predictor) : undefined;
    const first = await target.createTrainer(0, devicesOf(settings.gpus, 0));
    const identity: RunIdentity = {
      seed: header.seed,
      dataset: target.dataset,
      spaceHash: header.spaceHash,
      trainer: first.describe(),
      optimizer: { name: method.name, settings: method.settings, ...(predictor?.identity ? { predictor: predictor.identity } : {}) },
      maxEpochs: header.maxEpochs,
    };
    const differences = identityDifferences(header, identity);
    if (differences.length > 0) {
      await first.close?.();
      throw new InputError(differences.map((d) => `${backend.location}: cannot join the study: ${d}`), 'run.mismatch');
    }
    return await withTrainers(
      target,
      settings.workers,
      settings.gpus,
      async (trainers) => {
        const ids = workerIds(settings.workers);
        const study = await Study.open(backend, { role: 'worker', workers: ids, budget: {}, identity });
        const outcome = await runStudySession({
          study,
          target,
          trainers,
          workerIds: ids,
          method,
          predictor,
          maxEpochs: header.maxEpochs,
          seed: workerSeed(header.seed, study.session),
          budget: study.snapshot().budget,
          artifacts: settings.artifacts,
          log,
          hooks,
        });
        return { ...outcome, location: backend.location, session: study.session };
      },
      first,
    );
  } finally {
    await backend.close();
  }
}

/**
 * The optimizer seed of one worker session: derived from the study's seed and the session number, so that
 * workers do not all draw alike (same-seeded optimizers would propose the same pipelines), yet a study's
 * sessions are reproducible from its journal.
 */
export function workerSeed(studySeed: number, session: number): number {
  return createHash('sha256').update(`quicktune worker ${studySeed} ${session}`).digest().readUInt32BE(0) & 0x7fffffff;
}

/**
 * The study's trainer, where it is a built-in one. NOTE: a module path or a command is never taken from the
 * database: whoever can write there must not choose what a worker's machine runs.
 */
function recordedTrainer(header: RunHeader): string | undefined {
  const name = header.trainer.name ?? header.trainer.trainer;
  return typeof name === 'string' && (TRAINERS.has(name) || name === 'replay') ? name : undefined;
}

/** What the worker's target is built from: its flags, else the study's header. */
export function targetSettingsOf(settings: WorkerSettings, header: RunHeader): TargetSettings {
  const trainer = settings.trainer ?? (settings.metadataset !== undefined ? 'replay' : recordedTrainer(header));
  if (trainer === undefined) throw new UsageError('--trainer: the study does not use a built-in trainer; give --trainer (a module path) on every worker');
  const common = { trainer, space: undefined, seed: header.seed, runDir: settings.workDir };
  if (trainer === 'replay') {
    // NOTE: a replay study records its data as <meta-dataset folder>#<task>.
    const cut = header.dataset.path.lastIndexOf('#');
    const metadataset = settings.metadataset ?? (cut > 0 ? header.dataset.path.slice(0, cut) : undefined);
    const task = settings.task ?? (cut > 0 ? header.dataset.path.slice(cut + 1) : undefined);
    if (metadataset === undefined || task === undefined) throw new UsageError('--trainer replay needs --metadataset DIR and --task DS (the study does not record them)');
    return { ...common, dataset: '', trainerCmd: undefined, stepTimeoutSeconds: undefined, replay: { metadataset, task, timeScale: settings.timeScale ?? 1 } };
  }
  if (trainer === 'command' && settings.trainerCmd === undefined) {
    throw new UsageError("--trainer-cmd: the study uses the command trainer; give this machine's command (the study's must match; a worker never runs a command read from the database)");
  }
  const recordedTimeout = typeof header.trainer.timeout_s === 'number' ? header.trainer.timeout_s : undefined;
  return {
    ...common,
    dataset: settings.dataset ?? header.dataset.path,
    trainerCmd: settings.trainerCmd,
    stepTimeoutSeconds: settings.stepTimeoutSeconds ?? recordedTimeout,
    replay: undefined,
  };
}
