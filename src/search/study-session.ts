import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { StepRecord } from '../core/step.ts';
import { InternalError } from '../errors.ts';
import type { MethodDefinition } from '../optimizer/registry.ts';
import type { Predictor } from '../predictor/types.ts';
import { checkpointDir } from '../storage/registry.ts';
import type { RunBudget, StudySnapshot } from '../storage/types.ts';
import { CheckpointKeeper } from '../study/checkpoint-keeper.ts';
import { RealClock } from '../study/clock.ts';
import { runSearchLoop, type StopReason, type WorkerSlot } from '../study/search-loop.ts';
import type { Study } from '../study/study.ts';
import { slotCostModel } from '../trainers/slot-cost-model.ts';
import type { Trainer } from '../trainers/types.ts';
import { abortOnSignals } from './interrupt.ts';
import type { SearchTarget } from './search-target.ts';
import { tracedTrainer } from './traced-trainer.ts';

/** What one session of a study (a search, or a worker that joined it) did. */
export interface StudySessionOutcome {
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

export interface StudySessionHooks {
  /** Once the study is open, before the first new step (a resumed study already holds steps). */
  readonly onStart?: (run: StudySnapshot) => void;
  /** After each recorded step (progress display). */
  readonly onStep?: (record: StepRecord, run: { readonly steps: number; readonly pool: StudySnapshot['pool'] }) => void;
  /** Every second while the search runs, with the clock reading (progress display). */
  readonly onTick?: (seconds: number) => void;
}

/** Everything a session runs with, once its study is open and its trainers exist. */
export interface StudySessionParts {
  readonly study: Study;
  readonly target: SearchTarget;
  /** One trainer per worker slot, in the order of `workerIds`. */
  readonly trainers: readonly Trainer[];
  readonly workerIds: readonly string[];
  readonly method: MethodDefinition;
  readonly predictor: Predictor | undefined;
  readonly maxEpochs: number;
  /** The optimizer's seed (each worker process of a shared study has its own). */
  readonly seed: number;
  /** The study's stopping rule, on the study's clock. */
  readonly budget: RunBudget;
  /** Where pipelines' checkpoints go (a folder every worker can read). */
  readonly artifacts: string;
  readonly log: Logger;
  readonly hooks: StudySessionHooks;
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

/**
 * Runs `use` with `count` trainers of `target` (one per slot, each with its devices), closing them afterwards
 * whatever happens. `first`, when given, is the first slot's trainer, made earlier (to check it against a study).
 */
export async function withTrainers<T>(
  target: SearchTarget,
  count: number,
  gpus: readonly string[],
  use: (trainers: readonly Trainer[]) => Promise<T>,
  first?: Trainer,
): Promise<T> {
  const trainers: Trainer[] = first ? [first] : [];
  try {
    for (let k = trainers.length; k < count; k++) trainers.push(await target.createTrainer(k, devicesOf(gpus, k)));
    return await use(trainers);
  } finally {
    await Promise.all(trainers.map((t) => t.close?.()));
  }
}

/**
 * One session of a study on this machine: the optimizer built for the study's pool, the search loop over the
 * session's worker slots on the study's clock, checkpoints kept or pruned, Ctrl-C or SIGTERM turned into a
 * clean stop, and the session's stop recorded. `search` and `worker` both run their steps through it.
 */
export async function runStudySession(parts: StudySessionParts): Promise<StudySessionOutcome> {
  const { study, target, method, hooks, log } = parts;
  const first = parts.trainers[0];
  if (!first) throw new InternalError('no trainer');
  const metaFeatures = await target.metaFeatures(first);
  const pool = study.snapshot().pool;
  // NOTE: the cost model may time probes per model (seconds each): only the pool's models are worth measuring.
  const models = [...new Set(pool.map((p) => String(p.config.model)))];
  const epochCost = method.needsPredictor ? await slotCostModel(parts.trainers, { models }) : undefined;
  // NOTE: a worker's target builds its own pool; its default pipeline counts only where the study's pool has it.
  const defaultPipeline = target.defaultPipeline !== undefined && pool.some((p) => p.id === target.defaultPipeline) ? target.defaultPipeline : undefined;
  const optimizer = method.create({
    pipelines: pool,
    state: study.state,
    maxEpochs: parts.maxEpochs,
    seed: parts.seed,
    metaFeatures,
    ...(parts.predictor ? { predictor: parts.predictor } : {}),
    ...(epochCost ? { epochCost } : {}),
    ...(defaultPipeline ? { defaultPipeline } : {}),
    correctScores: !target.curvesLikeMetaTraining,
  });
  hooks.onStart?.(study.snapshot());
  const controller = new AbortController();
  const removeHandlers = abortOnSignals(controller, log);
  const clock = RealClock.fromOrigin(study.clockOrigin);
  const ticker = setInterval(() => hooks.onTick?.(clock.now()), 1000);
  ticker.unref();
  const dirOf = (configId: string): string => checkpointDir(parts.artifacts, configId);
  const keeper = first.checkpoints ? new CheckpointKeeper(first.checkpoints, dirOf, study.state) : undefined;
  const slots: WorkerSlot[] = parts.trainers.map((trainer, k) => {
    const id = parts.workerIds[k] ?? `w${k + 1}`;
    return { id, trainer: tracedTrainer(trainer, id, log) };
  });
  try {
    const outcome = await runSearchLoop({
      optimizer,
      study,
      slots,
      maxEpochs: parts.maxEpochs,
      clock,
      ...(parts.budget.seconds === undefined ? {} : { budgetSeconds: parts.budget.seconds }),
      ...(parts.budget.maxSteps === undefined ? {} : { maxSteps: parts.budget.maxSteps }),
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
