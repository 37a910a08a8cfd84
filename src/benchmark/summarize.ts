import { normalizedRegret } from './regret.ts';
import type { RunResult } from './run-result.ts';

/** One method's results, per budget (docs/cli.md `benchmark --json`). */
export interface MethodSummary {
  /** Mean normalized regret over tasks and seeds. */
  readonly regret: number[];
  /** Standard error of that mean across tasks (each task averaged over its seeds first). */
  readonly stderr: number[];
  /** Mean rank among the methods (1 = best), over tasks and seeds; ties share the average rank. */
  readonly rank: number[];
  /** Mean optimizer seconds per search (ask, tell, refits), counted on the simulated clock. */
  readonly overhead_seconds: number;
}

export interface BenchmarkSummary {
  readonly budgets: number[];
  readonly methods: Record<string, MethodSummary>;
  readonly tasks: string[];
  readonly seeds: number;
}

/**
 * Aggregates runs (every method × task × seed present) into regret, standard error and rank per budget.
 * A (task, seed) enters the ranks only where every method has a run for it.
 */
export function summarize(
  runs: readonly RunResult[],
  methods: readonly string[],
  tasks: readonly string[],
  seeds: readonly number[],
  budgets: readonly number[],
): BenchmarkSummary {
  const regretOf = (run: RunResult): number[] =>
    budgets.map((b) => normalizedRegret(run.trajectory, b, run.y_best, run.y_worst));
  const index = new Map<string, number[]>();
  for (const run of runs) index.set(`${run.method}\u0000${run.task}\u0000${run.seed}`, regretOf(run));
  const lookup = (method: string, task: string, seed: number): number[] | undefined =>
    index.get(`${method}\u0000${task}\u0000${seed}`);

  const rankSums = new Map(methods.map((m) => [m, budgets.map(() => 0)]));
  let rankCount = 0;
  for (const task of tasks) {
    for (const seed of seeds) {
      const rows = methods.map((m) => lookup(m, task, seed));
      if (rows.some((r) => r === undefined)) continue;
      rankCount++;
      budgets.forEach((_, k) => {
        const ranks = averageRanks(rows.map((r) => r?.[k] ?? 1));
        methods.forEach((m, j) => {
          const sums = rankSums.get(m);
          if (sums) sums[k] = (sums[k] ?? 0) + (ranks[j] ?? 0);
        });
      });
    }
  }

  const out: Record<string, MethodSummary> = {};
  for (const method of methods) {
    const mine = runs.filter((r) => r.method === method);
    const perTask = tasks
      .map((task) => seeds.map((seed) => lookup(method, task, seed)).filter((r): r is number[] => r !== undefined))
      .filter((rows) => rows.length > 0)
      .map((rows) => budgets.map((_, k) => mean(rows.map((r) => r[k] ?? 1))));
    const all = tasks.flatMap((task) => seeds.map((seed) => lookup(method, task, seed))).filter((r): r is number[] => r !== undefined);
    out[method] = {
      regret: budgets.map((_, k) => mean(all.map((r) => r[k] ?? 1))),
      stderr: budgets.map((_, k) => standardError(perTask.map((r) => r[k] ?? 1))),
      rank: budgets.map((_, k) => (rankCount > 0 ? (rankSums.get(method)?.[k] ?? 0) / rankCount : Number.NaN)),
      overhead_seconds: mean(mine.map((r) => r.overhead_seconds)),
    };
  }
  return { budgets: [...budgets], methods: out, tasks: [...tasks], seeds: seeds.length };
}

/** Ranks (1 = lowest value), ties sharing the average of their positions. */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length).fill(0);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]?.[0] === order[start]?.[0]) end++;
    const shared = (start + end) / 2 + 1;
    for (let p = start; p <= end; p++) ranks[order[p]?.[1] ?? 0] = shared;
    start = end + 1;
  }
  return ranks;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Sample standard deviation / √n; 0 for fewer than two values. */
export function standardError(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  const variance = values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance / values.length);
}
