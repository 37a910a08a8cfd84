import { formatDuration } from '../util/duration.ts';
import type { BenchmarkSummary } from './summarize.ts';

/**
 * The human table of a benchmark: one row per method, mean normalized regret ± standard error and mean rank
 * per budget, and the optimizer's mean overhead per search.
 */
export function formatSummaryTable(summary: BenchmarkSummary): string {
  const budgetNames = summary.budgets.map((b) => formatDuration(b));
  const header = ['method', ...budgetNames.map((b) => `regret ${b}`), ...budgetNames.map((b) => `rank ${b}`), 'overhead/search'];
  const rows = Object.entries(summary.methods).map(([name, m]) => [
    name,
    ...m.regret.map((r, k) => `${fixed(r, 3)} ± ${fixed(m.stderr[k] ?? Number.NaN, 3)}`),
    ...m.rank.map((r) => fixed(r, 2)),
    `${fixed(m.overhead_seconds, 1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const title = `mean normalized regret over ${summary.tasks.length} task${summary.tasks.length === 1 ? '' : 's'} × ${summary.seeds} seed${summary.seeds === 1 ? '' : 's'} (lower is better)`;
  return [title, line(header), ...rows.map(line)].join('\n');
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '–';
}
