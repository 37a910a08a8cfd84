import type { FitOptions } from '../predictor/types.ts';

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
}

export const PAPER_REFIT: RefitSettings = {
  initialFits: 10,
  restartSteps: 1000,
  continueSteps: 50,
  resetAfter: 60,
  learningRate: 1e-3,
};

/**
 * The refit state machine: it counts fits, steps without improvement and failed fits, and says what the
 * next fit must do. Deterministic, so a replayed run refits exactly as the original did.
 */
export class RefitSchedule {
  readonly settings: RefitSettings;
  private fits = 0;
  private sinceImprovement = 0;
  private mustRestart = false;

  constructor(settings: RefitSettings = PAPER_REFIT) {
    this.settings = settings;
  }

  /** Records one observed step; `improved` when it raised the best score seen so far. */
  observed(improved: boolean): void {
    this.sinceImprovement = improved ? 0 : this.sinceImprovement + 1;
  }

  /** The options of the next fit (and counts it). */
  next(): FitOptions {
    const s = this.settings;
    const restart = this.fits < s.initialFits || this.mustRestart || this.sinceImprovement >= s.resetAfter;
    this.fits++;
    if (restart) {
      this.mustRestart = false;
      if (this.sinceImprovement >= s.resetAfter) this.sinceImprovement = 0;
    }
    return { steps: restart ? s.restartSteps : s.continueSteps, learningRate: s.learningRate, restart };
  }

  /** A failed fit restored the old weights: the next fit starts again from the initial weights. */
  failed(): void {
    this.mustRestart = true;
  }

  get fitCount(): number {
    return this.fits;
  }
}
