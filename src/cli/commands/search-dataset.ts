import { runDatasetSearch } from '../../search/dataset-search.ts';
import { searchJson, searchText } from '../../search/search-result.ts';
import { datasetSearchSettings } from '../../search/search-settings.ts';
import { formatDuration } from '../../util/duration.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

/**
 * `quicktune search --dataset DIR`: a real search on an image folder (spec/cli.md), durable in its run
 * directory, with a live progress line on a terminal and the best pipeline as the answer.
 */
const searchDataset: CommandHandler = async (options, context) => {
  const settings = datasetSearchSettings(options);
  const budget = settings.budgetSeconds;
  const progress = new ProgressLine({ label: 's of budget', total: Math.round(budget), interactive: context.interactive, log: context.log });
  let status = 'starting';
  let best = Number.NEGATIVE_INFINITY;
  const show = (seconds: number): void => {
    const left = Math.max(0, budget - seconds);
    progress.update(Math.min(Math.round(seconds), Math.round(budget)), `${status}, ${formatDuration(left)} left`);
  };
  context.log.info({ runDir: settings.runDir, trainer: settings.trainer, method: settings.method }, settings.resume ? 'resuming the search' : 'starting the search');
  const outcome = await runDatasetSearch(settings, context.log, {
    onStep: (record, run) => {
      if (record.score !== null && record.score > best) best = record.score;
      const model = run.pool.find((p) => p.id === record.configId)?.config.model ?? '?';
      const last = record.status === 'ok' ? `${model} epoch ${record.epoch}: ${record.score?.toFixed(4)}` : `${model} epoch ${record.epoch} failed`;
      status = `${run.steps} steps, best ${Number.isFinite(best) ? best.toFixed(4) : '-'} (last: ${last})`;
      show(record.finishedAt);
    },
    onTick: show,
  }).finally(() => progress.finish());
  context.emit(searchJson(outcome), searchText(outcome, settings.runDir));
};

export default searchDataset;
