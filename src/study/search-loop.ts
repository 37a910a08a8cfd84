import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningStep, StepRecord, Suggestion } from '../core/step.ts';
import { trajectoryOf } from '../core/trajectory.ts';
import { getLogger } from '../logging.ts';
import type { Optimizer } from '../optimizer/types.ts';
import type { StepOutcome, Trainer } from '../trainers/types.ts';
import type { Clock, InFlight } from './clock.ts';
import type { StepResult, Study } from './study.ts';
import type { ReplicaChanges } from '../storage/replica.ts';

/** One place a step can run: a trainer of its own (its own process), and the devices it may use. */
export interface WorkerSlot {
  /** The worker id recorded with its claims and steps (unique within the study). */
  readonly id: string;
  readonly trainer: Trainer;
}

export interface SearchLoopOptions {
  readonly optimizer: Optimizer;
  /** The study: its state is what the optimizer reads; claims and records go through it. */
  readonly study: Study;
  /** Steps run at once: one per slot. */
  readonly slots: readonly WorkerSlot[];
  /** The last epoch any pipeline may reach (T). */
  readonly maxEpochs: number;
  /** Time as the search sees it (a resumed run's clock starts where the study's left off). */
  readonly clock: Clock;
  /**
   * Stop starting steps once the clock reaches this many seconds (running steps finish and are recorded).
   * The optimizer is told the seconds left at each ask, so a cost-aware one can avoid a step that would overrun.
   */
  readonly budgetSeconds?: number;
  /** Stop starting steps once the study holds this many (records and running steps, every worker's). */
  readonly maxSteps?: number;
  /** Called after each step this loop recorded (durable by then). */
  readonly onStep?: (record: StepRecord) => void | Promise<void>;
  /** The checkpoint folder a trainer gets for a pipeline (undefined for replay). */
  readonly checkpointDir?: (configId: string) => string | undefined;
  /** Aborting stops the search: running steps are interrupted and given back unrecorded, to run again later. */
  readonly signal?: AbortSignal;
  /** Shared studies: how often to look for other workers' results while this one has nothing to run. */
  readonly pollSeconds?: number;
}

export type StopReason = 'budget' | 'max-steps' | 'exhausted' | 'aborted';

export interface SearchOutcome {
  /** Every record of the study, previous sessions' and other workers' included, in commit order. */
  readonly records: readonly StepRecord[];
  readonly incumbent: { readonly configId: string; readonly epoch: number; readonly score: number } | undefined;
  /** Clock reading at the end, overhead included where the clock counts it. */
  readonly seconds: number;
  /** Wall seconds spent in the optimizer's ask and tell during this session. */
  readonly overheadSeconds: number;
  readonly stopReason: StopReason;
  /** (finishedAt, best score so far) at each improvement of the incumbent. */
  readonly trajectory: ReadonlyArray<readonly [number, number]>;
  /** Steps this loop recorded. */
  readonly recorded: number;
}

type Completion = { readonly ok: true; readonly outcome: StepOutcome } | { readonly ok: false; readonly error: string; readonly seconds: number };

interface Running {
  readonly claim: RunningStep;
  readonly flight: InFlight<Completion>;
  readonly controller: AbortController;
}

const log = getLogger('study');

/**
 * The search loop, for one slot or many: while a slot is free, ask the optimizer (which sees the pending
 * steps) and claim the step in the study; when a step finishes, record it through the study and tell the
 * optimizer; repeat until the budget, the step limit or the pool is exhausted. The same loop runs a real
 * search (real clock, trainers in their own processes), a worker of a shared study, and a replay (simulated
 * clock, recorded curves). It owns neither trainers nor optimizer (the caller closes and disposes them). A
 * trainer failure is recorded as a failed, final step; a suggestion that is not a valid next step is a bug.
 */
