import { extent, formatTick, makeScale, type Scale } from './scale.ts';
import { element, escapeXml, px } from './svg.ts';

/** One line of a chart. */
export interface Series {
  readonly name: string;
  /** [x, y] in data units; a non-finite y (or a y <= 0 on a log axis) breaks the line. */
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** Optional error band: [x, low, high], drawn under the line. */
  readonly band?: ReadonlyArray<readonly [number, number, number]>;
  /** CSS color; default: the palette, in series order. */
  readonly color?: string;
  /** Stroke width in pixels (default 1.5). */
  readonly width?: number;
  readonly opacity?: number;
  /** SVG dash array, e.g. "4 3". */
  readonly dash?: string;
  /** Draw as a step function (the value holds until the next x), e.g. an incumbent over time. */
  readonly step?: boolean;
  /** Draw a dot at every point (useful for one-point series). */
  readonly markers?: boolean;
  /** List in the legend (default true). */
  readonly legend?: boolean;
}

export interface LineChartOptions {
  readonly series: readonly Series[];
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  /** Axis ranges; default: the data's extent. */
  readonly xRange?: readonly [number, number];
  readonly yRange?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
  readonly xTickFormat?: (value: number) => string;
  readonly yTickFormat?: (value: number) => string;
  /** Extra legend entries that are not series (e.g. "gray: other pipelines"). */
  readonly notes?: ReadonlyArray<{ readonly label: string; readonly color: string }>;
  /** Prefix of element ids, unique per chart when several share one HTML page. */
  readonly idPrefix?: string;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const LEGEND_WIDTH = 190;
const MAX_LABEL = 22;

/**
 * A self-contained SVG line chart (no scripts, no external fonts or styles): axes with round ticks on linear
 * or log10 scales, grid lines, several series with optional error bands, step lines and markers, a legend.
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  const entries = options.series.filter((s) => s.legend !== false).length + (options.notes?.length ?? 0);
  const margin = { left: 68, right: entries > 0 ? LEGEND_WIDTH : 24, top: options.title ? 38 : 16, bottom: 52 };
  const plot = { x0: margin.left, x1: width - margin.right, y0: height - margin.bottom, y1: margin.top };
  const xs = options.series.flatMap((s) => [...s.points.map((p) => p[0]), ...(s.band ?? []).map((b) => b[0])]);
  const ys = options.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.band ?? []).flatMap((b) => [b[1], b[2]])]);
  const x = makeScale(options.xRange ?? extent(xs, options.xLog === true), plot.x0, plot.x1, options.xLog === true);
  const y = makeScale(options.yRange ?? padded(extent(ys, options.yLog === true), options.yLog === true), plot.y0, plot.y1, options.yLog === true);
  const clip = `${options.idPrefix ?? 'chart'}-plot-area`;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    element('rect', { width, height, fill: 'white' }),
    `<defs><clipPath id="${escapeXml(clip)}">${element('rect', { x: plot.x0, y: plot.y1, width: plot.x1 - plot.x0, height: plot.y0 - plot.y1 })}</clipPath></defs>`,
  ];
  if (options.title) out.push(element('text', { x: (plot.x0 + plot.x1) / 2, y: 22, 'text-anchor': 'middle', 'font-size': 15 }, options.title));
  out.push(...axes(x, y, plot, options));
  out.push(`<g clip-path="url(#${escapeXml(clip)})">`);
  options.series.forEach((series, index) => out.push(...drawSeries(series, colorOf(series, index), x, y)));
  out.push('</g>');
  out.push(...legend(options, plot.x1 + 16, plot.y1));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Leaves 3% of air above and below the data, so lines at the extremes stay visible. */
function padded([lo, hi]: [number, number], log: boolean): [number, number] {
  if (log) return [lo / 10 ** ((Math.log10(hi / lo) || 1) * 0.03), hi * 10 ** ((Math.log10(hi / lo) || 1) * 0.03)];
  const pad = (hi - lo) * 0.03;
  return [lo - pad, hi + pad];
}

function colorOf(series: Series, index: number): string {
  return series.color ?? PALETTE[index % PALETTE.length] ?? '#000';
}

function axes(x: Scale, y: Scale, plot: { x0: number; x1: number; y0: number; y1: number }, options: LineChartOptions): string[] {
  const out: string[] = [];
  const fx = options.xTickFormat ?? formatTick;
  const fy = options.yTickFormat ?? formatTick;
  for (const tick of x.ticks()) {
    const at = x.map(tick);
    if (!Number.isFinite(at) || at < plot.x0 - 0.5 || at > plot.x1 + 0.5) continue;
    out.push(element('line', { x1: at, x2: at, y1: plot.y1, y2: plot.y0, stroke: '#e5e5e5' }));
    out.push(element('text', { x: at, y: plot.y0 + 17, 'text-anchor': 'middle' }, fx(tick)));
  }
  for (const tick of y.ticks()) {
    const at = y.map(tick);
    if (!Number.isFinite(at) || at > plot.y0 + 0.5 || at < plot.y1 - 0.5) continue;
    out.push(element('line', { x1: plot.x0, x2: plot.x1, y1: at, y2: at, stroke: '#e5e5e5' }));
    out.push(element('text', { x: plot.x0 - 7, y: at + 4, 'text-anchor': 'end' }, fy(tick)));
  }
  out.push(element('rect', { x: plot.x0, y: plot.y1, width: plot.x1 - plot.x0, height: plot.y0 - plot.y1, fill: 'none', stroke: '#333' }));
  if (options.xLabel) out.push(element('text', { x: (plot.x0 + plot.x1) / 2, y: plot.y0 + 40, 'text-anchor': 'middle' }, options.xLabel));
  if (options.yLabel) {
    const cy = (plot.y0 + plot.y1) / 2;
    out.push(element('text', { x: 18, y: cy, 'text-anchor': 'middle', transform: `rotate(-90 18 ${px(cy)})` }, options.yLabel));
  }
  return out;
}

function drawSeries(series: Series, color: string, x: Scale, y: Scale): string[] {
  const out: string[] = [];
  if (series.band && series.band.length > 0) {
    const upper = series.band.map(([bx, , hi]) => [x.map(bx), y.map(hi)] as const);
    const lower = series.band.map(([bx, lo]) => [x.map(bx), y.map(lo)] as const).reverse();
    const corners = [...upper, ...lower].filter(([px0, py0]) => Number.isFinite(px0) && Number.isFinite(py0));
    if (corners.length > 2) out.push(element('polygon', { points: corners.map(([a, b]) => `${px(a)},${px(b)}`).join(' '), fill: color, 'fill-opacity': 0.18, stroke: 'none' }));
  }
  const d = pathOf(series, x, y);
  if (d) {
    out.push(element('path', { d, fill: 'none', stroke: color, 'stroke-width': series.width ?? 1.5, 'stroke-opacity': series.opacity, 'stroke-dasharray': series.dash, 'stroke-linejoin': 'round' }, undefined));
  }
  if (series.markers) {
    for (const [vx, vy] of series.points) {
      const cx = x.map(vx);
      const cy = y.map(vy);
      if (Number.isFinite(cx) && Number.isFinite(cy)) out.push(element('circle', { cx, cy, r: Math.max(1.5, (series.width ?? 1.5) + 0.5), fill: color, 'fill-opacity': series.opacity }));
    }
  }
  return out;
}

/** An SVG path through the points; a point that cannot be drawn ends the current piece. */
function pathOf(series: Series, x: Scale, y: Scale): string {
  const parts: string[] = [];
  let drawing = false;
  let segments = 0;
  for (const [vx, vy] of series.points) {
    const a = x.map(vx);
    const b = y.map(vy);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      drawing = false;
      continue;
    }
    if (!drawing) parts.push(`M${px(a)} ${px(b)}`);
    else {
      parts.push(series.step ? `H${px(a)}V${px(b)}` : `L${px(a)} ${px(b)}`);
      segments++;
    }
    drawing = true;
  }
  // NOTE: a path of lone points draws nothing; markers show such points.
  return segments === 0 ? '' : parts.join('');
}

function legend(options: LineChartOptions, left: number, top: number): string[] {
  const out: string[] = [];
  let row = 0;
  const entry = (label: string, color: string, dash?: string, width?: number): void => {
    const cy = top + 8 + row * 18;
    out.push(element('line', { x1: left, x2: left + 22, y1: cy, y2: cy, stroke: color, 'stroke-width': Math.max(2, width ?? 2), 'stroke-dasharray': dash }));
    const text = label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label;
    out.push(element('text', { x: left + 28, y: cy + 4 }, text));
    row++;
  };
  options.series.forEach((series, index) => {
    if (series.legend !== false) entry(series.name, colorOf(series, index), series.dash, series.width);
  });
  for (const note of options.notes ?? []) entry(note.label, note.color);
  return out;
}
