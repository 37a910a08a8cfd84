import type { ModelView, PipelineState, PipelineView, StepView, StudyModel } from '../view/study-model.ts';
import { formatClock, formatScore, formatSeconds } from './format.ts';
import { VirtualTable, type Column } from './virtual-table.ts';

/** A pipeline row: the pipeline and its state now. */
export interface PipelineRow {
  readonly pipeline: PipelineView;
  readonly state: PipelineState;
}

/** Per model: pipelines tried, steps (and how many run now), failures, best score. */
export function modelsTable(container: HTMLElement): VirtualTable<ModelView> {
  const columns: Column<ModelView>[] = [
    { key: 'model', title: 'model', sortValue: (m) => m.model, text: (m) => m.model },
    { key: 'pipelines', title: 'pipelines', numeric: true, sortValue: (m) => m.pipelines, text: (m) => String(m.pipelines) },
    // NOTE: steps running now show as "+n" (a half-width panel has no room for one more column).
    { key: 'steps', title: 'steps', numeric: true, sortValue: (m) => m.steps, text: (m) => (m.running > 0 ? `${m.steps} +${m.running}` : String(m.steps)), tooltip: (m) => (m.running > 0 ? `${m.running} running now` : undefined) },
    { key: 'failed', title: 'failed', numeric: true, sortValue: (m) => m.failed, text: (m) => String(m.failed), cellClass: (m) => (m.failed > 0 ? 'status-failed' : undefined) },
    { key: 'best', title: 'best', numeric: true, sortValue: (m) => m.best, text: (m) => formatScore(m.best) },
  ];
  return new VirtualTable(container, { columns, rowKey: (m) => m.model, sort: { key: 'best', descending: true }, maxHeight: 360, label: 'models' });
}

/** Every pipeline trained so far: state, epochs, best, last, time, error. A click picks it. */
export function pipelinesTable(container: HTMLElement, onPick: (index: number) => void): VirtualTable<PipelineRow> {
  const columns: Column<PipelineRow>[] = [
    { key: 'id', title: 'pipeline', sortValue: (r) => r.pipeline.info.id, text: (r) => r.pipeline.info.id },
    { key: 'model', title: 'model', sortValue: (r) => r.pipeline.info.model, text: (r) => r.pipeline.info.model },
    { key: 'state', title: 'state', sortValue: (r) => r.state, text: (r) => r.state, cellClass: (r) => `status-${r.state}` },
    { key: 'epochs', title: 'epochs', numeric: true, sortValue: (r) => r.pipeline.epochs, text: (r) => String(r.pipeline.epochs) },
    { key: 'best', title: 'best', numeric: true, sortValue: (r) => r.pipeline.best, text: (r) => formatScore(r.pipeline.best) },
    { key: 'bestEpoch', title: 'at epoch', numeric: true, sortValue: (r) => r.pipeline.bestEpoch, text: (r) => String(r.pipeline.bestEpoch ?? '–') },
    { key: 'last', title: 'last', numeric: true, sortValue: (r) => r.pipeline.last, text: (r) => formatScore(r.pipeline.last) },
    { key: 'seconds', title: 'seconds', numeric: true, sortValue: (r) => r.pipeline.seconds, text: (r) => formatSeconds(r.pipeline.seconds) },
    { key: 'error', title: 'error', sortValue: (r) => r.pipeline.error, text: (r) => r.pipeline.error ?? '', cellClass: () => 'error', tooltip: (r) => r.pipeline.error ?? undefined },
  ];
  return new VirtualTable(container, {
    columns,
    rowKey: (r) => r.pipeline.info.id,
    sort: { key: 'best', descending: true },
    maxHeight: 360,
    label: 'pipelines',
    onRowClick: (r) => onPick(r.pipeline.index),
  });
}

/** Every finished step, newest first: worker, pipeline, epoch, score or error, times. A click picks its pipeline. */
export function stepsTable(container: HTMLElement, model: StudyModel, onPick: (index: number) => void): VirtualTable<StepView> {
  const pool = (): StudyModel['pool'] => model.pool;
  const columns: Column<StepView>[] = [
    { key: 'seq', title: '#', numeric: true, sortValue: (s) => s.seq, text: (s) => String(s.seq) },
    { key: 'finishedAt', title: 'finished', numeric: true, sortValue: (s) => s.finishedAt, text: (s) => formatClock(s.finishedAt) },
    { key: 'worker', title: 'worker', sortValue: (s) => s.worker, text: (s) => s.worker ?? '–' },
    { key: 'model', title: 'model', sortValue: (s) => pool()[s.pipeline]?.model ?? '', text: (s) => pool()[s.pipeline]?.model ?? '?' },
    { key: 'pipeline', title: 'pipeline', sortValue: (s) => pool()[s.pipeline]?.id ?? '', text: (s) => pool()[s.pipeline]?.id ?? '?' },
    { key: 'epoch', title: 'epoch', numeric: true, sortValue: (s) => s.epoch, text: (s) => String(s.epoch) },
    { key: 'status', title: 'status', sortValue: (s) => (s.failed ? 'failed' : 'ok'), text: (s) => (s.failed ? 'failed' : s.final ? 'ok (final)' : 'ok'), cellClass: (s) => (s.failed ? 'status-failed' : undefined) },
    { key: 'score', title: 'score', numeric: true, sortValue: (s) => s.score, text: (s) => formatScore(s.score) },
    { key: 'seconds', title: 'seconds', numeric: true, sortValue: (s) => s.seconds, text: (s) => formatSeconds(s.seconds) },
    { key: 'predicted', title: 'predicted', numeric: true, sortValue: (s) => s.predictedSeconds, text: (s) => formatSeconds(s.predictedSeconds) },
    { key: 'error', title: 'error', sortValue: (s) => s.error, text: (s) => s.error ?? '', cellClass: () => 'error', tooltip: (s) => s.error ?? undefined },
  ];
  return new VirtualTable(container, {
    columns,
    rowKey: (s) => String(s.seq),
    sort: { key: 'seq', descending: true },
    maxHeight: 420,
    label: 'steps',
    onRowClick: (s) => onPick(s.pipeline),
  });
}
