import { runDatasetSearch } from '../../search/dataset-search.ts';
import { createdText, searchJson, searchText } from '../../search/search-result.ts';
import { datasetSearchSettings } from '../../search/search-settings.ts';
import { formatDuration } from '../../util/duration.ts';
import type { CommandHandler } from '../context.ts';
import { ProgressLine } from '../progress.ts';

/**
 * `quicktune search --dataset DIR`: a real search on an image folder (docs/cli.md), durable in its run
 * directory, with a live progress line on a terminal and the best pipeline as the answer.
 */
const searchDataset: CommandHandler = async (options, context) => {
  const settings = datasetSearchSettings(options);
  const budget = settings.budgetSeconds;
  // NOTE: no total: the budget counts the whole run, so a bar or an ETA from this session's pace would mislead on resume.
  const progress = new ProgressLine({ label: 'steps', interactive: context.interactive, log: context.log });
  let steps = 0;
  let status = '';
  let best = Number.NEGATIVE_INFINITY;
  const show = (seconds: number): void => {
    progress.update(steps, `${status} ${formatDuration(Math.max(0, budget - seconds))} of ${formatDuration(budget)} left,`);
  };
  const outcome = await runDatasetSearch(settings, context.log, {
    onStart: (run) => {
      // NOTE: logged once the inputs are checked and the run is open, so bad input gets only its error line.
      context.log.info({ runDir: settings.runDir, trainer: settings.trainer, method: settings.method }, settings.resume ? 'resuming the search' : 'starting the search');
      steps = run.steps.length;
      for (const step of run.steps) if (step.score !== null && step.score > best) best = step.score;
      if (Number.isFinite(best)) status = `best ${best.toFixed(4)},`;
    },
    onStep: (record, run) => {
      if (record.score !== null && record.score > best) best = record.score;
      const model = (run.pool.find((p) => p.id === record.configId)?.config.model ?? '?').slice(0, 24);
      const last = record.status === 'ok' ? `${model} e${record.epoch} ${record.score?.toFixed(3)}` : `${model} e${record.epoch} failed`;
      steps = run.steps;
      status = `best ${Number.isFinite(best) ? best.toFixed(4) : '-'}, last ${last},`;
      show(record.finishedAt);
    },
    onTick: show,
  }).finally(() => progress.finish());
  // NOTE: `--workers 0` only creates a shared study: the answer is how to join it.
  const human = settings.workers === 0 ? createdText(outcome.run, settings.study ?? '') : searchText(outcome, settings.runDir);
  context.emit(searchJson(outcome), human);
};

export default searchDataset;
