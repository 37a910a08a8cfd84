import uPlot from 'uplot';
import type { StepView, StudyModel } from '../view/study-model.ts';
import { el, onWidth } from './dom.ts';
import { withDrawTiming } from './draw-timing.ts';
import { CLOCK_TICKS, formatClock, formatScore, formatSeconds } from './format.ts';
import type { Selection } from './selection.ts';

/** One bar of the timeline. */
interface Bar {
  readonly start: number;
  readonly end: number;
  readonly pipeline: number;
  readonly epoch: number;
  readonly kind: 'ok' | 'failed' | 'running' | 'expired';
  readonly step?: StepView;
  readonly note?: string;
}

const NO_WORKER = '(no worker id)';
const LANE_PX = 26;
const FAILED = '#c62828';
const RUNNING = '#1f6feb';

/**
 * A Gantt chart of the steps per worker: each step a bar from when it was claimed to when it finished (running
 * steps up to now), coloured by model; failed steps outlined in red, running ones in blue, expired claims as
 * grey ticks. uPlot gives the axes, zoom (drag) and cursor; the bars are drawn in one pass per colour, so
 * 10 000 steps draw in a few milliseconds. Hovering a bar describes it; a click picks its pipeline.
 */
export class TimelineChart {
  private readonly container: HTMLElement;
  private readonly selection: Selection;
  private readonly tooltip: HTMLDivElement;
  private colors: ReadonlyMap<string, string> = new Map();
  private plot: uPlot | undefined;
  private lanes: string[] = [];
  private bars: Bar[][] = [];
  private model: StudyModel | undefined;
  private hovered: Bar | undefined;
  private width = 800;
  private now = 0;
  private down: { x: number; y: number } | undefined;

  constructor(container: HTMLElement, selection: Selection) {
    this.container = container;
    this.selection = selection;
    this.tooltip = el('div', { class: 'tooltip' });
    this.tooltip.hidden = true;
    onWidth(container, (width) => {
      this.width = width;
      this.plot?.setSize({ width, height: this.height() });
    });
  }

  setColors(colors: ReadonlyMap<string, string>): void {
    this.colors = colors;
    this.plot?.redraw(false);
  }

  /** Rebuilds the bars from the model (after a message). */
  update(model: StudyModel, now: number): void {
    this.model = model;
    this.now = now;
    const lanes = model.live.workers.map((w) => w.id);
    const laneOf = new Map(lanes.map((id, i) => [id, i]));
    const bars: Bar[][] = lanes.map(() => []);
    const lane = (worker: string | null): Bar[] => {
      const id = worker ?? NO_WORKER;
      let index = laneOf.get(id);
      if (index === undefined) {
        index = lanes.length;
        lanes.push(id);
        laneOf.set(id, index);
        bars.push([]);
      }
      return bars[index] ?? [];
    };
    for (const step of model.steps) {
      lane(step.worker).push({ start: step.startedAt, end: step.finishedAt, pipeline: step.pipeline, epoch: step.epoch, kind: step.failed ? 'failed' : 'ok', step });
    }
    for (const run of model.live.running) {
      lane(run.worker).push({ start: run.startedAt, end: run.startedAt, pipeline: run.pipeline, epoch: run.epoch, kind: 'running' });
    }
    for (const gone of model.expired) {
      lane(gone.worker).push({ start: gone.startedAt, end: gone.startedAt, pipeline: gone.pipeline, epoch: gone.epoch, kind: 'expired', note: gone.reason });
    }
    for (const list of bars) list.sort((a, b) => a.start - b.start);
    const laneChange = lanes.join('\n') !== this.lanes.join('\n');
    this.lanes = lanes;
    this.bars = bars;
    if (this.plot && !laneChange) return this.tick(now);
    this.plot?.destroy();
    const data: uPlot.AlignedData = [[0, Math.max(now, 1)], [null, null]];
    this.plot = new uPlot(this.options(), data, this.container);
    this.plot.over.append(this.tooltip);
    this.listen(this.plot);
  }

  /** Moves the clock on: running bars grow to `now`, and the view follows unless the user zoomed in. */
  tick(now: number): void {
    this.now = now;
    const plot = this.plot;
    if (!plot) return;
    const zoomed = (plot.scales.x?.max ?? Infinity) < (plot.data[0].at(-1) ?? 0) - 1e-9;
    plot.setData([[0, Math.max(now, 1)], [null, null]], !zoomed);
    if (zoomed) plot.redraw(false);
  }

  /** Where a bar ends: running steps end now. */
  private endOf(bar: Bar): number {
    return bar.kind === 'running' ? Math.max(bar.start, this.now) : bar.end;
  }

  private height(): number {
    return Math.min(720, Math.max(150, 60 + LANE_PX * Math.max(1, this.lanes.length)));
  }

