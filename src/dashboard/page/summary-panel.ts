import type { StudyModel } from '../view/study-model.ts';
import { byId, el, fieldElement, fillFacts, setField } from './dom.ts';
import { formatAgo, formatClock, formatDuration, formatScore } from './format.ts';

/**
 * The state of the search: the header badge (running, or why it stopped), steps by state, budget used and
 * left, pipelines tried, the best score, the warnings, and the facts of the run.
 */
export function renderSummary(model: StudyModel, now: number, nowMs: number): void {
  const live = model.live;
  const counts = model.counts();
  const badge = byId('search-state');
  const ended = live.stopReason !== null;
  const text = ended ? `ended: ${live.stopReason}` : live.clock.ticking ? 'running' : `quiet: last entry ${formatAgo(live.lastActivityAt, nowMs)}`;
  if (badge.textContent !== text) badge.textContent = text;
  badge.className = `badge ${ended ? 'ended' : live.clock.ticking ? 'running' : ''}`;
  badge.setAttribute('data-stop-reason', live.stopReason ?? '');
  const location = byId('location');
  if (location.textContent !== model.study.location) location.textContent = model.study.location;

  setField('steps-total', String(model.steps.length));
  setField('count-running', String(counts.running));
  setField('count-ok', String(counts.ok));
  setField('count-failed', String(counts.failed));
  setField('count-expired', String(counts.expired));

  const budget = live.budget.seconds;
  setField('budget-used', budget === null ? formatDuration(now) : `${formatDuration(now)} / ${formatDuration(budget)}`);
  const share = budget === null ? 0 : Math.min(1, now / budget);
  const bar = fieldElement('budget-bar');
  if (bar) bar.style.width = `${(share * 100).toFixed(1)}%`;
  const left = budget === null ? 'no time budget' : `${formatDuration(Math.max(0, budget - now))} left`;
  const steps = live.budget.maxSteps === null ? '' : ` · steps ${model.steps.length} of ${live.budget.maxSteps}`;
  setField('budget-left', `${left}${steps}`);

  const tried = model.pipelines().length;
  setField('pipelines-tried', `${tried} / ${model.pool.length}`);
  const finished = model.pipelines().filter((p) => p.finished).length;
  setField('pipelines-detail', `tried of the pool · ${finished} finished`);

  const incumbent = live.incumbent;
  setField('best-score', formatScore(incumbent?.score));
  setField('best-detail', incumbent === null ? 'no step has succeeded yet' : `${model.pool[incumbent.pipeline]?.model ?? '?'} · epoch ${incumbent.epoch}`);

  const warnings = byId('warnings');
  const warningText = live.warnings.join('\n');
  warnings.hidden = warningText === '';
  if (warnings.textContent !== warningText) warnings.textContent = warningText;

  renderWorkers(model, now);
  renderRunFacts(model, nowMs);
  document.title = `${incumbent ? formatScore(incumbent.score) : '–'} · ${model.steps.length} steps · quicktune`;
}

function renderWorkers(model: StudyModel, now: number): void {
  const workers = model.workers();
  setField('workers-count', `(${workers.length})`);
  const head = el('tr', {}, ...['worker', 'host', 'state', 'running', 'since', 'steps'].map((t) => el('th', {}, t)));
  const rows = workers.map((w) => {
    const running = w.running;
    const info = running === null ? undefined : model.pool[running.pipeline];
    const state = running ? 'running' : w.state === 'stopped' ? 'stopped' : 'idle';
    const what = running === null ? '–' : `${info?.model ?? '?'} · epoch ${running.epoch}`;
    const seen = w.lastSeen === null ? '' : ` (seen ${w.lastSeen})`;
    return el(
      'tr',
      { 'data-worker': w.id },
      el('td', { class: 'mono' }, w.id),
      el('td', {}, `${w.host ?? '–'}${seen}`),
      el('td', { class: `status-${state}` }, state),
      el('td', running === null ? {} : { title: `pipeline ${info?.id ?? '?'}` }, what),
      el('td', { class: 'num' }, running === null ? '–' : `${formatDuration(Math.max(0, now - running.startedAt))}`),
      el('td', { class: 'num' }, String(w.steps)),
    );
  });
  byId('workers-table').replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows));
}

function renderRunFacts(model: StudyModel, nowMs: number): void {
  const study = model.study;
  const sessions = model.live.sessions;
  const last = sessions.at(-1);
  fillFacts(byId('run-facts'), [
    ['dataset', study.dataset],
    ['method', study.method],
    ['trainer', study.trainer],
    ['seed', String(study.seed)],
    ['max epochs', String(study.maxEpochs)],
    ['created', `${study.createdAt} (quicktune ${study.quicktune})`],
    [
      'sessions',
      `${sessions.length}${last ? ` · last: ${last.role} on ${last.host} (pid ${last.pid}) started ${formatAgo(last.startedAt, nowMs)}${last.stop ? `, stopped (${last.stop.reason}) at ${formatClock(last.stop.seconds)}` : ''}` : ''}`,
    ],
    ['stop reason', model.live.stopReason ?? '– (running, or stopped without a stop record)', 'stop-reason'],
    ['last entry', formatAgo(model.live.lastActivityAt, nowMs)],
  ]);
}
