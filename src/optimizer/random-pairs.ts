import type { StepRecord } from '../study/types.ts';
import { Random } from '../util/random.ts';
import type { OptimizerContext } from './context.ts';
import { PoolState } from './pool-state.ts';
import type { Optimizer, Suggestion } from './types.ts';

/**
 * Random (pipeline, next epoch) pairs: every step trains one uniformly chosen unfinished pipeline (unseen
 * ones included) for one more epoch. The gray-box random baseline of spec/targets.md.
 */
export class RandomPairs implements Optimizer {
  readonly name = 'random-pairs';
  private readonly state: PoolState;
  private readonly random: Random;
  private readonly seed: number;

  constructor(context: OptimizerContext) {
    this.state = new PoolState(context.pipelines.map((p) => p.id), context.maxEpochs);
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

  async tell(record: StepRecord): Promise<void> {
    this.state.observe(record);
  }
}
