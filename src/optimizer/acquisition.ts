/**
 * Expected improvement, computed in log space so that candidates stay comparable when every EI underflows
 * (late in a search, when the posterior rarely beats the incumbent): the cost-aware score
 * log EI − log cost is then still a meaningful ranking.
 */

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log φ(z), the standard normal log density. */
export function logNormalPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** erfc(x) with fractional error below 1.2e-7 everywhere (Chebyshev fit, Numerical Recipes 6.2). */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/** Φ(z), the standard normal distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Mills ratio (1 − Φ(t)) / φ(t) for t ≥ 0, by its continued fraction where erfc would lose precision. */
function millsRatio(t: number): number {
  if (t < 3) return (0.5 * erfc(t / Math.SQRT2)) / Math.exp(logNormalPdf(t));
  // NOTE: R(t) = 1/(t + 1/(t + 2/(t + 3/(t + ...)))), evaluated bottom-up; 60 terms reach double precision for t ≥ 3.
  let tail = t;
  for (let k = 60; k >= 1; k--) tail = t + k / tail;
  return 1 / tail;
}

/** log h(z) with h(z) = zΦ(z) + φ(z), so that EI = σ·h((μ − y*)/σ). */
export function logH(z: number): number {
  if (z >= 0) return Math.log(z * normalCdf(z) + Math.exp(logNormalPdf(z)));
  // NOTE: for z < 0, h(z) = φ(z)·(1 − |z|·R(|z|)), which stays accurate where φ(z) underflows.
  const t = -z;
  const bracket = 1 - t * millsRatio(t);
  return logNormalPdf(z) + Math.log(Math.max(bracket, Number.MIN_VALUE));
}

/**
 * log of the expected improvement of a normal posterior N(mean, std²) over `incumbent`.
 * With std = 0 it is log(max(mean − incumbent, 0)).
 */
export function logExpectedImprovement(mean: number, std: number, incumbent: number): number {
  if (!(std > 0)) return Math.log(Math.max(mean - incumbent, 0));
  return Math.log(std) + logH((mean - incumbent) / std);
}

/** The expected improvement itself (may underflow to 0; rank with the log version). */
export function expectedImprovement(mean: number, std: number, incumbent: number): number {
  return Math.exp(logExpectedImprovement(mean, std, incumbent));
}

/** Index of the largest value; ties go to the first. Returns -1 for an empty list. */
export function argMax(values: ArrayLike<number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? -Infinity;
    if (v > bestValue || (best < 0 && !Number.isNaN(v))) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}
