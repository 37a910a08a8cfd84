import type { PoolView } from '../core/pool-state.ts';
import { Random } from '../util/random.ts';
import type { OptimizerContext } from './context.ts';
import type { Optimizer, Suggestion } from './types.ts';

/**
 * Random search over full curves: a uniformly random untried pipeline, trained epoch after epoch until its
 * curve ends (or T), then the next one. The black-box baseline of the paper. With several workers, each
 * trains a curve of its own: a started, unfinished curve that is not running is continued first.
 */
export class RandomSearch implements Optimizer {
  readonly name = 'random';
  private readonly state: PoolView;
  private readonly random: Random;
  private readonly seed: number;

  constructor(context: OptimizerContext) {
    this.state = context.state;
    this.seed = context.seed;
    this.random = new Random(context.seed).fork();
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, seed: this.seed };
  }

  async ask(): Promise<Suggestion | null> {
    const state = this.state;
    const candidates = state.candidates();
    const started = candidates.filter((i) => state.epochsOf(i) > 0);
    const untried = candidates.filter((i) => state.epochsOf(i) === 0);
    // NOTE: a single started curve is continued without a draw, so one worker draws exactly as before.
    const i = started.length === 1 ? started[0] : started.length > 1 ? this.random.pick(started) : untried.length > 0 ? this.random.pick(untried) : undefined;
    if (i === undefined) return null;
    return { configId: state.ids[i] ?? '', epoch: state.epochsOf(i) + 1 };
  }

  async tell(): Promise<void> {}
}
