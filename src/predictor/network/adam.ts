/** Adam hyperparameters (PyTorch defaults). */
export interface AdamSettings {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
}

export const ADAM_DEFAULTS: AdamSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/**
 * Adam on a flat Float64 parameter vector, in plain JS: a few hundred thousand multiply-adds per step at
 * most, cheaper than the ~10 tfjs kernel launches per variable that tf.train.adam costs, exactly
 * reproducible, and trivially reset (the online refit restarts from the meta-trained weights).
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  private readonly settings: AdamSettings;

  constructor(size: number, settings: AdamSettings = ADAM_DEFAULTS) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.settings = settings;
  }

  get steps(): number {
    return this.t;
  }

  reset(): void {
    this.m.fill(0);
    this.v.fill(0);
    this.t = 0;
  }

  /**
   * theta ← theta − lr · m̂ / (√v̂ + ε) on the entries [start, end) (default: all); non-finite gradients are
   * rejected by the caller, not here. Restricting to the block a gradient lives in changes nothing: elsewhere
   * the gradient, m and v stay 0, and so does the update.
   */
  step(theta: Float64Array, grad: Float64Array, learningRate: number, start = 0, end = theta.length): void {
    const { beta1, beta2, epsilon } = this.settings;
    this.t++;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const stepSize = learningRate / c1;
    const sqrtC2 = Math.sqrt(c2);
    // NOTE: the moment arrays and coefficients in locals: the loop runs a few hundred thousand times per fit.
    const moments = this.m;
    const squares = this.v;
    const keep1 = 1 - beta1;
    const keep2 = 1 - beta2;
    for (let i = start; i < end; i++) {
      const g = grad[i]!;
      const m = beta1 * moments[i]! + keep1 * g;
      const v = beta2 * squares[i]! + keep2 * g * g;
      moments[i] = m;
      squares[i] = v;
      theta[i] = theta[i]! - (stepSize * m) / (Math.sqrt(v) / sqrtC2 + epsilon);
    }
  }
}

/** Cosine decay from `start` to `end` over `total` steps (step 0 → start). */
export function cosineDecay(step: number, total: number, start: number, end: number): number {
  const progress = Math.min(1, Math.max(0, step / Math.max(1, total)));
  return end + 0.5 * (start - end) * (1 + Math.cos(Math.PI * progress));
}
