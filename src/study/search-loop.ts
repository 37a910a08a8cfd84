import { InternalError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import { PoolState } from '../optimizer/pool-state.ts';
import type { Optimizer } from '../optimizer/types.ts';
import type { Pipeline } from '../space/types.ts';
import type { Trainer } from '../trainers/types.ts';
import type { Clock, StepRecord } from './types.ts';

export interface SearchLoopOptions {
  readonly optimizer: Optimizer;
  readonly trainer: Trainer;
  /** The candidate pool; every suggestion must name one of these ids. */
  readonly pipelines: readonly Pipeline[];
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
  /**
   * Time as the search sees it. For a resumed run, build it so that it starts at the last previous record's
   * `finishedAt` (RealClock(startAt) / SimulatedClock({startAt})).
   */
  readonly clock: Clock;
  /**
   * Stop once the clock reaches this many seconds (the step running then finishes and is recorded). The
   * optimizer is told the seconds left at each ask, so a cost-aware one can avoid a step that would overrun.
   */
  readonly budgetSeconds?: number;
  /** Stop after this many steps in total, previous ones included. */
  readonly maxSteps?: number;
  /** Records of earlier sessions of this run, in the order they finished: told to the optimizer, not re-run. */
  readonly previous?: readonly StepRecord[];
  /** Called with each new record and awaited before the optimizer learns of it and the next step starts. */
  readonly onStep?: (record: StepRecord) => void | Promise<void>;
  /** The checkpoint folder a trainer gets for a pipeline (undefined for replay). */
  readonly checkpointDir?: (configId: string) => string | undefined;
  /** Aborting stops the search after the running step (whose trainer also sees the signal). */
  readonly signal?: AbortSignal;
}

export type StopReason = 'budget' | 'max-steps' | 'exhausted' | 'aborted';

export interface SearchOutcome {
  /** Every record of the run, previous sessions first. */
  readonly records: readonly StepRecord[];
  readonly incumbent: { readonly configId: string; readonly epoch: number; readonly score: number } | undefined;
  /** Clock reading at the end, overhead included where the clock counts it. */
  readonly seconds: number;
  /** Wall seconds spent in the optimizer's ask and tell during this session. */
  readonly overheadSeconds: number;
  readonly stopReason: StopReason;
  /** (finishedAt, best score so far) at each improvement of the incumbent. */
  readonly trajectory: ReadonlyArray<readonly [number, number]>;
}

const log = getLogger('study');

/**
 * The search loop: ask the optimizer for a (pipeline, epoch) step, run it with the trainer, make it durable
 * through `onStep`, tell the optimizer, repeat until the budget, the step limit or the pool is exhausted.
 * It owns neither the trainer nor the optimizer (the caller closes and disposes them). A trainer failure is
 * recorded as a failed, final step; a suggestion that is not a pipeline's next epoch is a bug (InternalError).
 */
export async function runSearchLoop(options: SearchLoopOptions): Promise<SearchOutcome> {
  const { optimizer, trainer, clock } = options;
  const configs = new Map(options.pipelines.map((p) => [p.id, p.config]));
  const state = new PoolState(
    options.pipelines.map((p) => p.id),
    options.maxEpochs,
  );
  const records: StepRecord[] = [];
  const trajectory: Array<[number, number]> = [];
  let overhead = 0;

  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      overhead += seconds;
      clock.chargeOverhead?.(seconds);
    }
  };
  const accept = (record: StepRecord): void => {
    const before = state.bestScore;
    state.observe(record);
    records.push(record);
    if (state.bestScore > before) trajectory.push([record.finishedAt, state.bestScore]);
  };

  for (const record of options.previous ?? []) {
    accept(record);
    await timed(() => optimizer.tell(record));
  }

  let stopReason: StopReason;
  for (;;) {
    if (options.signal?.aborted) {
      stopReason = 'aborted';
      break;
    }
    if (options.budgetSeconds !== undefined && clock.now() >= options.budgetSeconds) {
      stopReason = 'budget';
      break;
    }
    if (options.maxSteps !== undefined && records.length >= options.maxSteps) {
      stopReason = 'max-steps';
      break;
    }
    const remainingSeconds = options.budgetSeconds === undefined ? undefined : options.budgetSeconds - clock.now();
    const suggestion = await timed(() => optimizer.ask(remainingSeconds === undefined ? {} : { remainingSeconds }));
    if (suggestion === null) {
      stopReason = 'exhausted';
      break;
    }
    const problem = state.problemWith(suggestion);
    if (problem !== undefined) throw new InternalError(`optimizer '${optimizer.name}' proposed an invalid step: ${problem}`);
    const config = configs.get(suggestion.configId);
    if (config === undefined) throw new InternalError(`pipeline '${suggestion.configId}' has no config`);

    const started = performance.now();
    let record: StepRecord;
    try {
      const outcome = await trainer.train({
        configId: suggestion.configId,
        config,
        epoch: suggestion.epoch,
        maxEpochs: options.maxEpochs,
        checkpointDir: options.checkpointDir?.(suggestion.configId),
        signal: options.signal ?? new AbortController().signal,
      });
      clock.advance(outcome.seconds);
      record = {
        configId: suggestion.configId,
        epoch: suggestion.epoch,
        score: outcome.score,
        seconds: outcome.seconds,
        status: 'ok',
        final: outcome.final === true || suggestion.epoch >= options.maxEpochs,
        finishedAt: clock.now(),
      };
    } catch (error) {
      const seconds = (performance.now() - started) / 1000;
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ configId: suggestion.configId, epoch: suggestion.epoch, err: message }, 'step failed; pipeline dropped');
      clock.advance(seconds);
      record = {
        configId: suggestion.configId,
        epoch: suggestion.epoch,
        score: null,
        seconds,
        status: 'failed',
        final: true,
        error: message.split('\n')[0]?.slice(0, 200) ?? 'failed',
        finishedAt: clock.now(),
      };
    }
    accept(record);
    await options.onStep?.(record);
    await timed(() => optimizer.tell(record));
  }

  const best = state.incumbent;
  return {
    records,
    incumbent: best && { configId: state.ids[best.pipeline] ?? '', epoch: best.epoch, score: best.score },
    seconds: clock.now(),
    overheadSeconds: overhead,
    stopReason,
    trajectory,
  };
}
