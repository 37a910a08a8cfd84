import uPlot from 'uplot';
import type { PipelineState, PipelineView, StudyModel } from '../view/study-model.ts';
import { onWidth } from './dom.ts';
import { withDrawTiming } from './draw-timing.ts';
import { formatScore } from './format.ts';
import type { Selection } from './selection.ts';

const HEIGHT = 380;
const DASH: Readonly<Record<PipelineState, number[]>> = { finished: [], paused: [7, 5], running: [7, 5], failed: [2, 4] };
const FAILED_MARK = '#c62828';
const RUNNING_MARK = '#1f6feb';

/** How many curves to draw: the best K pipelines (by best score), or all. */
export type TopK = number | 'all';

/**
 * Learning curves (score per epoch) of the best K pipelines, coloured by model, drawn by uPlot. Line style
 * tells the state apart (finished: solid; paused: dashed; running: dashed with a dot at its last epoch;
 * failed: dotted with a cross where it failed). The curve nearest the pointer is focused and described; a
 * click picks it.
 */
export class CurvesChart {
  private readonly container: HTMLElement;
  private readonly selection: Selection;
  private colors: ReadonlyMap<string, string> = new Map();
  private plot: uPlot | undefined;
  private shape = '';
  private shown: PipelineView[] = [];
  private states: PipelineState[] = [];
  private width = 800;
  private down: { x: number; y: number } | undefined;
  private focused: number | null = null;

  constructor(container: HTMLElement, selection: Selection) {
    this.container = container;
    this.selection = selection;
    onWidth(container, (width) => {
      this.width = width;
      this.plot?.setSize({ width, height: HEIGHT });
    });
  }

  setColors(colors: ReadonlyMap<string, string>): void {
    this.colors = colors;
    this.shape = '';
  }

  /** Redraws with the model's curves; rebuilds the chart only when the set of curves or their styles changed. */
  update(model: StudyModel, topK: TopK): void {
    const running = model.runningPipelines();
    const ranked = model.pipelines().sort((a, b) => (b.best ?? -1) - (a.best ?? -1) || a.index - b.index);
    const shown = topK === 'all' ? ranked : ranked.slice(0, topK);
    const picked = this.selection.picked;
    if (picked !== null && !shown.some((p) => p.index === picked)) {
      const extra = model.pipeline(picked);
      if (extra) shown.push(extra);
    }
    const states = shown.map((p) => model.stateOf(p, running));
    const epochs = Math.max(2, ...shown.map((p) => p.epochs));
    const x = Array.from({ length: epochs }, (_, i) => i + 1);
    const data: uPlot.AlignedData = [x, ...shown.map((p) => x.map((e) => p.scores[e - 1] ?? null))];
    const incumbent = model.live.incumbent?.pipeline ?? -1;
    const shape = `${epochs}|${picked}|${incumbent}|${shown.map((p, i) => `${p.index}:${states[i]}`).join(',')}`;
    this.shown = shown;
    this.states = states;
    this.container.setAttribute('data-curves', String(shown.length));
    if (this.plot && shape === this.shape) {
      this.plot.setData(data);
      return;
    }
    this.shape = shape;
    this.plot?.destroy();
    this.plot = new uPlot(this.options(shown, states, incumbent, picked), data, this.container);
    this.listen(this.plot);
  }

  private options(shown: readonly PipelineView[], states: readonly PipelineState[], incumbent: number, picked: number | null): uPlot.Options {
    return {
      width: this.width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { focus: { prox: 16 }, points: { show: false }, drag: { x: true, y: true, uni: 30 } },
      focus: { alpha: 0.25 },
      scales: {
        x: { time: false },
        y: { range: (_u, min, max) => [Math.max(0, Math.floor((min - 0.02) * 20) / 20), Math.min(1, Math.ceil((max + 0.02) * 20) / 20)] },
      },
      axes: [
        // NOTE: epochs are whole numbers: ticks at 1, 2, 5, 10, ... never at 1.5.
        { label: 'epoch', stroke: '#555', grid: { stroke: '#eee' }, incrs: [1, 2, 5, 10, 20, 25, 50, 100], values: (_u, splits) => splits.map((v) => String(v)) },
        { label: 'validation score', stroke: '#555', grid: { stroke: '#eee' }, values: (_u, splits) => splits.map((v) => v.toFixed(2)) },
      ],
      series: [
        {},
        ...shown.map((p, i): uPlot.Series => {
          const emphasis = p.index === picked ? 3.5 : p.index === incumbent ? 2.8 : 1.4;
          return {
            label: p.info.id,
            stroke: this.colors.get(p.info.model) ?? '#888',
            width: emphasis,
            dash: DASH[states[i] ?? 'paused'],
            spanGaps: false,
            // NOTE: a one-epoch curve is a single point: without a marker it would be invisible.
            points: { show: p.epochs <= 1, size: 6 },
          };
        }),
      ],
      hooks: withDrawTiming('curves', {
        setSeries: [(_u, seriesIdx) => this.onFocus(seriesIdx)],
        draw: [(u) => this.drawMarks(u)],
      }),
    };
  }

  /** Crosses where failed pipelines failed, dots on the last epoch of running ones. */
  private drawMarks(u: uPlot): void {
    const ctx = u.ctx;
    const ratio = devicePixelRatio;
    ctx.save();
    ctx.lineWidth = 2 * ratio;
    this.shown.forEach((p, i) => {
      const state = this.states[i];
      if (state !== 'failed' && state !== 'running') return;
      const epoch = state === 'failed' ? p.epochs : Math.max(1, p.epochs);
      const y = p.last ?? (u.scales.y?.min ?? 0);
      const cx = u.valToPos(epoch, 'x', true);
      const cy = u.valToPos(y, 'y', true);
      const r = 4 * ratio;
      ctx.beginPath();
      if (state === 'failed') {
        ctx.strokeStyle = FAILED_MARK;
        ctx.moveTo(cx - r, cy - r);
        ctx.lineTo(cx + r, cy + r);
        ctx.moveTo(cx + r, cy - r);
        ctx.lineTo(cx - r, cy + r);
      } else {
        ctx.strokeStyle = RUNNING_MARK;
        ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      }
      ctx.stroke();
    });
    ctx.restore();
  }

  private onFocus(seriesIdx: number | null): void {
    this.focused = seriesIdx;
    const pipeline = seriesIdx === null ? undefined : this.shown[seriesIdx - 1];
    this.selection.hover(pipeline?.index ?? null);
    this.container.title = pipeline ? `${pipeline.info.model} ${pipeline.info.id}: best ${formatScore(pipeline.best)}` : '';
  }

  private listen(u: uPlot): void {
    // NOTE: a drag zooms; only a click that did not move picks the focused curve.
    u.over.addEventListener('mousedown', (event) => (this.down = { x: event.clientX, y: event.clientY }));
    u.over.addEventListener('click', (event) => {
      const moved = this.down === undefined || Math.hypot(event.clientX - this.down.x, event.clientY - this.down.y) > 3;
      const pipeline = this.focused === null ? undefined : this.shown[this.focused - 1];
      if (!moved && pipeline) this.selection.pick(pipeline.index);
    });
    u.over.addEventListener('mouseleave', () => this.selection.hover(null));
  }
}
