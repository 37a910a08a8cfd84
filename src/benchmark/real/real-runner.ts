import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { QuickTuneError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import { runDatasetSearch, type DatasetSearchOutcome } from '../../search/dataset-search.ts';
import type { DatasetSearchSettings } from '../../search/search-settings.ts';
import type { BenchmarkSplit } from './split-folder.ts';

/** Scores a finished search's incumbent checkpoint on the test folder. */
export type TestScorer = (outcome: DatasetSearchOutcome, runDir: string, testDir: string) => Promise<{ readonly accuracy: number; readonly images: number }>;

/** One (method, budget, seed) search of the real-image benchmark, as stored next to its run directory. */
export const RealRunSchema = z.object({
  version: z.literal(1),
  method: z.string(),
  budget_seconds: z.number().positive(),
  seed: z.number().int(),
  /** Test accuracy of the incumbent's checkpoint; null when the search found no pipeline (or lost its checkpoint). */
  test_accuracy: z.number().nullable(),
  test_images: z.number().int().nonnegative(),
  /** The incumbent's validation score. */
  val_score: z.number().nullable(),
  incumbent: z.object({ config_id: z.string(), model: z.string(), epoch: z.number().int() }).nullable(),
  steps: z.number().int().nonnegative(),
  failed_steps: z.number().int().nonnegative(),
  pipelines: z.number().int().nonnegative(),
  /** Clock seconds at the end: the budget plus the step running when it ran out. */
  seconds: z.number().nonnegative(),
  stop_reason: z.string(),
  /** predicted / measured seconds of every ok step the optimizer predicted, in the order they ran. */
  cost_ratios: z.array(z.number()),
  settings: z.record(z.string(), z.unknown()),
});
export type RealRun = z.infer<typeof RealRunSchema>;

export interface RealBenchmarkPlan {
  readonly split: BenchmarkSplit;
  readonly out: string;
  readonly methods: readonly string[];
  /** Wall-clock budgets in seconds: each is a search of its own. */
  readonly budgets: readonly number[];
  readonly seeds: number;
  /** Everything a search needs besides dataset, method, budget, seed and run directory. */
  readonly search: Omit<DatasetSearchSettings, 'dataset' | 'method' | 'budgetSeconds' | 'seed' | 'runDir' | 'artifacts' | 'resume'>;
  readonly score: TestScorer;
  readonly log: Logger;
  readonly onRun?: (done: number, total: number, run: RealRun, reused: boolean) => void;
}

const log = () => getLogger('benchmark');

/**
 * Runs every (seed, budget, method) search on the split's search folder, one after the other (interleaving
 * the methods, so they meet the same machine), and scores each incumbent on the test folder. A stored result
 * with the same settings is reused; an unfinished run directory (an interrupted benchmark) is started again,
 * since a wall-clock search cannot be resumed fairly.
 */
export async function runRealBenchmark(plan: RealBenchmarkPlan): Promise<RealRun[]> {
  const runs: RealRun[] = [];
  const total = plan.seeds * plan.budgets.length * plan.methods.length;
  for (let seed = 0; seed < plan.seeds; seed++) {
    for (const budget of plan.budgets) {
      for (const method of plan.methods) {
        const runDir = join(plan.out, 'runs', method, `${Math.round(budget)}s`, `seed-${seed}`);
        const settings = settingsKey(plan, method, budget, seed);
        const stored = await readResult(join(runDir, 'result.json'));
        if (stored && JSON.stringify(stored.settings) === JSON.stringify(settings)) {
          runs.push(stored);
          plan.onRun?.(runs.length, total, stored, true);
          continue;
        }
        await rm(runDir, { recursive: true, force: true });
        await mkdir(join(runDir, '..'), { recursive: true });
        const outcome = await runDatasetSearch(
          { ...plan.search, dataset: plan.split.search, method, budgetSeconds: budget, seed, runDir, artifacts: runDir, resume: false },
          plan.log,
        );
        if (outcome.stopReason === 'aborted') {
          // NOTE: an interrupted search is not a result: nothing is stored, so the next run of the benchmark
          // starts it again (the finished ones are reused).
          throw new QuickTuneError('benchmark.interrupted', `${runDir}: the benchmark was interrupted; run it again to go on (finished searches are kept)`, 130);
        }
        const run = await resultOf(outcome, plan, method, budget, seed, runDir, settings);
        await writeFile(join(runDir, 'result.json'), `${JSON.stringify(run)}\n`);
        runs.push(run);
        log().info({ method, budget, seed, test_accuracy: run.test_accuracy, steps: run.steps }, 'real-image run finished');
        plan.onRun?.(runs.length, total, run, false);
      }
    }
  }
  return runs;
}

function settingsKey(plan: RealBenchmarkPlan, method: string, budget: number, seed: number): Record<string, unknown> {
  return { method, budget, seed, trainer: plan.search.trainer, trainerCmd: plan.search.trainerCmd ?? null, space: plan.search.space ?? null, workers: plan.search.workers, test: plan.split.images };
}

async function resultOf(
  outcome: DatasetSearchOutcome,
  plan: RealBenchmarkPlan,
  method: string,
  budget: number,
  seed: number,
  runDir: string,
  settings: Record<string, unknown>,
): Promise<RealRun> {
  const steps = outcome.run.steps;
  let best: (typeof steps)[number] | undefined;
  for (const step of steps) if (step.status === 'ok' && step.score !== null && (best === undefined || step.score > (best.score ?? -1))) best = step;
  const model = best && outcome.run.pool.find((p) => p.id === best.configId)?.config.model;
  let test: { accuracy: number; images: number } | undefined;
  if (best) {
    try {
      test = await plan.score(outcome, runDir, plan.split.test);
    } catch (error) {
      log().warn({ method, budget, seed, err: error instanceof Error ? error.message : String(error) }, 'the incumbent could not be scored on the test split');
    }
  }
  return {
    version: 1,
    method,
    budget_seconds: budget,
    seed,
    test_accuracy: test?.accuracy ?? null,
    test_images: test?.images ?? 0,
    val_score: best?.score ?? null,
    incumbent: best ? { config_id: best.configId, model: model ?? '?', epoch: best.epoch } : null,
    steps: steps.length,
    failed_steps: steps.filter((s) => s.status === 'failed').length,
    pipelines: new Set(steps.map((s) => s.configId)).size,
    seconds: outcome.seconds,
    stop_reason: outcome.stopReason,
    cost_ratios: steps.filter((s) => s.status === 'ok' && s.predictedSeconds !== undefined && s.seconds > 0).map((s) => (s.predictedSeconds ?? 0) / s.seconds),
    settings,
  };
}

async function readResult(file: string): Promise<RealRun | undefined> {
  try {
    const parsed = RealRunSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
