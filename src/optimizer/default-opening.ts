import type { PoolView } from '../core/pool-state.ts';
import { getLogger } from '../logging.ts';

const log = getLogger('optimizer');

/** The default pipeline's step while the opening lasts, with its predicted seconds where a cost model has them. */
export interface OpeningStep {
  readonly seconds: number | undefined;
}

/**
 * Quick-Tune's opening where the trainer has a hand-picked default pipeline: it is the first step (as SMAC puts
 * the default configuration in its initial design), and it goes on epoch after epoch while its seconds so far
 * and its next epoch's predicted ones fit in `share` of the budget the search started with. A known-good
 * pipeline trained to its end is what the search must beat, and the model cannot tell it from the rest after
 * one epoch (its curve starts low and rises late: on a Fashion-MNIST folder a search left it after epoch 1 at
 * 0.16 and ended below the 0.56 it reaches at epoch 27; docs/benchmark-real.md). Once passed over, the model
 * decides, the default included. While it runs on another worker, the others take the model's choices.
 * Without a budget (or with share 0): its first epoch only.
 */
export class DefaultOpening {
  readonly pipeline: number;
  private readonly share: number;
  private readonly state: PoolView;
  private readonly method: string;
  private open = true;
  /** The seconds left when the optimizer was first asked: what `share` is a share of. */
  private budgetAtStart: number | undefined;

  constructor(pipeline: number, share: number, state: PoolView, method: string) {
    this.pipeline = pipeline;
    this.share = share;
    this.state = state;
    this.method = method;
  }

  /**
   * The default pipeline's next step if it takes this one, else null. `predict`: the cost model's seconds of
   * that step on the asking worker, asked only where it matters (asking records the prediction to learn from).
   */
  next(candidates: readonly number[], remainingSeconds: number | undefined, predict: () => number | undefined): OpeningStep | null {
    this.budgetAtStart ??= remainingSeconds;
    const state = this.state;
    const i = this.pipeline;
    if (!this.open) return null;
    if (state.isFinal(i)) return this.close();
    if (!candidates.includes(i)) return null;
    const done = state.epochsOf(i);
    if (done === 0) return state.observations === 0 ? { seconds: predict() } : this.close();
    const budget = this.budgetAtStart;
    if (budget === undefined || !(this.share > 0)) return this.close();
    const seconds = state.epochSeconds(i);
    const spent = seconds.reduce((a, b) => a + b, 0);
    const predicted = predict();
    return spent + (predicted ?? seconds.at(-1) ?? 0) <= this.share * budget ? { seconds: predicted } : this.close();
  }

  private close(): null {
    const curve = this.state.curve(this.pipeline);
    if (curve.length > 0) {
      log.info({ method: this.method, epochs: curve.length, best: Math.max(...curve) }, 'default pipeline trained first; the model decides from here');
    }
    this.open = false;
    return null;
  }
}
