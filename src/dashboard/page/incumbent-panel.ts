import uPlot from 'uplot';
import type { StudyModel } from '../view/study-model.ts';
import { el, fillFacts, onWidth } from './dom.ts';
import { withDrawTiming } from './draw-timing.ts';
import { CLOCK_TICKS, formatClock, formatScore, formatValue } from './format.ts';

const HEIGHT = 240;

/** The incumbent: its model, score, epoch, checkpoint and hyperparameters. */
export function renderIncumbentFacts(list: HTMLElement, model: StudyModel): void {
  const incumbent = model.live.incumbent;
  const info = incumbent === null ? undefined : model.pool[incumbent.pipeline];
  if (incumbent === null || info === undefined) {
    fillFacts(list, [['incumbent', 'none yet (no step has succeeded)', 'incumbent-none']]);
    return;
  }
  const found = model.steps.find((s) => s.pipeline === incumbent.pipeline && s.epoch === incumbent.epoch);
  const checkpoint =
    incumbent.checkpoint === null
      ? 'unknown (start the dashboard with --artifacts DIR)'
      : incumbent.checkpointFound
        ? incumbent.checkpoint
        : `${incumbent.checkpoint} (no checkpoint of epoch ${incumbent.epoch} there)`;
  fillFacts(list, [
    ['model', info.model, 'incumbent-model'],
    ['score', formatScore(incumbent.score), 'incumbent-score'],
    ['epoch', String(incumbent.epoch), 'incumbent-epoch'],
    ['pipeline', info.id, 'incumbent-config-id'],
    ['found at', found ? `${formatClock(found.finishedAt)} (step ${found.seq}${found.worker ? ` on ${found.worker}` : ''})` : '–'],
    ['checkpoint', el('span', { class: 'mono' }, checkpoint), 'incumbent-checkpoint'],
    ['hyperparameters', chips(info.params), 'incumbent-params'],
  ]);
}

/** Hyperparameters as `name=value` chips that wrap. */
function chips(params: ReadonlyArray<readonly [string, string | number | boolean]>): HTMLElement {
  if (params.length === 0) return el('span', {}, '–');
  return el('span', { class: 'chips' }, ...params.map(([name, value]) => el('span', { class: 'chip' }, `${name}=${formatValue(value)}`)));
}

/**
 * Each point as a small square, all in one path, and one square per 3-pixel cell: uPlot's own points are
 * circles, and 10 000 of them took a quarter of a second per redraw (docs/dashboard.md); most overlap anyway.
 */
const dots: uPlot.Series.PathBuilder = (u, seriesIdx, idx0, idx1) => {
  const path = new Path2D();
  const xs = u.data[0];
  const ys = u.data[seriesIdx];
  const size = 3 * devicePixelRatio;
  const columns = Math.ceil(u.bbox.width / size) + 2;
  const taken = new Uint8Array(columns * (Math.ceil(u.bbox.height / size) + 2));
  for (let i = idx0; i <= idx1; i++) {
    const y = ys?.[i];
    const x = xs[i];
    if (y === null || y === undefined || x === undefined) continue;
    const px = u.valToPos(x, 'x', true);
    const py = u.valToPos(y, 'y', true);
    const cell = Math.floor((py - u.bbox.top) / size + 1) * columns + Math.floor((px - u.bbox.left) / size + 1);
    if (cell >= 0 && cell < taken.length) {
      if (taken[cell] === 1) continue;
      taken[cell] = 1;
    }
    path.rect(px - size / 2, py - size / 2, size, size);
  }
  return { fill: path, stroke: null };
};

/**
 * The best score over clock time: every successful step as a dot, the incumbent's score as a step line that
 * runs on to the current clock reading.
 */
export class BestChart {
  private readonly container: HTMLElement;
  private plot: uPlot | undefined;
  private width = 600;

  constructor(container: HTMLElement) {
    this.container = container;
    onWidth(container, (width) => {
      this.width = width;
      this.plot?.setSize({ width, height: HEIGHT });
    });
  }

  update(model: StudyModel, now: number): void {
    const { times, scores, best } = model.bestOverTime();
    const last = best.at(-1);
    // NOTE: one more point at the current clock reading carries the incumbent's line to "now".
    const end = Math.max(now, times.at(-1) ?? 0);
    const data: uPlot.AlignedData = last === undefined ? [[0, end], [null, null], [null, null]] : [[...times, end], [...scores, null], [...best, last]];
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    this.plot = new uPlot(
      {
        width: this.width,
        height: HEIGHT,
        legend: { show: true, live: true },
        cursor: { drag: { x: true, y: false } },
        scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.max(0, Math.floor((min - 0.02) * 20) / 20), Math.min(1, Math.ceil((max + 0.02) * 20) / 20)] } },
        axes: [
          { label: 'clock', stroke: '#555', grid: { stroke: '#eee' }, space: 70, incrs: CLOCK_TICKS, values: (_u, splits) => splits.map((v) => formatClock(v)) },
          { label: 'score', stroke: '#555', grid: { stroke: '#eee' }, values: (_u, splits) => splits.map((v) => v.toFixed(2)) },
        ],
        hooks: withDrawTiming('best', {}),
        series: [
          { label: 'clock', value: (_u, v) => formatClock(v) },
          { label: 'step score', stroke: 'rgba(90,100,120,0.6)', fill: 'rgba(90,100,120,0.45)', width: 0, paths: dots, points: { show: false }, value: (_u, v) => formatScore(v) },
          { label: 'best so far', stroke: '#d1242f', width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false }, value: (_u, v) => formatScore(v) },
        ],
      },
      data,
      this.container,
    );
  }
}
