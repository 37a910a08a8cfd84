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
 * Tabular replay of one meta-dataset task (spec/method.md section 10): training pipeline P from epoch t-1 to
 * t returns the recorded score of epoch t and charges the recorded seconds of that epoch only. A pipeline
 * must be continued one epoch at a time from where it stopped; a curve that ended (finished or diverged)
 * cannot be continued.
 */
export class ReplayTrainer implements Trainer {
  readonly name = 'replay';
  private readonly task: MetaTask;
  private readonly runs: ReadonlyMap<string, MetaConfig>;
  private readonly reached = new Map<string, number>();

  constructor(task: MetaTask) {
    this.task = task;
    this.runs = new Map(task.configs.map((run) => [run.id, run]));
  }

  describe(): Readonly<Record<string, unknown>> {
    return { trainer: this.name, task: this.task.name, pipelines: this.task.configs.length };
  }

  async train(step: TrainStep): Promise<StepOutcome> {
    if (step.signal.aborted) throw new TrainerError('replay step aborted');
    const run = this.runs.get(step.configId);
    if (run === undefined) throw new TrainerError(`task ${this.task.name} has no run '${step.configId}'`);
    const reached = this.reached.get(step.configId) ?? 0;
    if (step.epoch !== reached + 1) {
      throw new TrainerError(`run '${step.configId}' is at epoch ${reached}; a replay cannot run epoch ${step.epoch}`);
    }
    const recorded = run.scores.length;
    if (step.epoch > recorded) {
      throw new TrainerError(`run '${step.configId}' ended after epoch ${recorded}; it cannot be continued`);
    }
    this.reached.set(step.configId, step.epoch);
    return {
      score: run.scores[step.epoch - 1] ?? 0,
      seconds: run.costs[step.epoch - 1] ?? 0,
      final: step.epoch === recorded,
    };
  }
}
