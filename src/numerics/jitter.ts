import type { LinalgKernels } from './linalg-types.ts';

/** Raised when a covariance matrix stays non-positive-definite after the whole jitter schedule. */
export class FactorizationError extends Error {
  readonly row: number;
  constructor(n: number, row: number, lastJitter: number) {
    super(`Cholesky factorization of a ${n}x${n} covariance failed at row ${row} even with jitter ${lastJitter.toExponential(1)}`);
    this.name = 'FactorizationError';
    this.row = row;
  }
}

/** Relative jitters tried in turn (times the mean diagonal): none first, then 1e-6 growing tenfold. */
export const JITTER_SCHEDULE = [0, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2] as const;

/**
 * Factors the lower triangle of `k` (kept intact) into `l`, adding the smallest jitter of the schedule that
 * makes the factorization succeed. Returns the absolute jitter used: the caller's likelihood and gradients
 * then refer to K + jitter·I, which keeps them consistent.
 */
export function cholWithJitter(la: LinalgKernels, k: Float64Array, l: Float64Array, n: number, meanDiag: number): number {
  let row = 0;
  let jitter = 0;
  for (const relative of JITTER_SCHEDULE) {
    jitter = relative * meanDiag;
    la.copyLower(k, l, n, jitter);
    row = la.chol(l, n);
    if (row === 0) return jitter;
  }
  throw new FactorizationError(n, row - 1, jitter);
}
