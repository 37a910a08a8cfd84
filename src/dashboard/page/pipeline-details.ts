import type { StudyModel } from '../view/study-model.ts';
import { el } from './dom.ts';
import { formatDuration, formatScore, formatValue } from './format.ts';

/**
 * The configuration of one pipeline (the hovered or picked one): model, state, curve summary and every
 * active hyperparameter.
 */
export function renderPipelineDetails(panel: HTMLElement, model: StudyModel, index: number | null, picked: boolean): void {
  const info = index === null ? undefined : model.pool[index];
  if (index === null || info === undefined) {
    panel.replaceChildren(el('p', { class: 'muted' }, 'Hover over a curve to see its pipeline; click it (or a row below) to keep it here.'));
    panel.removeAttribute('data-pipeline');
    return;
  }
  const pipeline = model.pipeline(index);
  const running = model.live.running.find((r) => r.pipeline === index);
  const state = pipeline ? model.stateOf(pipeline) : running ? 'running' : 'not trained yet';
  const incumbent = model.live.incumbent?.pipeline === index;
  const rows: Array<[string, string, string?]> = [
    ['pipeline', info.id],
    ['state', running ? `running epoch ${running.epoch} on ${running.worker}` : state],
    ['epochs', String(pipeline?.epochs ?? 0)],
    ['best', pipeline?.best === null || pipeline === undefined ? '–' : `${formatScore(pipeline.best)} at epoch ${pipeline.bestEpoch ?? '?'}${incumbent ? ' (incumbent)' : ''}`],
    ['last', formatScore(pipeline?.last)],
    ['time', formatDuration(pipeline?.seconds ?? 0)],
  ];
  const table = el('table', {});
  for (const [name, value] of rows) table.append(el('tr', {}, el('td', {}, name), el('td', {}, value)));
  const params = el('table', { 'data-field': 'pipeline-config' });
  params.append(el('tr', {}, el('td', {}, 'model'), el('td', {}, info.model)));
  for (const [name, value] of info.params) params.append(el('tr', {}, el('td', {}, name), el('td', {}, formatValue(value))));
  panel.replaceChildren(
    el('h4', {}, `${info.model}${picked ? '' : ' (hover)'}`),
    table,
    ...(pipeline?.error ? [el('p', { class: 'error' }, `failed: ${pipeline.error}`)] : []),
    el('h4', {}, 'Configuration'),
    params,
  );
  panel.setAttribute('data-pipeline', info.id);
}
