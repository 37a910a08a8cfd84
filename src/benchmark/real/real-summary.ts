import { lineChart } from '../../plot/index.ts';
import { formatDuration } from '../../util/duration.ts';
import { mean, standardError } from '../summarize.ts';
import type { RealRun } from './real-runner.ts';

/** How a method's predicted step seconds compare with the measured ones (methods with a cost model). */
export interface CostRatio {
  /** Median of predicted / measured over every predicted step. */
  readonly median: number;
  /** The ratio farthest from 1 (in either direction). */
  readonly worst: number;
  /** Share of steps within a factor of 2, after each search's first 3 predicted steps. */
  readonly within_2x_after_3: number;
  readonly steps: number;
}

export interface RealMethodSummary {
  /** Mean test accuracy of the incumbent per budget (a search without an incumbent counts 0). */
  readonly test_accuracy: number[];
  readonly stderr: number[];
  readonly cost_ratio?: CostRatio;
  /** Mean validation score of the incumbent, steps and pipelines tried, per budget. */
  readonly val_score: number[];
  readonly steps: number[];
  readonly pipelines: number[];
  /** Searches that ended without a scored incumbent, per budget. */
  readonly unscored: number[];
}

/** `benchmark --dataset --json`. */
export interface RealBenchmarkSummary {
  readonly budgets: number[];
  readonly methods: Record<string, RealMethodSummary>;
  readonly dataset: string;
  readonly seeds: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export function costRatioOf(runs: readonly RealRun[]): CostRatio | undefined {
  const all = runs.flatMap((r) => r.cost_ratios);
  if (all.length === 0) return undefined;
  const later = runs.flatMap((r) => r.cost_ratios.slice(3));
  const factor = (r: number): number => Math.max(r, 1 / r);
  const worst = all.reduce((w, r) => (factor(r) > factor(w) ? r : w), 1);
  return {
    median: median(all),
    worst,
    within_2x_after_3: later.length === 0 ? Number.NaN : later.filter((r) => factor(r) <= 2).length / later.length,
    steps: all.length,
  };
}

export function summarizeReal(runs: readonly RealRun[], methods: readonly string[], budgets: readonly number[], dataset: string, seeds: number): RealBenchmarkSummary {
  const summary: Record<string, RealMethodSummary> = {};
  for (const method of methods) {
    const mine = runs.filter((r) => r.method === method);
    const at = (budget: number) => mine.filter((r) => r.budget_seconds === budget);
    const cost = costRatioOf(mine);
    summary[method] = {
      test_accuracy: budgets.map((b) => mean(at(b).map((r) => r.test_accuracy ?? 0))),
      stderr: budgets.map((b) => standardError(at(b).map((r) => r.test_accuracy ?? 0))),
      ...(cost ? { cost_ratio: cost } : {}),
      val_score: budgets.map((b) => mean(at(b).map((r) => r.val_score ?? 0))),
      steps: budgets.map((b) => mean(at(b).map((r) => r.steps))),
      pipelines: budgets.map((b) => mean(at(b).map((r) => r.pipelines))),
      unscored: budgets.map((b) => at(b).filter((r) => r.test_accuracy === null).length),
    };
  }
  return { budgets: [...budgets], methods: summary, dataset, seeds };
}

/** The human table: test accuracy ± stderr per method and budget, steps, and the cost predictions. */
export function formatRealTable(summary: RealBenchmarkSummary): string {
  const head = ['method', ...summary.budgets.map((b) => `test acc. ${formatDuration(b)}`), ...summary.budgets.map((b) => `steps ${formatDuration(b)}`), 'cost pred./meas. (median, worst, <=2x)'];
  const rows = Object.entries(summary.methods).map(([name, m]) => [
    name,
    // NOTE: a search that ended without a model counts 0 (the user got nothing to deploy); the table says how many.
    ...m.test_accuracy.map((a, k) => `${a.toFixed(3)} ± ${(m.stderr[k] ?? 0).toFixed(3)}${m.unscored[k] ? ` (${m.unscored[k]} without a model)` : ''}`),
    ...m.steps.map((s) => s.toFixed(0)),
    m.cost_ratio ? `${m.cost_ratio.median.toFixed(2)}, ${m.cost_ratio.worst.toFixed(2)}, ${(m.cost_ratio.within_2x_after_3 * 100).toFixed(0)}%` : '-',
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, k) => c.padEnd(widths[k] ?? 0)).join('  ').trimEnd();
  return [`Real-image benchmark on ${summary.dataset} (${summary.seeds} seed${summary.seeds > 1 ? 's' : ''}; test accuracy of each search's incumbent)`, line(head), ...rows.map(line)].join('\n');
}

/** An SVG of test accuracy against the wall-clock budget, one line per method with a ±1 stderr band. */
export function renderAccuracyPlot(summary: RealBenchmarkSummary): string {
  return lineChart({
    title: `Test accuracy of the incumbent, ${summary.dataset.split('/').at(-1) ?? ''}`,
    xLabel: 'wall-clock budget (minutes)',
    yLabel: 'test accuracy',
    series: Object.entries(summary.methods).map(([name, m]) => ({
      name,
      points: summary.budgets.map((b, k) => [b / 60, m.test_accuracy[k] ?? 0] as const),
      band: summary.budgets.map((b, k) => [b / 60, (m.test_accuracy[k] ?? 0) - (m.stderr[k] ?? 0), (m.test_accuracy[k] ?? 0) + (m.stderr[k] ?? 0)] as const),
      markers: true,
    })),
  });
}
