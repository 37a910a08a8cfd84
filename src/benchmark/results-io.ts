import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizedRegret } from './regret.ts';
import type { RunResult } from './run-result.ts';
import type { BenchmarkSummary } from './summarize.ts';

/** Settings of the benchmark, recorded in results.json so that a reader can reproduce it. */
export interface BenchmarkSettings {
  readonly metadataset: { readonly name: string; readonly dir: string; readonly hash: string };
  readonly predictor: string;
  readonly command: string;
}

/** The per-run rows of results.json: regret at each budget, steps and the optimizer's overhead. */
function runRows(runs: readonly RunResult[], budgets: readonly number[]): unknown[] {
  return runs.map((run) => ({
    method: run.method,
    task: run.task,
    seed: run.seed,
    regret: budgets.map((b) => normalizedRegret(run.trajectory, b, run.y_best, run.y_worst)),
    steps: run.steps,
    overhead_seconds: run.overhead_seconds,
    training_seconds: run.training_seconds,
    stop_reason: run.stop_reason,
    incumbent: run.incumbent,
    predictor: run.predictor,
  }));
}

/** CSV of every run's trajectory: one row per improvement of the incumbent, with its regret. */
export function trajectoriesCsv(runs: readonly RunResult[]): string {
  const lines = ['method,task,seed,seconds,best_score,regret'];
  for (const run of runs) {
    const range = run.y_best - run.y_worst;
    for (const [t, y] of run.trajectory) {
      const regret = range > 0 ? (run.y_best - y) / range : 0;
      lines.push([csvCell(run.method), csvCell(run.task), run.seed, t.toFixed(3), y, regret.toFixed(6)].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes results.json and trajectories.csv (and regret.svg when given) into `outDir`; returns the paths. */
export async function writeResults(
  outDir: string,
  summary: BenchmarkSummary,
  runs: readonly RunResult[],
  settings: BenchmarkSettings,
  svg?: string,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files: string[] = [];
  const results = join(outDir, 'results.json');
  const document = { ...summary, settings, runs: runRows(runs, summary.budgets) };
  await writeFile(results, `${JSON.stringify(document, null, 2)}\n`);
  files.push(results);
  const csv = join(outDir, 'trajectories.csv');
  await writeFile(csv, trajectoriesCsv(runs));
  files.push(csv);
  if (svg !== undefined) {
    const plot = join(outDir, 'regret.svg');
    await writeFile(plot, svg);
    files.push(plot);
  }
  return files;
}
