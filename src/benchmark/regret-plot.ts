import { formatDuration } from '../util/duration.ts';
import { logTimeGrid, normalizedRegret } from './regret.ts';
import type { RunResult } from './run-result.ts';
import { mean, standardError } from './summarize.ts';

export interface RegretSeries {
  readonly method: string;
  /** [seconds, mean regret, standard error] on a log-spaced time grid. */
  readonly points: ReadonlyArray<readonly [number, number, number]>;
}

/** Mean normalized regret of each method over time (tasks and seeds averaged), on a log time grid. */
export function regretSeries(runs: readonly RunResult[], methods: readonly string[], maxSeconds: number, points = 80): RegretSeries[] {
  const grid = logTimeGrid(Math.min(60, maxSeconds / 10), maxSeconds, points);
  return methods.map((method) => {
    const mine = runs.filter((r) => r.method === method);
    return {
      method,
      points: grid.map((t) => {
        const values = mine.map((r) => normalizedRegret(r.trajectory, t, r.y_best, r.y_worst));
        return [t, mean(values), standardError(values)] as const;
      }),
    };
  });
}

const WIDTH = 760;
const HEIGHT = 440;
const MARGIN = { left: 64, right: 170, top: 36, bottom: 52 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * An SVG plot of mean normalized regret over simulated time (log x axis, log y axis), one line per method
 * with a ±1 standard error band. Self-contained, no script, no external fonts.
 */
export function renderRegretPlot(runs: readonly RunResult[], methods: readonly string[], maxSeconds: number): string {
  const series = regretSeries(runs, methods, maxSeconds);
  const xs = series[0]?.points.map((p) => p[0]) ?? [maxSeconds];
  const x0 = Math.log10(xs[0] ?? 1);
  const x1 = Math.log10(xs[xs.length - 1] ?? 10);
  const ys = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0 && Number.isFinite(v));
  const y0 = Math.floor(Math.log10(Math.max(1e-3, Math.min(...ys, 1))) * 2) / 2;
  const y1 = 0;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const px = (t: number): number => MARGIN.left + ((Math.log10(t) - x0) / (x1 - x0 || 1)) * plotW;
  const py = (r: number): number => MARGIN.top + ((y1 - Math.log10(Math.max(r, 10 ** y0))) / (y1 - y0 || 1)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="20" text-anchor="middle" font-size="14">Mean normalized regret over simulated time</text>`,
  ];
  for (let e = Math.floor(y0); e <= y1; e++) {
    for (const m of [1, 2, 5]) {
      const value = m * 10 ** e;
      if (value > 1 || Math.log10(value) < y0 - 1e-9) continue;
      const y = py(value).toFixed(1);
      out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="${m === 1 ? '#ccc' : '#eee'}"/>`);
      out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${Number(value.toPrecision(1))}</text>`);
    }
  }
  for (const tick of [60, 300, 900, 3600, 4 * 3600, 16 * 3600, 64 * 3600]) {
    if (tick < (xs[0] ?? 0) || tick > maxSeconds * 1.001) continue;
    const x = px(tick).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#ddd"/>`);
    out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${formatDuration(tick)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle">simulated wall-clock time (log scale)</text>`);
  out.push(`<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">normalized regret (log scale)</text>`);
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] ?? '#000';
    const upper = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1] + p[2]).toFixed(1)}`);
    const lower = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(Math.max(p[1] - p[2], 1e-9)).toFixed(1)}`).reverse();
    out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${color}" fill-opacity="0.12" stroke="none"/>`);
    const line = s.points.map((p) => `${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${line}" fill="none" stroke="${color}" stroke-width="2"/>`);
    const ly = MARGIN.top + 14 + i * 20;
    const lx = MARGIN.left + plotW + 14;
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`);
    out.push(`<text x="${lx + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(s.method)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
