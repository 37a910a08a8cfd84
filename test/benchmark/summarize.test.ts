import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../src/benchmark/run-result.ts';
import { averageRanks, standardError, summarize } from '../../src/benchmark/summarize.ts';
import { formatSummaryTable } from '../../src/benchmark/summary-table.ts';

/** A run whose regret is `early` until t = 100 and `late` from then on (y_best 1, y_worst 0). */
function run(method: string, task: string, seed: number, early: number, late: number, overhead = 1): RunResult {
  return {
    version: 1, method, method_settings: {}, task, seed, budget_seconds: 1000,
    metadataset: { name: 'x', hash: 'h' }, predictor: 'none', steps: 2, seconds: 1000, training_seconds: 999,
    overhead_seconds: overhead, stop_reason: 'budget', y_best: 1, y_worst: 0, incumbent: null,
    trajectory: [[10, 1 - early], [100, 1 - late]], wall_seconds: 0,
  };
}

test('ranks share ties', () => {
  assert.deepEqual(averageRanks([0.3, 0.1, 0.3, 0.5]), [2.5, 1, 2.5, 4]);
});

test('summaries average regret over tasks and seeds, with standard errors across tasks and mean ranks', () => {
  const runs = [
    run('A', 't1', 0, 0.5, 0.2), run('A', 't1', 1, 0.7, 0.2), run('A', 't2', 0, 0.4, 0.0), run('A', 't2', 1, 0.4, 0.1, 3),
    run('B', 't1', 0, 0.6, 0.2), run('B', 't1', 1, 0.6, 0.3), run('B', 't2', 0, 0.2, 0.1), run('B', 't2', 1, 0.3, 0.1),
  ];
  const summary = summarize(runs, ['A', 'B'], ['t1', 't2'], [0, 1], [50, 500]);
  const a = summary.methods.A;
  const b = summary.methods.B;
  assert.ok(a && b);
  const close = (x: number, y: number) => assert.ok(Math.abs(x - y) < 1e-12, `${x} vs ${y}`);
  close(a.regret[0] ?? 0, 0.5);
  close(a.regret[1] ?? 0, 0.125);
  close(b.regret[0] ?? 0, 0.425);
  // NOTE: per-task means of A at t=50 are 0.6 and 0.4: standard error = sd([0.6, 0.4]) / √2 = 0.1.
  close(a.stderr[0] ?? 0, 0.1);
  close(standardError([0.6, 0.4]), 0.1);
  // NOTE: at t=50 A beats B once (t2 seeds both lose for A: 0.4 > 0.2, 0.4 > 0.3; t1 seed 0 wins, seed 1 loses).
  close(a.rank[0] ?? 0, (1 + 2 + 2 + 2) / 4);
  close(b.rank[0] ?? 0, (2 + 1 + 1 + 1) / 4);
  // NOTE: at t=500: t1s0 tie (1.5 each), t1s1 A wins, t2s0 A wins, t2s1 tie.
  close(a.rank[1] ?? 0, (1.5 + 1 + 1 + 1.5) / 4);
  close(a.overhead_seconds, 1.5);
  assert.deepEqual(summary.budgets, [50, 500]);
  assert.equal(summary.seeds, 2);
  const table = formatSummaryTable(summary);
  assert.match(table, /^A\s+0\.500 ± 0\.100/m);
});

test('a (task, seed) missing for one method is left out of the ranks but not out of its regret', () => {
  const runs = [run('A', 't1', 0, 0.5, 0.5), run('A', 't1', 1, 0.1, 0.1), run('B', 't1', 0, 0.2, 0.2)];
  const summary = summarize(runs, ['A', 'B'], ['t1'], [0, 1], [50]);
  assert.ok(Math.abs((summary.methods.A?.regret[0] ?? 0) - 0.3) < 1e-12);
  assert.equal(summary.methods.A?.rank[0], 2);
  assert.equal(summary.methods.B?.rank[0], 1);
});
