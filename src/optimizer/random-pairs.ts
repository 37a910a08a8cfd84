import type { PoolView } from '../core/pool-state.ts';
import { Random } from '../util/random.ts';
import type { OptimizerContext } from './context.ts';
import type { Optimizer, Suggestion } from './types.ts';

/**
 * Random (pipeline, next epoch) pairs: every step trains one uniformly chosen unfinished, not running
 * pipeline (unseen ones included) for one more epoch. The gray-box random baseline; asynchronous by
 * construction.
 */
export class RandomPairs implements Optimizer {
  readonly name = 'random-pairs';
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
    const candidates = this.state.candidates();
    if (candidates.length === 0) return null;
    const i = this.random.pick(candidates);
    return { configId: this.state.ids[i] ?? '', epoch: this.state.epochsOf(i) + 1 };
  }

  async tell(): Promise<void> {}
}
