import { activeParameters } from '../space/conditions.ts';
import type { RunSpace, StudySnapshot } from '../storage/types.ts';
import { formatDuration } from '../util/duration.ts';
import type { CurveSummary, Incumbent, RunSummary } from './run-summary.ts';

const SPARK = '▁▂▃▄▅▆▇█';
const MAX_CURVES = 15;

/**
 * The incumbent as the answer of a search: model, score, epoch and hyperparameters (the active ones when the
 * space is known; otherwise every non-null one).
 */
export function formatIncumbent(incumbent: Incumbent | undefined, space?: RunSpace): string {
  if (!incumbent) return 'No pipeline finished a step successfully yet.';
  const lines = [
    `Best pipeline: ${incumbent.config.model}  (id ${incumbent.configId})`,
    `  score ${incumbent.score.toFixed(4)} after epoch ${incumbent.epoch}`,
    '  hyperparameters:',
  ];
  const active = space ? activeParameters(space, incumbent.config) : undefined;
  const entries = Object.entries(incumbent.config).filter(
    ([key, value]) => key !== 'model' && value !== null && (active === undefined || active.has(key)),
  );
  const width = Math.max(0, ...entries.map(([key]) => key.length));
  for (const [key, value] of entries) lines.push(`    ${key.padEnd(width)}  ${String(value)}`);
  return lines.join('\n');
}

/** The human `report`: run facts, incumbent, steps per model and a compact view of the curves. */
export function renderReport(run: StudySnapshot, summary: RunSummary): string {
  const { header } = run;
  const ok = summary.steps - summary.failed;
  const out = [
    `Run ${run.location}`,
    `  created ${header.createdAt} by quicktune ${header.quicktune}; ${run.sessions.length} session(s); seed ${header.seed}`,
    `  dataset ${header.dataset.path}; trainer ${describe(header.trainer)}; optimizer ${describe(header.optimizer)}`,
    `  ${summary.steps} steps (${ok} ok, ${summary.failed} failed) on ${summary.curves.length} of ${summary.poolSize} pipelines, ` +
      `${formatDuration(summary.seconds)} on the clock${summary.stopReason ? `, stopped: ${summary.stopReason}` : ''}`,
    '',
    formatIncumbent(summary.incumbent, run.space),
    '',
  ];
  if (summary.models.length > 0) {
    out.push('Steps per model:', table(['model', 'pipelines', 'steps', 'failed', 'best'], summary.models.map((m) => [m.model, String(m.pipelines), String(m.steps), String(m.failed), score(m.best)])), '');
    out.push(...curveLines(summary.curves));
  }
  return out.join('\n');
}

function curveLines(curves: readonly CurveSummary[]): string[] {
  const all = curves.flatMap((c) => c.scores);
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const spark = (scores: readonly number[]): string =>
    scores.map((s) => SPARK[hi > lo ? Math.round(((s - lo) / (hi - lo)) * (SPARK.length - 1)) : SPARK.length - 1] ?? '').join('');
  const rows = curves.slice(0, MAX_CURVES).map((c) => [
    c.configId,
    c.model,
    String(c.scores.length),
    c.scores.length > 0 ? `${score(c.scores[0])} -> ${score(c.scores.at(-1))}` : '-',
    c.best === undefined ? '-' : `${score(c.best)} @${c.bestEpoch}`,
    c.state === 'failed' ? `failed: ${c.error ?? '?'}` : c.state,
    spark(c.scores.length > 40 ? c.scores.slice(-40) : c.scores),
  ]);
  const lines = [`Learning curves (best first; scale ${score(lo)}..${score(hi)}):`, table(['pipeline', 'model', 'epochs', 'first -> last', 'best', 'state', 'curve'], rows)];
  if (curves.length > MAX_CURVES) lines.push(`  ... and ${curves.length - MAX_CURVES} more pipelines (--json lists every step)`);
  return lines;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => `  ${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

function score(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}

function describe(record: Readonly<Record<string, unknown>>): string {
  const name = typeof record.name === 'string' ? record.name : '?';
  const command = typeof record.command === 'string' ? ` (${record.command})` : '';
  return `${name}${command}`;
}
