import type { PoolView } from '../core/pool-state.ts';
import { UsageError } from '../errors.ts';
import type { OptimizerContext } from './context.ts';
import type { Optimizer, Suggestion } from './types.ts';

/**
 * The reference a search must beat: the trainer's hand-picked default pipeline (pinned in the pool), trained
 * epoch after epoch until its curve ends. No search at all; one step at a time.
 */
export class DefaultPipeline implements Optimizer {
  readonly name = 'default';
  private readonly state: PoolView;
  private readonly pipeline: number;

  constructor(context: OptimizerContext) {
    const id = context.defaultPipeline;
    const index = id === undefined ? undefined : context.state.indexOf(id);
    if (index === undefined) throw new UsageError("method 'default' needs a trainer with a default pipeline (the tfjs trainer has one)");
    this.state = context.state;
    this.pipeline = index;
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, pipeline: this.state.ids[this.pipeline] };
  }

  async ask(): Promise<Suggestion | null> {
    const i = this.pipeline;
    if (this.state.isFinal(i) || this.state.isPending(i)) return null;
    return { configId: this.state.ids[i] ?? '', epoch: this.state.epochsOf(i) + 1 };
  }

  async tell(): Promise<void> {}
}
