import type { StepRecord } from '../study/types.ts';
import { Random } from '../util/random.ts';
import type { OptimizerContext } from './context.ts';
import { PoolState } from './pool-state.ts';
import type { Optimizer, Suggestion } from './types.ts';

/**
 * Random search over full curves: a uniformly random untried pipeline, trained epoch after epoch until its
 * curve ends (or T), then the next one. The black-box baseline of the paper.
 */
export class RandomSearch implements Optimizer {
  readonly name = 'random';
  private readonly state: PoolState;
  private readonly random: Random;
  private readonly seed: number;
  private current: number | undefined;

  constructor(context: OptimizerContext) {
    this.state = new PoolState(context.pipelines.map((p) => p.id), context.maxEpochs);
    this.seed = context.seed;
    this.random = new Random(context.seed).fork();
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, seed: this.seed };
  }

  async ask(): Promise<Suggestion | null> {
    const state = this.state;
    if (this.current === undefined || state.isFinal(this.current)) {
      const candidates = state.candidates();
      const untried = candidates.filter((i) => state.epochsOf(i) === 0);
      // NOTE: only a resumed run can hold a partly trained pipeline here; finish it before trying new ones.
      const partial = candidates.filter((i) => state.epochsOf(i) > 0);
      const pool = partial.length > 0 ? partial : untried;
      if (pool.length === 0) return null;
      this.current = this.random.pick(pool);
    }
    const i = this.current;
    return { configId: state.ids[i] ?? '', epoch: state.epochsOf(i) + 1 };
  }

  async tell(record: StepRecord): Promise<void> {
    this.state.observe(record);
  }
}
