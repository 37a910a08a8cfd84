import { InternalError } from '../errors.ts';
import { cholWithJitter } from './jitter.ts';
import type { KernelKind, LinalgKernels } from './linalg-types.ts';

/** GP hyperparameters in their natural (constrained) units. */
export interface GpHyper {
  readonly kernel: KernelKind;
  readonly lengthscale: number;
  readonly outputscale: number;
  /** Gaussian observation noise variance (≥ 1e-4 by construction upstream). */
  readonly noise: number;
  /** Constant prior mean. */
  readonly mean: number;
}

/** The exact negative log marginal likelihood divided by n, and its gradients (also divided by n). */
export interface NllResult {
  readonly value: number;
  /** dLoss/dz, n×d row-major (a copy owned by the caller). */
  readonly dz: Float64Array;
  readonly dLengthscale: number;
  readonly dOutputscale: number;
  readonly dNoise: number;
  readonly dMean: number;
  /** α = K⁻¹(y − mean): dLoss/d(prior mean of point i) = −α_i / n. */
  readonly alpha: Float64Array;
  /** dLoss/d(noise variance of point i) = ½(K⁻¹_ii − α_i²) / n (their sum is dNoise). */
  readonly dPointNoise: Float64Array;
  /** Absolute jitter added to the diagonal (0 when none was needed). */
  readonly jitter: number;
}

/** Posterior of the latent function at query points; predictive variance = variance + noise. */
export interface Posterior {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly noise: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * An exact GP on fixed features z (n×d) with all O(n³) work in Float64 (docs/numerics.md §3, the
 * feature-level variant): K, its Cholesky factor, K⁻¹ and the back-propagation through the kernel never leave
 * Float64, so the only float32 rounding is in the features the network produces.
 *
 * One object owns one set of buffers: `factor` keeps L and α for `posterior` until the next `nll` or `factor`.
 */
export class ExactGp {
  readonly la: LinalgKernels;
  private factored: { n: number; d: number; hyper: GpHyper; generation: number } | undefined;
  private generation = 0;

  constructor(la: LinalgKernels) {
    this.la = la;
  }

  /** Loss = NLL/n at (z, y) and, when `withGradient`, its gradients w.r.t. z and the hyperparameters. */
  nll(
    z: ArrayLike<number>,
    n: number,
    d: number,
    y: ArrayLike<number>,
    hyper: GpHyper,
    withGradient = true,
    pointNoise?: ArrayLike<number>,
  ): NllResult {
    this.generation++;
    const s = this.la.slots({ z: n * d, r: n, alpha: n, D: n * n, A: n * n, B: n * n, dz: n * d, hyp: 3 });
    const { jitter, quad, logdet } = this.condition(s, z, n, d, y, hyper, pointNoise);
    const value = (0.5 * quad + logdet + 0.5 * n * LOG_2PI) / n;
    if (!withGradient) {
      const zeros = new Float64Array(n);
      return { value, dz: new Float64Array(n * d), dLengthscale: 0, dOutputscale: 0, dNoise: 0, dMean: 0, alpha: Float64Array.from(s.alpha), dPointNoise: zeros, jitter };
    }
    this.la.trtri(s.B, s.A, n);
    this.la.lauum(s.A, s.B, n);
    const { lengthscale: ls, outputscale: os } = hyper;
    this.la.gpGrad(hyper.kernel, s.B, s.D, s.alpha, s.z, n, d, ls, os, s.dz, s.hyp);
    let sumAlpha = 0;
    for (let i = 0; i < n; i++) sumAlpha += s.alpha[i]!;
    const dz = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) dz[i] = s.dz[i]! / n;
    const dPointNoise = new Float64Array(n);
    for (let i = 0; i < n; i++) dPointNoise[i] = (0.5 * (s.B[i * n + i]! - s.alpha[i]! ** 2)) / n;
    return {
      value,
      dz,
      dLengthscale: s.hyp[0]! / n,
      dOutputscale: s.hyp[1]! / n,
      dNoise: s.hyp[2]! / n,
      dMean: -sumAlpha / n,
      alpha: Float64Array.from(s.alpha),
      dPointNoise,
      jitter,
    };
  }

