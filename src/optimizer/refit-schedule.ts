import type { FitOptions } from '../predictor/types.ts';

/**
 * Bounds the refit work to a share of the training time the search has observed, so that the optimizer's
 * overhead stays a small fraction of the budget on tasks with many cheap steps. Deterministic: the cost of a
 * fit is estimated from the number of points, never measured, so the same records give the same fits.
 */
export interface RefitBudget {
  /** Share of the observed training seconds that Adam steps may use (e.g. 0.02). */
  readonly share: number;
  /** Seconds of Adam steps allowed before anything was observed. */
  readonly initialCredit: number;
  /** Estimated seconds of one full-batch Adam step on n points: c0 + c1·n + c2·n². */
  readonly stepCost: readonly [number, number, number];
  /** A restart that cannot afford this fraction of its steps is postponed (the fit continues instead). */
  readonly minRestartFraction: number;
}

/** When and how hard the predictor is refitted during a search (docs/method.md §7). */
export interface RefitSettings {
  /** The first this-many fits restart from the meta-trained (or fresh) weights. Paper: 10. */
  readonly initialFits: number;
  /** Adam steps of a restarting fit. Paper: 1000. */
  readonly restartSteps: number;
  /** Adam steps of a continuing fit. Paper: 50. */
  readonly continueSteps: number;
  /** Restart after this many observed steps without a new best score. Paper: 60. */
  readonly resetAfter: number;
  /** Online learning rate. Decision: 1e-3. */
  readonly learningRate: number;
  /** Undefined: every fit takes its scheduled steps (the paper). */
  readonly budget?: RefitBudget;
  /**
   * Keep the score model's weights as they start (meta-trained): every fit only conditions the GP on the
   * observations, and only the cost model is trained (`costSteps`). The schedule above is then unused.
   */
  readonly freezeScoreModel?: boolean;
  /** Adam steps of the cost model per fit; undefined: the same joint steps as the score model. */
  readonly costSteps?: number;
}

export const PAPER_REFIT: RefitSettings = {
  initialFits: 10,
  restartSteps: 1000,
  continueSteps: 50,
  resetAfter: 60,
  learningRate: 1e-3,
};

/**
 * The cost model of a budget: seconds per full-batch Adam step of the paper's network (docs/method.md §4.2)
 * on n points, measured on a 2-core machine under load (about 12 ms at n = 50, 27 ms at 200, 70 ms at 500),
 * restarts postponed below a quarter of their steps.
 */
export const BUDGET_ESTIMATE: Omit<RefitBudget, 'share' | 'initialCredit'> = {
  stepCost: [0.01, 4e-5, 1.6e-7],
  minRestartFraction: 0.25,
};

/**
 * Quick-Tune's default online update: the meta-trained score model is kept and the GP conditioned on every
 * observation; the cost model takes 50 Adam steps per fit. Measured better than the paper's schedule with the
 * meta-trained predictor, and about a hundred times cheaper (docs/benchmark.md).
 */
export const CONDITION_ONLY: RefitSettings = { ...PAPER_REFIT, freezeScoreModel: true, costSteps: 50 };

/**
 * For predictors that start from fresh weights (DyHPO, the −M ablation), which must learn online: the
 * paper's schedule with its Adam steps bounded to 0.5% of the observed training time (plus 30 s up front),
 * so that a benchmark of hundreds of searches stays feasible on a small machine.
 */
export const BUDGETED_REFIT: RefitSettings = {
  ...PAPER_REFIT,
  budget: { ...BUDGET_ESTIMATE, share: 0.005, initialCredit: 30 },
};

/**
 * The refit state machine: it counts fits, steps without improvement and failed fits, says what the next
 * fit must do, and (with a budget) trims the Adam steps to the credit earned from observed training time;
 * a fit with 0 steps only conditions the GP on the new observations.
 */
export class RefitSchedule {
  readonly settings: RefitSettings;
  private fits = 0;
  private sinceImprovement = 0;
  private mustRestart = false;
  private pendingReset = false;
  private credit: number;

  constructor(settings: RefitSettings = PAPER_REFIT) {
    this.settings = settings;
    this.credit = settings.budget?.initialCredit ?? 0;
  }

  /** Records one observed step: whether it raised the best score, and its training seconds. */
  observed(improved: boolean, seconds = 0): void {
    this.sinceImprovement = improved ? 0 : this.sinceImprovement + 1;
    if (this.sinceImprovement >= this.settings.resetAfter) {
      this.pendingReset = true;
      this.sinceImprovement = 0;
    }
    const budget = this.settings.budget;
    if (budget) this.credit += budget.share * Math.max(0, seconds);
  }

  /** The options of the next fit on `n` points (and counts it). */
  next(n = 0): FitOptions {
    const s = this.settings;
    if (s.freezeScoreModel) {
      this.fits++;
      return { steps: 0, learningRate: s.learningRate, restart: false, costSteps: s.costSteps ?? 0 };
    }
    const wantsRestart = this.fits < s.initialFits || this.mustRestart || this.pendingReset;
    let restart = wantsRestart;
    let steps = restart ? s.restartSteps : s.continueSteps;
    const budget = s.budget;
    if (budget) {
      const perStep = Math.max(1e-9, budget.stepCost[0] + budget.stepCost[1] * n + budget.stepCost[2] * n * n);
      const affordable = Math.max(0, Math.floor(this.credit / perStep));
      if (restart && affordable < Math.ceil(budget.minRestartFraction * s.restartSteps) && this.fits >= s.initialFits) {
        // NOTE: a restart that would be cut to a few steps would throw away the fitted weights for little gain.
        restart = false;
        steps = s.continueSteps;
      }
      steps = Math.min(steps, affordable);
      this.credit -= steps * perStep;
    }
    this.fits++;
    if (restart) {
      this.mustRestart = false;
      this.pendingReset = false;
    }
    return { steps, learningRate: s.learningRate, restart, ...(s.costSteps === undefined ? {} : { costSteps: s.costSteps }) };
  }

  /** A failed fit restored the old weights: the next fit starts again from the initial weights. */
  failed(): void {
    this.mustRestart = true;
  }

  get fitCount(): number {
    return this.fits;
  }

  /** Seconds of Adam steps the budget still allows (0 without a budget). */
  get remainingCredit(): number {
    return this.credit;
  }
}
