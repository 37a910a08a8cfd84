/** (seconds, best score so far) at each improvement of the incumbent, in time order. */
export type Trajectory = ReadonlyArray<readonly [number, number]>;

/**
 * Normalized regret at time `t` (docs/method.md §10.2): (y_best − y_inc(t)) / (y_best − y_worst), where
 * y_inc(t) is the best score observed at any epoch by time t; 1 before the first observation. A task whose
 * curves are all equal (y_best = y_worst) has regret 0 once anything was observed.
 */
export function normalizedRegret(trajectory: Trajectory, t: number, yBest: number, yWorst: number): number {
  let incumbent: number | undefined;
  for (const [time, score] of trajectory) {
    if (time > t) break;
    incumbent = incumbent === undefined ? score : Math.max(incumbent, score);
  }
  if (incumbent === undefined) return 1;
  const range = yBest - yWorst;
  if (!(range > 0)) return 0;
  return Math.min(1, Math.max(0, (yBest - incumbent) / range));
}

/** Regret at each of `times` (any order). */
export function regretsAt(trajectory: Trajectory, times: readonly number[], yBest: number, yWorst: number): number[] {
  return times.map((t) => normalizedRegret(trajectory, t, yBest, yWorst));
}

/** `count` log-spaced times from `from` to `to` seconds, both included. */
export function logTimeGrid(from: number, to: number, count: number): number[] {
  if (count < 2 || !(from > 0) || !(to > from)) return [to];
  const a = Math.log(from);
  const step = (Math.log(to) - a) / (count - 1);
  return Array.from({ length: count }, (_, i) => (i === count - 1 ? to : Math.exp(a + i * step)));
}
