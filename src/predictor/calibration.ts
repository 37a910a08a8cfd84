/**
 * Multipliers of the GP's predictive standard deviation, fitted after meta-training on validation episodes
 * (temperature scaling). A query is 'continuing' when part of its curve is observed, else 'new'; its gap is
 * how many epochs lie between the last observed epoch (0 for a new query) and the queried one. Next-step
 * queries (gap 1) use `new` / `continuing`; queries further ahead, which the optimizer's look-ahead asks for,
 * use `ahead` when present, indexed by gap bucket (see {@link gapBucket}).
 */
export interface Calibration {
  readonly new: number;
  readonly continuing: number;
  readonly ahead?: {
    readonly new: number[];
    readonly continuing: number[];
  };
}

export const UNCALIBRATED: Calibration = { new: 1, continuing: 1 };

/** Buckets of gaps past the next step: 2–3, 4–7, 8–15, 16–31, 32 and more. */
export const AHEAD_BUCKETS = 5;

/** The ahead bucket of a gap ≥ 2 (0 for gaps 2–3, 1 for 4–7, …), or -1 for a next-step query. */
export function gapBucket(gap: number): number {
  if (gap < 2) return -1;
  return Math.min(AHEAD_BUCKETS - 1, Math.floor(Math.log2(gap)) - 1);
}

/** The std multiplier of a query `gap` epochs past its last observed one, observed curve or not. */
export function calibrationFactor(calibration: Calibration, continuing: boolean, gap: number): number {
  const kind = continuing ? 'continuing' : 'new';
  const bucket = gapBucket(gap);
  if (bucket < 0 || calibration.ahead === undefined) return calibration[kind];
  return calibration.ahead[kind][bucket] ?? calibration[kind];
}

/** Epochs between a query's last observed epoch (0 when none) and its own. */
export function queryGap(point: { readonly epoch: number; readonly curve: ArrayLike<number> }): number {
  return point.epoch - Math.max(0, Math.min(point.curve.length, point.epoch - 1));
}
