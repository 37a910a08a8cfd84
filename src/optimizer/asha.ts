import type { PoolView } from '../core/pool-state.ts';
import { Random } from '../util/random.ts';
import type { OptimizerContext } from './context.ts';
import type { Optimizer, Suggestion } from './types.ts';

export interface AshaSettings {
  /** Rung epochs below T; T itself is always the last rung. Paper: 1, 3, 9, 27. */
  readonly rungs: readonly number[];
  /** Reduction factor η: the top 1/η of a rung may be promoted. */
  readonly eta: number;
}

export const DEFAULT_ASHA: AshaSettings = { rungs: [1, 3, 9, 27], eta: 3 };

/**
 * Asynchronous successive halving (Li et al., 2020) run one epoch at a time. Whenever a worker is free:
 * continue a pipeline that is on its way to its next rung (promoted, not running), else promote the best
 * not-yet-promoted pipeline that lies in the top 1/η of its rung (highest rung first), else start a random
 * untried pipeline at the first rung. When the pool is exhausted and nothing is promotable, the best
 * unpromoted pipeline of the highest rung is promoted anyway, so the budget is not left unused.
 *
 * Everything is read off the pool's state (a pipeline past a rung, or running past it, was promoted from
 * it), so results may arrive in any order and a resumed run needs no memory of earlier decisions.
 */
export class Asha implements Optimizer {
  readonly name = 'asha';
  private readonly state: PoolView;
  private readonly random: Random;
  private readonly seed: number;
  private readonly eta: number;
  /** Rung epochs, increasing, the last one T. */
  private readonly rungs: readonly number[];

  constructor(context: OptimizerContext, settings: AshaSettings = DEFAULT_ASHA) {
    const T = context.maxEpochs;
    this.state = context.state;
    this.seed = context.seed;
    this.random = new Random(context.seed).fork();
    this.eta = settings.eta;
    this.rungs = [...new Set([...settings.rungs.filter((r) => r >= 1 && r < T), T])].sort((a, b) => a - b);
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, seed: this.seed, rungs: this.rungs, eta: this.eta };
  }

  async ask(): Promise<Suggestion | null> {
    const i = this.inProgress() ?? this.promotion() ?? this.newPipeline() ?? this.forcedPromotion();
    return i === undefined ? null : { configId: this.state.ids[i] ?? '', epoch: this.state.epochsOf(i) + 1 };
  }

  async tell(): Promise<void> {}

  /** A free pipeline between rungs: promoted (or started) and not yet at its next rung. */
  private inProgress(): number | undefined {
    const state = this.state;
    return state.candidates().find((i) => {
      const epochs = state.epochsOf(i);
      return epochs > 0 && !this.rungs.includes(epochs);
    });
  }

  /** Was pipeline `i` promoted from rung `k`: trained past it, or running past it now. */
  private promotedFrom(i: number, k: number): boolean {
    const rung = this.rungs[k] ?? Infinity;
    const epochs = this.state.epochsOf(i);
    return epochs > rung || (this.state.isPending(i) && epochs >= rung);
  }

  /** Rung k's pipelines (those that reached its epoch) with their score there, best first. */
  private rung(k: number): Array<[number, number]> {
    const epoch = this.rungs[k] ?? Infinity;
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.state.size; i++) {
      const score = this.state.curve(i)[epoch - 1];
      if (score !== undefined) out.push([i, score]);
    }
    return out.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private free(i: number): boolean {
    return !this.state.isFinal(i) && !this.state.isPending(i);
  }

  private promotion(): number | undefined {
    for (let k = this.rungs.length - 2; k >= 0; k--) {
      const scores = this.rung(k);
      const quota = Math.floor(scores.length / this.eta);
      if (quota === 0) continue;
      const pick = scores.slice(0, quota).find(([i]) => !this.promotedFrom(i, k) && this.free(i));
      if (pick) return pick[0];
    }
    return undefined;
  }

  private newPipeline(): number | undefined {
    const untried = this.state.candidates().filter((i) => this.state.epochsOf(i) === 0);
    return untried.length === 0 ? undefined : this.random.pick(untried);
  }

  private forcedPromotion(): number | undefined {
    for (let k = this.rungs.length - 2; k >= 0; k--) {
      const best = this.rung(k).find(([i]) => !this.promotedFrom(i, k) && this.free(i));
      if (best) return best[0];
    }
    return undefined;
  }
}