  /**
   * Conditions the GP on (z, y) for {@link ExactGp.posterior}; returns the jitter used and NLL/n.
   * `pointNoise` replaces `hyper.noise` by one noise variance per point (heteroscedastic noise).
   */
  factor(z: ArrayLike<number>, n: number, d: number, y: ArrayLike<number>, hyper: GpHyper, pointNoise?: ArrayLike<number>): { jitter: number; nll: number } {
    this.generation++;
    const s = this.la.slots({ z: n * d, r: n, alpha: n, D: n * n, A: n * n, B: n * n });
    const { jitter, quad, logdet } = this.condition(s, z, n, d, y, hyper, pointNoise);
    this.factored = { n, d, hyper, generation: this.generation };
    return { jitter, nll: (0.5 * quad + logdet + 0.5 * n * LOG_2PI) / n };
  }

  /** Posterior mean and latent variance at the m query rows of q (m×d), given the last `factor`. */
  posterior(q: ArrayLike<number>, m: number): Posterior {
    const f = this.factored;
    if (!f || f.generation !== this.generation) throw new InternalError('ExactGp.posterior called without a current factor()');
    const { n, d, hyper } = f;
    const s = this.la.slots({ z: n * d, alpha: n, B: n * n, q: m * d, C: m * n, out: m });
    for (let i = 0; i < m * d; i++) s.q[i] = q[i]!;
    // NOTE: one row per query, so the solves below are dot products of contiguous vectors.
    this.la.sqdistCross(s.q, m, s.z, n, d, s.C);
    this.la.kernelDense(hyper.kernel, s.C, m * n, hyper.lengthscale, hyper.outputscale, s.C);
    this.la.gemv(s.C, m, n, s.alpha, s.out);
    const mean = Float64Array.from(s.out, (v) => v + hyper.mean);
    this.la.trsmRows(s.B, n, s.C, m);
    this.la.rowSumSquares(s.C, m, n, s.out);
    const variance = new Float64Array(m);
    // NOTE: clamp the cancellation error of k** − kᵀK⁻¹k at a tiny positive latent variance.
    for (let j = 0; j < m; j++) variance[j] = Math.max(hyper.outputscale - s.out[j]!, 1e-12 * hyper.outputscale);
    return { mean, variance, noise: hyper.noise };
  }

  private condition(
    s: Record<'z' | 'r' | 'alpha' | 'D' | 'A' | 'B', Float64Array>,
    z: ArrayLike<number>,
    n: number,
    d: number,
    y: ArrayLike<number>,
    hyper: GpHyper,
    pointNoise: ArrayLike<number> | undefined,
  ): { jitter: number; quad: number; logdet: number } {
    for (let i = 0; i < n * d; i++) s.z[i] = z[i]!;
    for (let i = 0; i < n; i++) {
      s.r[i] = y[i]! - hyper.mean;
      s.alpha[i] = s.r[i]!;
    }
    this.la.sqdistSelf(s.z, n, d, s.D);
    this.la.kernelLower(hyper.kernel, s.D, n, hyper.lengthscale, hyper.outputscale, hyper.noise, s.A);
    let meanNoise = hyper.noise;
    if (pointNoise !== undefined) {
      meanNoise = 0;
      for (let i = 0; i < n; i++) {
        s.A[i * n + i] = hyper.outputscale + pointNoise[i]!;
        meanNoise += pointNoise[i]! / n;
      }
    }
    const jitter = cholWithJitter(this.la, s.A, s.B, n, hyper.outputscale + meanNoise);
    this.la.cholSolve(s.B, n, s.alpha);
    let quad = 0;
    let logdet = 0;
    for (let i = 0; i < n; i++) {
      quad += s.r[i]! * s.alpha[i]!;
      logdet += Math.log(s.B[i * n + i]!);
    }
    return { jitter, quad, logdet };
  }
}
