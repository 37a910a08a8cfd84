import type { ProblemList } from '../../metadata/problems.ts';

/** The usable prefix of a run's curve, as fractions and seconds per epoch. */
export interface ConvertedCurve {
  readonly scores: number[];
  readonly costs: number[];
}

/** Rounds away binary noise of a division (33.33 / 100) without losing any real digit. */
export function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * Converts one run's curve: top-1 percentages become fractions, the epoch's seconds are the sum of its
 * parts (train + eval, or one cost series). The curve ends before the first epoch whose score or cost is
 * not finite (a diverged run: Python wrote NaN). Out-of-range values and length mismatches are problems.
 */
export function convertCurve(
  percents: readonly (number | null)[],
  seconds: readonly (readonly (number | null)[])[],
  where: { readonly file: string; readonly path: string },
  problems: ProblemList,
): ConvertedCurve | null {
  const lengths = seconds.map((series) => series.length);
  if (lengths.some((n) => n !== percents.length)) {
    problems.add({ file: where.file }, `${where.path}: ${percents.length} scores but ${lengths.join(' / ')} epoch times`);
    return null;
  }
  const scores: number[] = [];
  const costs: number[] = [];
  for (let e = 0; e < percents.length; e++) {
    const percent = percents[e];
    const parts = seconds.map((series) => series[e]);
    if (percent === null || percent === undefined || parts.some((p) => p === null || p === undefined)) break;
    if (percent < 0 || percent > 100) {
      problems.add({ file: where.file }, `${where.path}[${e}]: top-1 ${percent} is not a percentage in [0, 100]`);
      return null;
    }
    const cost = parts.reduce<number>((sum, p) => sum + (p ?? 0), 0);
    if (cost < 0) {
      problems.add({ file: where.file }, `${where.path}[${e}]: negative epoch time ${cost}`);
      return null;
    }
    scores.push(tidy(percent / 100));
    costs.push(tidy(cost));
  }
  return { scores, costs };
}
