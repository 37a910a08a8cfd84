import type { StepRecord } from '../study/types.ts';
import { Random } from '../util/random.ts';
import type { OptimizerContext } from './context.ts';
import { PoolState } from './pool-state.ts';
import type { Optimizer, Suggestion } from './types.ts';

export interface AshaSettings {
  /** Rung epochs below T; T itself is always the last rung. Paper: 1, 3, 9, 27. */
  readonly rungs: readonly number[];
  /** Reduction factor η: the top 1/η of a rung may be promoted. */
  readonly eta: number;
}

export const DEFAULT_ASHA: AshaSettings = { rungs: [1, 3, 9, 27], eta: 3 };

/**
 * Asynchronous successive halving (Li et al., 2020) run one epoch at a time: whenever the current job is
 * done, promote the best not-yet-promoted pipeline that lies in the top 1/η of its rung (highest rung
 * first), else start a random untried pipeline at the first rung. When the pool is exhausted and nothing
 * is promotable, the best unpromoted pipeline of the highest rung is promoted anyway, so the budget is not
 * left unused.
 */
export class Asha implements Optimizer {
  readonly name = 'asha';
  private readonly state: PoolState;
  private readonly random: Random;
  private readonly seed: number;
  private readonly eta: number;
  /** Rung epochs, increasing, the last one T. */
  private readonly rungs: readonly number[];
  /** Per rung: pipeline → its score at the rung's epoch. */
  private readonly rungScores: Array<Map<number, number>>;
  private readonly promoted: Array<Set<number>>;
  private job: { pipeline: number; target: number } | undefined;

  constructor(context: OptimizerContext, settings: AshaSettings = DEFAULT_ASHA) {
    const T = context.maxEpochs;
    this.state = new PoolState(context.pipelines.map((p) => p.id), T);
    this.seed = context.seed;
    this.random = new Random(context.seed).fork();
    this.eta = settings.eta;
    this.rungs = [...new Set([...settings.rungs.filter((r) => r >= 1 && r < T), T])].sort((a, b) => a - b);
    this.rungScores = this.rungs.map(() => new Map());
    this.promoted = this.rungs.map(() => new Set());
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, seed: this.seed, rungs: this.rungs, eta: this.eta };
  }

  async ask(): Promise<Suggestion | null> {
    const state = this.state;
    const job = this.job;
    if (job && !state.isFinal(job.pipeline) && state.epochsOf(job.pipeline) < job.target) {
      return this.suggest(job.pipeline);
    }
    this.job = this.promotion() ?? this.newPipeline() ?? this.forcedPromotion();
    return this.job ? this.suggest(this.job.pipeline) : null;
  }

  async tell(record: StepRecord): Promise<void> {
    this.state.observe(record);
    const i = this.state.indexOf(record.configId);
    if (i === undefined || record.status !== 'ok' || record.score === null) return;
    const k = this.rungs.indexOf(record.epoch);
    if (k >= 0) this.rungScores[k]?.set(i, record.score);
  }

  private suggest(i: number): Suggestion {
    return { configId: this.state.ids[i] ?? '', epoch: this.state.epochsOf(i) + 1 };
  }

  /** Pipelines of rung k that may still be promoted: not promoted yet and not finished, best first. */
  private promotable(k: number): Array<[number, number]> {
    const scores = this.rungScores[k];
    const done = this.promoted[k];
    if (!scores || !done) return [];
    return [...scores]
      .filter(([i]) => !done.has(i) && !this.state.isFinal(i))
      .sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  }

  private promote(k: number, i: number): { pipeline: number; target: number } {
    this.promoted[k]?.add(i);
    return { pipeline: i, target: this.rungs[k + 1] ?? this.state.maxEpochs };
  }

  private promotion(): { pipeline: number; target: number } | undefined {
    for (let k = this.rungs.length - 2; k >= 0; k--) {
      const scores = this.rungScores[k];
      if (!scores) continue;
      const quota = Math.floor(scores.size / this.eta);
      if (quota === 0) continue;
      const top = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, quota);
      const done = this.promoted[k];
      const pick = top.find(([i]) => !done?.has(i) && !this.state.isFinal(i));
      if (pick) return this.promote(k, pick[0]);
    }
    return undefined;
  }

  private newPipeline(): { pipeline: number; target: number } | undefined {
    const untried = this.state.candidates().filter((i) => this.state.epochsOf(i) === 0);
    if (untried.length === 0) return undefined;
    return { pipeline: this.random.pick(untried), target: this.rungs[0] ?? 1 };
  }

  private forcedPromotion(): { pipeline: number; target: number } | undefined {
    for (let k = this.rungs.length - 2; k >= 0; k--) {
      const best = this.promotable(k)[0];
      if (best) return this.promote(k, best[0]);
    }
    // NOTE: only reachable after a resume left a pipeline between rungs: continue it to its next rung.
    const partial = this.state.candidates().find((i) => this.state.epochsOf(i) > 0);
    if (partial === undefined) return undefined;
    const next = this.rungs.find((r) => r > this.state.epochsOf(partial)) ?? this.state.maxEpochs;
    return { pipeline: partial, target: next };
  }
}
