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

/** When and how hard the predictor is refitted during a search (spec/method.md section 7). */
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
}

export const PAPER_REFIT: RefitSettings = {
  initialFits: 10,
  restartSteps: 1000,
  continueSteps: 50,
  resetAfter: 60,
  learningRate: 1e-3,
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
    return { steps, learningRate: s.learningRate, restart };
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
