import { StudyModel, type ModelChange } from '../view/study-model.ts';
import { modelColors } from './colors.ts';
import { Connection, type ConnectionStatus } from './connection.ts';
import { CurvesChart, type TopK } from './curves-chart.ts';
import { byId } from './dom.ts';
import { BestChart, renderIncumbentFacts } from './incumbent-panel.ts';
import { renderPipelineDetails } from './pipeline-details.ts';
import { Selection } from './selection.ts';
import { renderSummary } from './summary-panel.ts';
import { modelsTable, pipelinesTable, stepsTable } from './tables.ts';
import { renderModelLegend, TimelineChart } from './timeline-chart.ts';

/**
 * The dashboard page: one StudyModel fed by the server's event stream, and panels redrawn from it at most
 * once per animation frame (messages that arrive together are drawn once). A second timer moves the clock on,
 * so running steps and the budget advance between messages.
 *
 * Timing marks for the bench (docs/dashboard.md): `qt-ready` after the first full render, a `qt-render`
 * measure per render whose detail holds the number of steps drawn, a `qt-panel` measure per panel, and a
 * `qt-painted` mark in the frame after (the render is on screen).
 */
const model = new StudyModel();
const selection = new Selection();
const curves = new CurvesChart(byId('curves-chart'), selection);
const best = new BestChart(byId('best-chart'));
const timeline = new TimelineChart(byId('timeline-chart'), selection);
const pick = (index: number): void => selection.pick(selection.picked === index ? null : index);
const models = modelsTable(byId('models-table'));
const pipelines = pipelinesTable(byId('pipelines-table'), pick);
const steps = stepsTable(byId('steps-table'), model, pick);
const topK = byId<HTMLSelectElement>('top-k');
const failedOnly = byId<HTMLInputElement>('failed-only');
const details = byId('pipeline-details');

let pending: ModelChange | undefined;
let frame = 0;
let rendered = false;
let receivedAt = 0;

function topKValue(): TopK {
  return topK.value === 'all' ? 'all' : Number(topK.value) || 25;
}

function now(): number {
  return model.clockAt(Date.now());
}

function schedule(change: ModelChange): void {
  pending = pending === undefined ? change : { reset: pending.reset || change.reset, newSteps: pending.newSteps + change.newSteps, newExpired: pending.newExpired + change.newExpired };
  if (frame === 0) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = 0;
  const change = pending;
  pending = undefined;
  if (!change || !model.ready) return;
  const start = performance.now();
  const clock = now();
  if (change.reset) {
    const colors = modelColors(model.pool.map((p) => p.model));
    curves.setColors(colors);
    timeline.setColors(colors);
    renderModelLegend(byId('model-legend'), [...new Set(model.pool.map((p) => p.model))], colors);
  }
  timed('summary', () => renderSummary(model, clock, Date.now()));
  timed('incumbent', () => renderIncumbentFacts(byId('incumbent-facts'), model));
  timed('best-chart', () => best.update(model, clock));
  timed('curves', () => curves.update(model, topKValue()));
  timed('timeline', () => timeline.update(model, clock));
  timed('tables', () => renderTables(!change.reset));
  timed('details', renderDetails);
  performance.measure('qt-render', { start, end: performance.now(), detail: { steps: model.steps.length, reset: change.reset, sinceMessage: start - receivedAt } });
  if (!rendered) {
    rendered = true;
    performance.mark('qt-ready', { detail: { steps: model.steps.length } });
    document.documentElement.dataset.ready = 'true';
  }
  document.documentElement.dataset.steps = String(model.steps.length);
  // NOTE: uPlot draws when this frame's callbacks end; the next frame's callback runs once it is on screen.
  const drawn = model.steps.length;
  requestAnimationFrame(() => performance.mark('qt-painted', { detail: { steps: drawn } }));
}

/** Runs one panel's render under a `qt-panel` measure (the bench reports where the time goes). */
function timed(panel: string, render: () => void): void {
  const start = performance.now();
  render();
  performance.measure('qt-panel', { start, end: performance.now(), detail: { panel, steps: model.steps.length } });
}

/** `grown`: the steps are the ones shown before plus new ones (no snapshot, no filter change since). */
function renderTables(grown: boolean): void {
  const running = model.runningPipelines();
  models.setRows(model.models());
  pipelines.setRows(model.pipelines().map((pipeline) => ({ pipeline, state: model.stateOf(pipeline, running) })));
  if (failedOnly.checked) steps.setRows(model.steps.filter((s) => s.failed));
  else steps.setRows(model.steps, grown);
  byId('pipelines-panel').querySelector('[data-field="pipelines-count"]')?.replaceChildren(`(${model.pipelines().length})`);
  byId('steps-panel').querySelector('[data-field="steps-count"]')?.replaceChildren(`(${model.steps.length})`);
}

function renderDetails(): void {
  renderPipelineDetails(details, model, selection.shown, selection.shown === selection.picked);
}

function setConnection(status: ConnectionStatus): void {
  const dot = byId('connection');
  dot.className = `connection ${status === 'live' ? 'live' : status === 'lost' ? 'lost' : ''}`;
  dot.title = status === 'live' ? 'live: updates arrive as steps finish' : status === 'lost' ? 'connection lost: retrying' : 'connecting…';
  dot.setAttribute('data-status', status);
}

selection.onChange((change) => {
  if (!model.ready) return;
  renderDetails();
  // NOTE: hovering only changes the description; picking also re-styles the curves and outlines the bars.
  if (change === 'hover') return;
  const picked = selection.picked;
  const id = picked === null ? null : (model.pool[picked]?.id ?? null);
  pipelines.select(id);
  if (id !== null) pipelines.reveal(id);
  curves.update(model, topKValue());
  timeline.tick(now());
});

topK.addEventListener('change', () => model.ready && curves.update(model, topKValue()));
failedOnly.addEventListener('change', () => model.ready && renderTables(false));

new Connection('/api/events', {
  onSnapshot(message) {
    receivedAt = performance.now();
    performance.mark('qt-message', { detail: { kind: 'snapshot', steps: message.steps.length } });
    schedule(model.reset(message, Date.now()));
  },
  onDelta(message) {
    receivedAt = performance.now();
    performance.mark('qt-message', { detail: { kind: 'delta', steps: message.cursor.steps } });
    const change = model.apply(message, Date.now());
    if (change) schedule(change);
    return change !== undefined;
  },
  onStatus: setConnection,
}).open();

setInterval(() => {
  if (!model.ready || !rendered || document.hidden) return;
  const clock = now();
  renderSummary(model, clock, Date.now());
  // NOTE: a stopped study's clock stands still: nothing on the timeline moves, so it is not redrawn.
  if (model.live.clock.ticking) timeline.tick(clock);
}, 1000);