export async function runSearchLoop(options: SearchLoopOptions): Promise<SearchOutcome> {
  const { optimizer, study, clock, slots } = options;
  const state = study.state;
  const running = new Map<number, Running>();
  let overhead = 0;
  let recorded = 0;
  let stopping: StopReason | undefined;
  /** Slots whose best step was predicted to end past the budget: they start no more steps. */
  const outOfBudget = new Set<number>();

  const timed = async <T>(slot: number, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      overhead += seconds;
      clock.chargeOverhead(seconds, slot);
    }
  };
  const tellAll = (slot: number) => async (changes: ReplicaChanges) => {
    for (const record of changes.records) await timed(slot, () => optimizer.tell(record));
  };

  for (const record of state.records) await timed(0, () => optimizer.tell(record));

  /** Seconds left of the budget on slot k's clock (undefined without a budget). */
  const secondsLeft = (k: number): number | undefined => (options.budgetSeconds === undefined ? undefined : options.budgetSeconds - clock.readyAt(k));
  const stepsAtLimit = (): boolean => options.maxSteps !== undefined && state.records.length + state.pending.length >= options.maxSteps;

  /** Starts steps on free slots; stops at the first slot for which the optimizer has nothing. */
  const fill = async (): Promise<void> => {
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k];
      if (!slot || running.has(k) || outOfBudget.has(k) || stopping !== undefined) continue;
      if (options.signal?.aborted) return;
      const remainingSeconds = secondsLeft(k);
      if (remainingSeconds !== undefined && remainingSeconds <= 0) {
        stopping = 'budget';
        return;
      }
      if (stepsAtLimit()) {
        stopping = 'max-steps';
        return;
      }
      // NOTE: the step limit is checked again inside the claim's exclusive section, against every worker's
      // claims and records as storage holds them, so many workers never overshoot it.
      let decidedAfterBudget = false;
      const decide = async (): Promise<Suggestion | null> => {
        if (stepsAtLimit()) return null;
        const suggestion = await timed(k, () => optimizer.ask(remainingSeconds === undefined ? { slot: k } : { remainingSeconds, slot: k }));
        // NOTE: deciding takes time (a refit, the acquisition): a decision the budget ran out during starts no step.
        const left = secondsLeft(k);
        decidedAfterBudget = left !== undefined && left <= 0;
        if (decidedAfterBudget) return null;
        if (suggestion !== null && left !== undefined && endsPastBudget(suggestion, left, k)) {
          outOfBudget.add(k);
          return null;
        }
        return suggestion;
      };
      const claim = await study.claim(slot.id, () => clock.readyAt(k), decide, tellAll(k));
      if (claim === null) {
        if (decidedAfterBudget) stopping = 'budget';
        else if (outOfBudget.has(k)) {
          if (outOfBudget.size === slots.length) stopping = 'budget';
          continue;
        } else if (stepsAtLimit()) stopping = 'max-steps';
        return;
      }
      running.set(k, start(k, slot, claim));
    }
  };

  /**
   * Whether a step is predicted to end past the budget. A cost-aware optimizer already passes over the steps
   * that would while any other fits, so its choice ending past the budget means none fits: starting it anyway
   * overran a 15-minute search by a 3-minute step. Without a prediction, or before the study holds a
   * successful step (a search should end with an incumbent), the step starts.
   */
  const endsPastBudget = (suggestion: Suggestion, left: number, k: number): boolean => {
    if (suggestion.predictedSeconds === undefined || state.observations === 0 || suggestion.predictedSeconds <= left) return false;
    log.info({ worker: slots[k]?.id, predictedSeconds: Number(suggestion.predictedSeconds.toFixed(2)), secondsLeft: Number(left.toFixed(2)) }, 'no step fits in the budget left; this worker starts no more');
    return true;
  };

  const start = (k: number, slot: WorkerSlot, claim: RunningStep): Running => {
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(options.signal?.reason);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const config = study.configOf(claim.configId);
    const began = performance.now();
    const done = (async (): Promise<Completion> => {
      try {
        if (config === undefined) throw new Error(`pipeline '${claim.configId}' has no config`);
        const outcome = await slot.trainer.train({
          configId: claim.configId,
          config,
          epoch: claim.epoch,
          maxEpochs: options.maxEpochs,
          checkpointDir: options.checkpointDir?.(claim.configId),
          signal: controller.signal,
        });
        return { ok: true, outcome };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error), seconds: (performance.now() - began) / 1000 };
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    })();
    const flight: InFlight<Completion> = {
      slot: k,
      startedAt: claim.startedAt,
      done,
      seconds: (result) => (result.ok ? result.outcome.seconds : result.seconds),
    };
    return { claim, flight, controller };
  };

  const resultOf = (completion: Completion, claim: RunningStep, finishedAt: number): StepResult => {
    if (completion.ok) {
      return {
        score: completion.outcome.score,
        seconds: completion.outcome.seconds,
        status: 'ok',
        final: completion.outcome.final === true || claim.epoch >= options.maxEpochs,
        finishedAt,
      };
    }
    log.warn({ configId: claim.configId, epoch: claim.epoch, worker: claim.worker, err: completion.error }, 'step failed; pipeline dropped');
    return {
      score: null,
      seconds: completion.seconds,
      status: 'failed',
      final: true,
      error: completion.error.split('\n')[0]?.slice(0, 200) ?? 'failed',
      finishedAt,
    };
  };

  const heartbeat = study.backend.shared ? startHeartbeats(study, slots, running) : undefined;
  try {
    for (;;) {
      if (options.signal?.aborted) {
        stopping = 'aborted';
        break;
      }
      await fill();
      if (options.signal?.aborted) continue;
      const idle = running.size < slots.length && stopping === undefined;
      if (running.size === 0) {
        if (stopping !== undefined) break;
        // NOTE: in a shared study other workers' running steps may free pipelines (or end the pool) later.
        if (study.backend.shared && state.pending.length > 0) {
          await pause(options.pollSeconds ?? 1, options.signal);
          await tellAll(0)(await study.sync());
          continue;
        }
        // NOTE: slots that ran out of budget while the others found nothing to run: the budget ended it.
        stopping = state.exhausted ? 'exhausted' : (stopping ?? (outOfBudget.size > 0 ? 'budget' : 'exhausted'));
        break;
      }
      const next = clock.next([...running.values()].map((r) => r.flight));
      const poll = idle && study.backend.shared ? pause(options.pollSeconds ?? 1, options.signal).then(() => undefined) : undefined;
      const finished = poll ? await Promise.race([next, poll]) : await next;
      if (finished === undefined) {
        await tellAll(0)(await study.sync());
        continue;
      }
      const entry = running.get(finished.step.slot);
      if (!entry) continue;
      running.delete(finished.step.slot);
      if (options.signal?.aborted || (entry.controller.signal.aborted && !finished.result.ok)) {
        // NOTE: an interrupted step did not fail: giving its claim back lets it run again later.
        await study.release([entry.claim], entry.controller.signal.aborted && !options.signal?.aborted ? 'its lease was lost' : 'the search was interrupted');
        continue;
      }
      const record = await study.finish(entry.claim, resultOf(finished.result, entry.claim, finished.finishedAt), tellAll(finished.step.slot));
      if (record === undefined) continue;
      recorded++;
      await options.onStep?.(record);
    }
    if (running.size > 0) {
      for (const entry of running.values()) entry.controller.abort(new Error('the search stopped'));
      await Promise.all([...running.values()].map((r) => r.flight.done));
      await study.release([...running.values()].map((r) => r.claim), 'the search was interrupted');
      running.clear();
    }
  } finally {
    heartbeat?.stop();
  }

  const records = state.records;
  const best = state.incumbent;
  const seconds = Math.max(clock.now(), ...slots.map((_, k) => clock.readyAt(k)));
  return {
    records,
    incumbent: best && { configId: state.ids[best.pipeline] ?? '', epoch: best.epoch, score: best.score },
    seconds,
    overheadSeconds: overhead,
    stopReason: stopping ?? 'exhausted',
    trajectory: trajectoryOf(records),
    recorded,
  };
}

async function pause(seconds: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(seconds * 1000, undefined, signal ? { signal } : {});
  } catch {
    // NOTE: an abort ends the pause early; the loop sees the signal next.
  }
}

/** Renews the leases of running steps every third of a lease; a lost lease interrupts its step. */
function startHeartbeats(study: Study, slots: readonly WorkerSlot[], running: ReadonlyMap<number, Running>): { stop(): void } {
  const every = Math.max(1, (study.leaseLength ?? 60) / 3) * 1000;
  const timer = setInterval(() => {
    slots.forEach((slot, k) => {
      const entry = running.get(k);
      study.renew(slot.id, entry ? [entry.claim] : []).then(
        (lost) => {
          if (entry && lost.length > 0) entry.controller.abort(new Error('the lease of this step was lost'));
        },
        (error: unknown) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'heartbeat failed; retrying'),
      );
    });
  }, every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
