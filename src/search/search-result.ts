import { relative } from 'node:path';
import { formatIncumbent } from '../report/render-report.ts';
import { summarizeRun, trajectoryOf } from '../report/run-summary.ts';
import type { StudySnapshot } from '../storage/types.ts';
import { formatDuration } from '../util/duration.ts';
import type { DatasetSearchOutcome } from './dataset-search.ts';

const TOP = 5;
const REASONS: Readonly<Record<string, string>> = {
  budget: 'the budget is spent (or no step fits in what is left of it)',
  'max-steps': 'the step limit is reached',
  exhausted: 'every pipeline is finished',
  aborted: 'interrupted (continue with --resume)',
};

/** `search --json` (docs/cli.md): the incumbent, steps, seconds and the incumbent's trajectory over the run. */
export function searchJson(outcome: DatasetSearchOutcome): Record<string, unknown> {
  const summary = summarizeRun(outcome.run);
  const incumbent = summary.incumbent;
  return {
    incumbent: incumbent ? { config_id: incumbent.configId, config: incumbent.config, score: incumbent.score, epoch: incumbent.epoch } : null,
    steps: outcome.run.steps.length,
    seconds: outcome.seconds,
    trajectory: trajectoryOf(outcome.run.steps),
    checkpoint: outcome.checkpoint ?? null,
  };
}

/** The human answer: why it stopped, the best pipeline (with its checkpoint), the top pipelines as a table. */
export function searchText(outcome: DatasetSearchOutcome, runDir: string): string {
  const summary = summarizeRun(outcome.run);
  const ok = summary.steps - summary.failed;
  const lines = [
    `Search stopped: ${REASONS[outcome.stopReason] ?? outcome.stopReason}. ${formatDuration(outcome.seconds)} on the clock, ` +
      `${summary.steps} steps (${ok} ok, ${summary.failed} failed; ${outcome.sessionSteps} in this session), ` +
      `${summary.curves.length} of ${summary.poolSize} pipelines tried.`,
    '',
    formatIncumbent(summary.incumbent, outcome.run.space),
  ];
  if (outcome.checkpoint) lines.push(`  checkpoint: ${friendly(outcome.checkpoint)}`);
  const top = summary.curves.filter((c) => c.best !== undefined).slice(0, TOP);
  if (top.length > 1) {
    const rows = top.map((c, i) => [String(i + 1), c.model, (c.best ?? 0).toFixed(4), String(c.bestEpoch ?? '-'), String(c.scores.length), c.configId]);
    const head = ['#', 'model', 'score', 'at epoch', 'epochs', 'pipeline'];
    const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
    const format = (cells: readonly string[]): string => `  ${cells.map((c, k) => c.padEnd(widths[k] ?? 0)).join('  ')}`.trimEnd();
    lines.push('', `Top ${top.length} pipelines:`, format(head), ...rows.map(format));
  }
  lines.push('', `Run: ${friendly(runDir)} (quicktune report ${friendly(runDir)} shows the curves; --plot draws them)`);
  return lines.join('\n');
}

/** The answer of `search --workers 0`: the study exists in shared storage; workers run its steps. */
export function createdText(run: StudySnapshot, study: string): string {
  const budget = run.budget.seconds === undefined ? 'no time budget' : `budget ${formatDuration(run.budget.seconds)}`;
  const limit = run.budget.maxSteps === undefined ? '' : `, at most ${run.budget.maxSteps} steps`;
  return [
    `Study ready: ${run.location}, ${run.pool.length} pipelines, ${budget}${limit}.`,
    `Workers join it with: quicktune worker --storage URL --study ${study}  (the same URL; status and report read it too)`,
  ].join('\n');
}

/** A path relative to the working directory when it lies below it, absolute otherwise. */
function friendly(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}
