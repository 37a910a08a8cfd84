import type { StepRecord } from '../core/step.ts';
import { InternalError, UsageError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import type { MetaDataset } from '../metadata/types.ts';
import type { MethodDefinition } from '../optimizer/registry.ts';
import type { PredictorSource } from './predictor-source.ts';
import { runReplaySearch } from './replay-search.ts';
import { mismatch, type RunKey, type RunResult } from './run-result.ts';
import type { RunStore } from './run-store.ts';

export interface BenchmarkPlan {
  readonly metaDataset: MetaDataset;
  /** Tasks to run, in the order to run them (fold by fold when predictors are fold-wise). */
  readonly tasks: readonly string[];
  readonly methods: readonly MethodDefinition[];
  /** Seeds 0..seeds-1 per method and task. */
  readonly seeds: number;
  /** Asynchronous simulated workers per search (default 1). */
  readonly workers?: number;
  /** Budgets in seconds; every search runs to the largest and is evaluated at each. */
  readonly budgets: readonly number[];
  /** Required when a method needs a predictor. */
  readonly predictors?: PredictorSource;
  /** Where finished runs are stored and looked up (reused when they match). */
  readonly store?: RunStore;
  /** Called after each run, reused or new. */
  readonly onRun?: (done: number, total: number, run: RunResult, reused: boolean) => void;
}

export interface BenchmarkRuns {
  readonly runs: RunResult[];
  readonly reused: number;
  readonly ran: number;
}

const log = getLogger('benchmark');

/** Steps running at once at most (from their start and finish times) and (pipeline, epoch) recorded twice. */
export function auditParallel(records: readonly StepRecord[]): { max_running: number; duplicate_steps: number } {
  const keys = new Set<string>();
  let duplicates = 0;
  const events: Array<[number, number]> = [];
  for (const record of records) {
    const key = `${record.configId}\u0000${record.epoch}`;
    if (record.status === 'ok' && keys.has(key)) duplicates++;
    keys.add(key);
    events.push([record.startedAt ?? record.finishedAt - record.seconds, 1], [record.finishedAt, -1]);
  }
  // NOTE: at equal times a finish comes before a start: a worker that finishes and starts again is one step.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let most = 0;
  for (const [, delta] of events) {
    running += delta;
    most = Math.max(most, running);
  }
  return { max_running: most, duplicate_steps: duplicates };
}

/**
 * Runs every method × task × seed replay search of the plan, reusing stored runs that match, storing each new
 * one as soon as it ends. Each search runs to the largest budget; regret at the smaller ones comes from its
 * trajectory.
 */
export async function runBenchmark(plan: BenchmarkPlan): Promise<BenchmarkRuns> {
  const budgetSeconds = Math.max(...plan.budgets);
  if (!Number.isFinite(budgetSeconds) || budgetSeconds <= 0) throw new UsageError('--budgets: at least one positive budget is needed');
  const needsPredictor = plan.methods.some((m) => m.needsPredictor);
  if (needsPredictor && plan.predictors === undefined) throw new InternalError('model-based methods need a predictor source');
  const total = plan.tasks.length * plan.methods.length * plan.seeds;
  const workers = plan.workers ?? 1;
  const runs: RunResult[] = [];
  let reused = 0;
  let ran = 0;
  for (const taskName of plan.tasks) {
    const task = plan.metaDataset.tasks.get(taskName);
    if (task === undefined) throw new InternalError(`task '${taskName}' is not in the meta-dataset`);
    for (const method of plan.methods) {
      const predictorTag = method.needsPredictor ? (plan.predictors?.tagFor(taskName, method.metaLearned) ?? 'none') : 'none';
      for (let seed = 0; seed < plan.seeds; seed++) {
        const key: RunKey = {
          method: method.name,
          methodSettings: method.settings,
          task: taskName,
          seed,
          workers,
          budgetSeconds,
          metadatasetHash: plan.metaDataset.contentHash,
          predictor: predictorTag,
        };
        const stored = await plan.store?.read(method.name, taskName, seed, workers);
        const why = stored && mismatch(stored, key);
        if (stored && why === undefined) {
          runs.push(stored);
          reused++;
          plan.onRun?.(runs.length, total, stored, true);
          continue;
        }
        if (stored) log.info({ method: method.name, task: taskName, seed, why }, 'stored run does not match; running it again');
        const predictor = method.needsPredictor ? await plan.predictors?.forTask(taskName) : undefined;
        const wallStart = performance.now();
        const result = await runReplaySearch({
          task,
          maxEpochs: plan.metaDataset.maxEpochs,
          method,
          seed,
          workers,
          budgetSeconds,
          ...(predictor ? { predictor } : {}),
        });
        const run: RunResult = {
          version: 1,
          method: method.name,
          method_settings: { ...method.settings },
          task: taskName,
          seed,
          ...(workers > 1 ? { workers } : {}),
          budget_seconds: budgetSeconds,
          metadataset: { name: plan.metaDataset.name, hash: plan.metaDataset.contentHash },
          predictor: predictorTag,
          steps: result.records.length,
          seconds: result.seconds,
          training_seconds: result.trainingSeconds,
          overhead_seconds: result.overheadSeconds,
          stop_reason: result.stopReason,
          y_best: task.yBest,
          y_worst: task.yWorst,
          incumbent: result.incumbent
            ? { config_id: result.incumbent.configId, epoch: result.incumbent.epoch, score: result.incumbent.score }
            : null,
          trajectory: result.trajectory.map(([t, y]) => [t, y] as [number, number]),
          wall_seconds: (performance.now() - wallStart) / 1000,
          parallel: auditParallel(result.records),
        };
        await plan.store?.write(run);
        runs.push(run);
        ran++;
        log.debug({ method: method.name, task: taskName, seed, steps: run.steps, overhead_s: run.overhead_seconds }, 'run finished');
        plan.onRun?.(runs.length, total, run, false);
      }
    }
  }
  return { runs, reused, ran };
}
