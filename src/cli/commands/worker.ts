import { QuickTuneError } from '../../errors.ts';
import { formatIncumbent } from '../../report/render-report.ts';
import { summarizeRun } from '../../report/run-summary.ts';
import { runWorker, type WorkerOutcome } from '../../search/study-worker.ts';
import { workerSettings } from '../../search/worker-settings.ts';
import { formatDuration } from '../../util/duration.ts';
import type { CommandHandler } from '../context.ts';

const REASONS: Readonly<Record<string, string>> = {
  budget: "the study's budget is spent",
  'max-steps': "the study's step limit is reached",
  exhausted: 'every pipeline of the study is finished',
};

/** Exit status of a worker stopped by Ctrl-C or SIGTERM before its study ended (128 + SIGINT, by custom). */
const INTERRUPTED_EXIT = 130;

/**
 * `quicktune worker --storage URL --study NAME [...]`: joins a study in shared storage, runs its steps until it
 * is over and exits 0; stopped before that (Ctrl-C, SIGTERM), it gives its running steps back and exits 130, so
 * a supervisor that restarts failed workers starts it again.
 */
const worker: CommandHandler = async (options, context) => {
  const settings = workerSettings(options);
  const outcome = await runWorker(settings, context.log, {
    onStart: (run) =>
      context.log.info({ storage: run.location, steps: run.steps.length, budget: run.budget, workers: settings.workers }, 'joined the study'),
    onStep: (record) => context.log.debug({ configId: record.configId, epoch: record.epoch, score: record.score, worker: record.worker }, 'step recorded'),
  });
  context.emit(workerJson(outcome), workerText(outcome));
  if (outcome.stopReason === 'aborted') {
    throw new QuickTuneError('worker.interrupted', `${outcome.location}: the worker was interrupted before the study ended; its running steps go back to the queue`, INTERRUPTED_EXIT);
  }
};

function workerJson(outcome: WorkerOutcome): Record<string, unknown> {
  const incumbent = summarizeRun(outcome.run).incumbent;
  return {
    stop_reason: outcome.stopReason,
    session: outcome.session,
    session_steps: outcome.sessionSteps,
    steps: outcome.run.steps.length,
    seconds: outcome.seconds,
    incumbent: incumbent ? { config_id: incumbent.configId, config: incumbent.config, score: incumbent.score, epoch: incumbent.epoch } : null,
  };
}

function workerText(outcome: WorkerOutcome): string {
  const summary = summarizeRun(outcome.run);
  const why = REASONS[outcome.stopReason] ?? 'interrupted';
  return [
    `Worker stopped: ${why}. ${outcome.sessionSteps} steps recorded by this worker (session ${outcome.session}); ` +
      `the study holds ${summary.steps} steps, ${formatDuration(outcome.seconds)} on its clock.`,
    '',
    formatIncumbent(summary.incumbent, outcome.run.space),
    '',
    `Study: ${outcome.location}`,
  ].join('\n');
}

export default worker;