  private options(): uPlot.Options {
    const lanes = this.lanes;
    return {
      width: this.width,
      height: this.height(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false }, points: { show: false }, y: false },
      scales: {
        x: { time: false },
        y: { auto: false, range: [-0.6, Math.max(0, lanes.length - 1) + 0.6], dir: -1 },
      },
      axes: [
        { label: 'clock', stroke: '#555', grid: { stroke: '#eee' }, space: 70, incrs: CLOCK_TICKS, values: (_u, splits) => splits.map((v) => formatClock(v)) },
        {
          stroke: '#555',
          size: Math.min(180, 16 + 7 * Math.max(4, ...lanes.map((l) => l.length))),
          grid: { show: false },
          splits: () => lanes.map((_l, i) => i),
          values: (_u, splits) => splits.map((i) => lanes[i] ?? ''),
        },
      ],
      series: [{}, { label: 'steps', stroke: 'transparent', points: { show: false } }],
      hooks: withDrawTiming('timeline', {
        draw: [(u) => this.drawBars(u)],
        setCursor: [(u) => this.onCursor(u)],
      }),
    };
  }

  private drawBars(u: uPlot): void {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const xmin = u.scales.x?.min ?? 0;
    const xmax = u.scales.x?.max ?? 1;
    const ratio = devicePixelRatio;
    const fills = new Map<string, Path2D>();
    const outlines = { failed: new Path2D(), running: new Path2D(), expired: new Path2D(), picked: new Path2D() };
    const picked = this.selection.picked;
    const pool = this.model?.pool ?? [];
    this.bars.forEach((bars, laneIndex) => {
      const y0 = u.valToPos(laneIndex - 0.36, 'y', true);
      const y1 = u.valToPos(laneIndex + 0.36, 'y', true);
      const y = Math.min(y0, y1);
      const h = Math.abs(y1 - y0);
      for (const bar of bars) {
        const end = this.endOf(bar);
        if (end < xmin || bar.start > xmax) continue;
        const x0 = u.valToPos(bar.start, 'x', true);
        const w = Math.max(ratio * (bar.kind === 'expired' ? 3 : 1), u.valToPos(end, 'x', true) - x0);
        if (bar.kind === 'expired') {
          outlines.expired.rect(x0, y, w, h);
          continue;
        }
        const color = this.colors.get(pool[bar.pipeline]?.model ?? '') ?? '#999';
        let path = fills.get(color);
        if (!path) fills.set(color, (path = new Path2D()));
        path.rect(x0, y, w, h);
        if (bar.kind === 'failed') outlines.failed.rect(x0, y, w, h);
        if (bar.kind === 'running') outlines.running.rect(x0, y, w, h);
        if (bar.pipeline === picked) outlines.picked.rect(x0 - ratio, y - ratio, w + 2 * ratio, h + 2 * ratio);
      }
    });
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    for (const [color, path] of fills) {
      ctx.fillStyle = color;
      ctx.fill(path);
    }
    ctx.fillStyle = '#9aa0a6';
    ctx.fill(outlines.expired);
    ctx.lineWidth = 1.5 * ratio;
    ctx.strokeStyle = FAILED;
    ctx.stroke(outlines.failed);
    ctx.setLineDash([4 * ratio, 3 * ratio]);
    ctx.strokeStyle = RUNNING;
    ctx.stroke(outlines.running);
    ctx.setLineDash([]);
    ctx.lineWidth = 2 * ratio;
    ctx.strokeStyle = '#111';
    ctx.stroke(outlines.picked);
    ctx.restore();
  }

  private barAt(u: uPlot, left: number, topPx: number): Bar | undefined {
    const lane = Math.round(u.posToVal(topPx, 'y'));
    const bars = this.bars[lane];
    if (!bars || bars.length === 0) return undefined;
    const x = u.posToVal(left, 'x');
    const slack = Math.abs(u.posToVal(left + 3, 'x') - x);
    // NOTE: one worker runs one step at a time, so its bars do not overlap: the last bar starting before x.
    let lo = 0;
    let hi = bars.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((bars[mid]?.start ?? 0) <= x + slack) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i >= Math.max(0, lo - 2); i--) {
      const bar = bars[i];
      if (bar && bar.start - slack <= x && x <= this.endOf(bar) + slack) return bar;
    }
    return undefined;
  }

  private onCursor(u: uPlot): void {
    const left = u.cursor.left ?? -1;
    const top = u.cursor.top ?? -1;
    const bar = left < 0 || top < 0 ? undefined : this.barAt(u, left, top);
    this.hovered = bar;
    if (!bar || !this.model) {
      this.tooltip.hidden = true;
      return;
    }
    const info = this.model.pool[bar.pipeline];
    const lines = [`${info?.model ?? '?'}  epoch ${bar.epoch}`, `pipeline ${info?.id ?? '?'}`];
    if (bar.step) {
      const s = bar.step;
      lines.push(
        `${formatClock(s.startedAt)} → ${formatClock(s.finishedAt)} (${formatSeconds(s.seconds)} s)${s.startKnown ? '' : ' (start estimated)'}`,
        s.failed ? `failed: ${s.error ?? '?'}` : `score ${formatScore(s.score)}${s.final ? ' (final)' : ''}`,
      );
    } else if (bar.kind === 'running') {
      lines.push(`running since ${formatClock(bar.start)}`);
    } else {
      lines.push(`claimed at ${formatClock(bar.start)}, expired: ${bar.note ?? ''}`);
    }
    this.tooltip.textContent = lines.join('\n');
    this.tooltip.hidden = false;
    const overWidth = u.over.clientWidth;
    this.tooltip.style.left = `${Math.min(left + 12, Math.max(0, overWidth - 300))}px`;
    this.tooltip.style.top = `${top + 14}px`;
  }

  private listen(u: uPlot): void {
    u.over.addEventListener('mousedown', (event) => (this.down = { x: event.clientX, y: event.clientY }));
    u.over.addEventListener('click', (event) => {
      const moved = this.down === undefined || Math.hypot(event.clientX - this.down.x, event.clientY - this.down.y) > 3;
      if (!moved && this.hovered) this.selection.pick(this.hovered.pipeline);
    });
    u.over.addEventListener('mouseleave', () => (this.tooltip.hidden = true));
  }
}

/** Which colour is which model (the models trained so far). */
export function renderModelLegend(container: HTMLElement, models: readonly string[], colors: ReadonlyMap<string, string>): void {
  const items = models.map((model) => {
    const swatch = el('span', { class: 'swatch' });
    swatch.style.background = colors.get(model) ?? '#999';
    return el('span', {}, swatch, model);
  });
  container.replaceChildren(...items);
}
