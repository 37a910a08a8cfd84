import { setTimeout as sleep } from 'node:timers/promises';
import { TrainerError } from '../errors.ts';
import type { MetaConfig, MetaTask } from '../metadata/types.ts';
import type { Config, Pipeline } from '../space/types.ts';
import type { StepOutcome, Trainer, TrainStep } from './types.ts';

/**
 * The candidate pool of a meta-dataset task: one pipeline per recorded run with at least one epoch
 * (a run without any epoch has no score and no cost to replay), id = config_id, in file order.
 */
export function pipelinesOf(task: MetaTask): Pipeline[] {
  return task.configs.filter((run) => run.scores.length > 0).map((run) => ({ id: run.id, config: configOf(run) }));
}

function configOf(run: MetaConfig): Config {
  return { ...run.values, model: run.model };
}

/**
 * Tabular replay of one meta-dataset task (docs/method.md §10.1): training pipeline P from epoch t-1 to
 * t returns the recorded score of epoch t and charges the recorded seconds of that epoch only. A pipeline
 * is continued one epoch at a time from where it stopped (the study checks that, so workers of one study in
 * several processes can share the task); a curve that ended (finished or diverged) cannot be continued.
 */
export class ReplayTrainer implements Trainer {
  readonly name = 'replay';
  private readonly task: MetaTask;
  private readonly runs: ReadonlyMap<string, MetaConfig>;
  private readonly timeScale: number | undefined;

  /**
   * `timeScale`: sleep the recorded seconds times this before answering, and charge what was slept (a real-time
   * replay, for trying parallel and distributed search anywhere); absent: answer at once (the simulator).
   */
  constructor(task: MetaTask, options: { readonly timeScale?: number } = {}) {
    this.task = task;
    this.runs = new Map(task.configs.map((run) => [run.id, run]));
    this.timeScale = options.timeScale;
  }

  describe(): Readonly<Record<string, unknown>> {
    return { trainer: this.name, task: this.task.name, pipelines: this.task.configs.length };
  }

  async train(step: TrainStep): Promise<StepOutcome> {
    if (step.signal.aborted) throw new TrainerError('replay step aborted');
    const run = this.runs.get(step.configId);
    if (run === undefined) throw new TrainerError(`task ${this.task.name} has no run '${step.configId}'`);
    const recorded = run.scores.length;
    if (step.epoch > recorded) {
      throw new TrainerError(`run '${step.configId}' ended after epoch ${recorded}; it cannot be continued`);
    }
    const recordedSeconds = run.costs[step.epoch - 1] ?? 0;
    if (this.timeScale !== undefined) {
      try {
        await sleep(recordedSeconds * this.timeScale * 1000, undefined, { signal: step.signal });
      } catch {
        throw new TrainerError('replay step aborted');
      }
    }
    return {
      score: run.scores[step.epoch - 1] ?? 0,
      seconds: this.timeScale === undefined ? recordedSeconds : recordedSeconds * this.timeScale,
      final: step.epoch === recorded,
    };
  }
}
