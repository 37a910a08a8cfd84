import uPlot from 'uplot';
import type { StudyModel } from '../view/study-model.ts';
import { el, fillFacts, onWidth } from './dom.ts';
import { formatClock, formatScore, formatValue } from './format.ts';

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
    ['hyperparameters', info.params.map(([k, v]) => `${k}=${formatValue(v)}`).join('  ') || '–', 'incumbent-params'],
  ]);
}

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
          { label: 'clock', stroke: '#555', grid: { stroke: '#eee' }, values: (_u, splits) => splits.map((v) => formatClock(v)) },
          { label: 'score', stroke: '#555', grid: { stroke: '#eee' }, values: (_u, splits) => splits.map((v) => v.toFixed(2)) },
        ],
        series: [
          { label: 'clock', value: (_u, v) => formatClock(v) },
          { label: 'step score', stroke: 'rgba(90,100,120,0.55)', width: 0, paths: () => null, points: { show: true, size: 4, fill: 'rgba(90,100,120,0.35)', stroke: 'rgba(90,100,120,0.55)' }, value: (_u, v) => formatScore(v) },
          { label: 'best so far', stroke: '#d1242f', width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), points: { show: false }, value: (_u, v) => formatScore(v) },
        ],
      },
      data,
      this.container,
    );
  }
}
