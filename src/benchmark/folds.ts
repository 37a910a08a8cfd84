/**
 * Splits tasks into `k` folds of contiguous blocks in the given (meta-dataset) order, sizes differing by at
 * most one. Folds depend only on the full task list, so runs split by `--tasks` agree on them.
 */
export function assignFolds(tasks: readonly string[], k: number): string[][] {
  const folds: string[][] = Array.from({ length: Math.max(1, Math.min(k, tasks.length)) }, () => []);
  tasks.forEach((task, i) => folds[Math.floor((i * folds.length) / tasks.length)]?.push(task));
  return folds;
}

/** The index of the fold holding `task`, or -1. */
export function foldOf(folds: readonly (readonly string[])[], task: string): number {
  return folds.findIndex((fold) => fold.includes(task));
}
