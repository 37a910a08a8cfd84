import { lineChart, type Series } from '../plot/index.ts';
import type { RunSummary } from './run-summary.ts';

const OTHERS = '#9a9a9a';
const INCUMBENT = '#d62728';

/** An SVG of the observed learning curves: score vs epoch, one line per pipeline, the incumbent's highlighted. */
export function curvesPlot(summary: RunSummary, title: string): string {
  const incumbent = summary.incumbent?.configId;
  const curves = summary.curves.filter((c) => c.scores.length > 0);
  const others: Series[] = curves
    .filter((c) => c.configId !== incumbent)
    .map((c) => ({ name: c.configId, points: c.scores.map((s, i) => [i + 1, s] as const), color: OTHERS, width: 1, opacity: 0.6, markers: c.scores.length === 1, legend: false }));
  const best = curves.find((c) => c.configId === incumbent);
  const highlighted: Series[] = best
    ? [{ name: `best: ${best.model}`, points: best.scores.map((s, i) => [i + 1, s] as const), color: INCUMBENT, width: 2.5, markers: true }]
    : [];
  const maxEpoch = Math.max(1, ...curves.map((c) => c.scores.length));
  return lineChart({
    title,
    xLabel: 'epoch',
    yLabel: 'validation score',
    xRange: [1, Math.max(2, maxEpoch)],
    xTickFormat: (v) => (Number.isInteger(v) ? String(v) : ''),
    // NOTE: the incumbent is drawn last so it stays on top of the gray curves.
    series: [...others, ...highlighted],
    notes: others.length > 0 ? [{ label: `other pipelines (${others.length})`, color: OTHERS }] : [],
    idPrefix: 'curves',
  });
}
