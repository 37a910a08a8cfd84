import { z } from 'zod';

/**
 * One finished (method, task, seed) replay search as the benchmark stores it under `--out`: enough to compute
 * regret at any budget up to `budget_seconds` without re-running, and to tell whether it can be reused.
 */
export const RunResultSchema = z.object({
  version: z.literal(1),
  method: z.string(),
  /** The method's settings: a stored run is reused only if they are unchanged. */
  method_settings: z.record(z.string(), z.unknown()),
  task: z.string(),
  seed: z.number().int(),
  /** Asynchronous simulated workers (absent: 1). */
  workers: z.number().int().positive().optional(),
  /** The simulated budget the search ran to (the largest of the benchmark's budgets). */
  budget_seconds: z.number().positive(),
  metadataset: z.object({ name: z.string(), hash: z.string() }),
  /** Which predictor the search used ('none' for methods without one). */
  predictor: z.string(),
  steps: z.number().int().nonnegative(),
  seconds: z.number().nonnegative(),
  training_seconds: z.number().nonnegative(),
  overhead_seconds: z.number().nonnegative(),
  stop_reason: z.enum(['budget', 'max-steps', 'exhausted', 'aborted']),
  y_best: z.number(),
  y_worst: z.number(),
  incumbent: z.object({ config_id: z.string(), epoch: z.number().int(), score: z.number() }).nullable(),
  /** [seconds, best score so far] at each improvement. */
  trajectory: z.array(z.tuple([z.number(), z.number()])),
  /** Wall seconds the search took on this machine (for planning, not for the protocol). */
  wall_seconds: z.number().nonnegative(),
  /** What the search did in parallel: steps running at once at most, and (pipeline, epoch) recorded twice. */
  parallel: z.object({ max_running: z.number().int().nonnegative(), duplicate_steps: z.number().int().nonnegative() }).optional(),
});

export type RunResult = z.infer<typeof RunResultSchema>;

/** What a stored run must match to be reused. */
export interface RunKey {
  readonly method: string;
  readonly methodSettings: Readonly<Record<string, unknown>>;
  readonly task: string;
  readonly seed: number;
  readonly workers: number;
  readonly budgetSeconds: number;
  readonly metadatasetHash: string;
  readonly predictor: string;
}

/** Why `stored` cannot stand for a run with `key`, or undefined when it can. */
export function mismatch(stored: RunResult, key: RunKey): string | undefined {
  if (stored.method !== key.method || stored.task !== key.task || stored.seed !== key.seed) return 'another run';
  if ((stored.workers ?? 1) !== key.workers) return 'another number of workers';
  if (stored.metadataset.hash !== key.metadatasetHash) return 'another meta-dataset';
  if (stored.predictor !== key.predictor) return `another predictor (${stored.predictor})`;
  if (stableJson(stored.method_settings) !== stableJson(key.methodSettings)) return 'other method settings';
  // NOTE: a search that ran longer (or used up the whole pool) covers every shorter budget.
  if (stored.budget_seconds < key.budgetSeconds && stored.stop_reason !== 'exhausted') return 'a shorter budget';
  return undefined;
}

/** JSON with object keys sorted, so that equal settings compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
