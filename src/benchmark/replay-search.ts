import type { StepRecord } from '../core/step.ts';
import type { MetaTask } from '../metadata/types.ts';
import type { MethodDefinition } from '../optimizer/registry.ts';
import type { Predictor } from '../predictor/types.ts';
import { MemoryBackend } from '../storage/backends/memory.ts';
import { SimulatedClock } from '../study/clock.ts';
import { runSearchLoop, type StopReason } from '../study/search-loop.ts';
import { Study } from '../study/study.ts';
import { pipelinesOf, ReplayTrainer } from '../trainers/replay.ts';
import type { Trajectory } from './regret.ts';

export interface ReplaySearchOptions {
  readonly task: MetaTask;
  readonly maxEpochs: number;
  readonly method: MethodDefinition;
  readonly seed: number;
  readonly budgetSeconds: number;
  readonly maxSteps?: number;
  /** Asynchronous simulated workers (default 1): each runs one step at a time on the simulated clock. */
  readonly workers?: number;
  /** Required when the method needs one. */
  readonly predictor?: Predictor;
  /** The pipeline the `default` method trains (a replay has no trainer default of its own). */
  readonly defaultPipeline?: string;
  /** Add the optimizer's wall time to the simulated clock (the protocol; default true). */
  readonly countOverhead?: boolean;
  readonly onStep?: (record: StepRecord) => void | Promise<void>;
  readonly signal?: AbortSignal;
}

export interface ReplaySearchResult {
  readonly records: readonly StepRecord[];
  readonly trajectory: Trajectory;
  readonly incumbent: { readonly configId: string; readonly epoch: number; readonly score: number } | undefined;
  /** Simulated seconds at the end (training + overhead where counted). */
  readonly seconds: number;
  /** Training seconds of every step, all workers together. */
  readonly trainingSeconds: number;
  readonly overheadSeconds: number;
  readonly stopReason: StopReason;
  readonly optimizer: Readonly<Record<string, unknown>>;
}

/**
 * One simulated search on a meta-dataset task: the production loop and study (in memory) with the replay
 * trainer and a simulated event clock on which each of the N workers finishes at its own time, and the
 * optimizer's own measured time is charged to the worker that asked.
 */
export async function runReplaySearch(options: ReplaySearchOptions): Promise<ReplaySearchResult> {
  const { task, method } = options;
  const pipelines = pipelinesOf(task);
  const workers = options.workers ?? 1;
  const study = await Study.create(new MemoryBackend(`memory://${task.name}`), {
    identity: {
      seed: options.seed,
      dataset: { path: task.name, fingerprint: task.name },
      spaceHash: 'replay',
      trainer: { name: 'replay', task: task.name },
      optimizer: { name: method.name, settings: method.settings },
      maxEpochs: options.maxEpochs,
    },
    pool: pipelines,
    role: 'search',
    workers: Array.from({ length: workers }, (_, k) => `w${k + 1}`),
    budget: { seconds: options.budgetSeconds, ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }) },
  });
  const clock = new SimulatedClock({ countOverhead: options.countOverhead ?? true });
  // NOTE: building a model-based optimizer (binding the predictor to the pool) is the optimizer's time too.
  const built = performance.now();
  const optimizer = method.create({
    pipelines,
    state: study.state,
    maxEpochs: options.maxEpochs,
    seed: options.seed,
    metaFeatures: task.metaFeatures,
    ...(options.predictor ? { predictor: options.predictor } : {}),
    ...(options.defaultPipeline ? { defaultPipeline: options.defaultPipeline } : {}),
  });
  clock.chargeOverhead((performance.now() - built) / 1000, 0);
  const setupSeconds = clock.overheadSeconds;
  const trainer = new ReplayTrainer(task);
  try {
    const outcome = await runSearchLoop({
      optimizer,
      study,
      slots: Array.from({ length: workers }, (_, k) => ({ id: `w${k + 1}`, trainer })),
      maxEpochs: options.maxEpochs,
      clock,
      budgetSeconds: options.budgetSeconds,
      ...(options.maxSteps === undefined ? {} : { maxSteps: options.maxSteps }),
      ...(options.onStep ? { onStep: options.onStep } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      records: outcome.records,
      trajectory: outcome.trajectory,
      incumbent: outcome.incumbent,
      seconds: outcome.seconds,
      trainingSeconds: clock.trainingSeconds,
      overheadSeconds: outcome.overheadSeconds + setupSeconds,
      stopReason: outcome.stopReason,
      optimizer: optimizer.describe(),
    };
  } finally {
    optimizer.dispose?.();
    await study.close();
  }
}
