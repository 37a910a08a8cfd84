import type { MetaTask } from '../metadata/types.ts';
import type { OptimizerContext } from '../optimizer/context.ts';
import type { MethodDefinition } from '../optimizer/registry.ts';
import type { Predictor } from '../predictor/types.ts';
import { SimulatedClock } from '../study/clock.ts';
import { runSearchLoop, type StopReason } from '../study/search-loop.ts';
import type { StepRecord } from '../study/types.ts';
import { pipelinesOf, ReplayTrainer } from '../trainers/replay.ts';
import type { Trajectory } from './regret.ts';

export interface ReplaySearchOptions {
  readonly task: MetaTask;
  readonly maxEpochs: number;
  readonly method: MethodDefinition;
  readonly seed: number;
  readonly budgetSeconds: number;
  readonly maxSteps?: number;
  /** Required when the method needs one. */
  readonly predictor?: Predictor;
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
  readonly trainingSeconds: number;
  readonly overheadSeconds: number;
  readonly stopReason: StopReason;
  readonly optimizer: Readonly<Record<string, unknown>>;
}

/**
 * One simulated search on a meta-dataset task: the production loop with the replay trainer and a simulated
 * clock that adds the optimizer's own measured time to the recorded training seconds.
 */
export async function runReplaySearch(options: ReplaySearchOptions): Promise<ReplaySearchResult> {
  const { task, method } = options;
  const pipelines = pipelinesOf(task);
  const context: OptimizerContext = {
    pipelines,
    maxEpochs: options.maxEpochs,
    seed: options.seed,
    metaFeatures: task.metaFeatures,
    ...(options.predictor ? { predictor: options.predictor } : {}),
  };
  const clock = new SimulatedClock({ countOverhead: options.countOverhead ?? true });
  // NOTE: building a model-based optimizer (binding the predictor to the pool) is the optimizer's time too.
  const built = performance.now();
  const optimizer = method.create(context);
  clock.chargeOverhead((performance.now() - built) / 1000);
  const setupSeconds = clock.overheadSeconds;
  try {
    const outcome = await runSearchLoop({
      optimizer,
      trainer: new ReplayTrainer(task),
      pipelines,
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
  }
}
