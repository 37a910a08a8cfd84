import type { CurveRows } from './read-curves.ts';
import type { ProblemList } from './problems.ts';

/** A checked learning curve: scores[e - 1] and costs[e - 1] belong to epoch e. */
export interface Curve {
  readonly scores: Float64Array;
  readonly costs: Float64Array;
}

/**
 * Orders one config's curve rows by epoch (curves.csv may list them in any order) and checks that the
 * epochs are exactly 1..n: a missing first epoch, a duplicate or a gap is reported on the offending row.
 */
export function assembleCurve(
  id: string,
  rows: CurveRows,
  file: string,
  epochColumn: number,
  problems: ProblemList,
): Curve | null {
  const n = rows.epochs.length;
  let order: number[] | null = null;
  for (let i = 1; i < n; i++) {
    if ((rows.epochs[i] ?? 0) <= (rows.epochs[i - 1] ?? 0)) {
      // NOTE: a stable sort keeps file order among duplicates, so the later row is the one reported.
      order = Array.from({ length: n }, (_, k) => k).sort((a, b) => (rows.epochs[a] ?? 0) - (rows.epochs[b] ?? 0));
      break;
    }
  }
  const index = (k: number): number => (order === null ? k : (order[k] ?? k));
  const scores = new Float64Array(n);
  const costs = new Float64Array(n);
  let ok = true;
  for (let k = 0; k < n; k++) {
    const i = index(k);
    const epoch = rows.epochs[i] ?? 0;
    const line = rows.lines[i] ?? 0;
    const expected = k + 1;
    if (epoch !== expected) {
      const where = { file, line, column: epochColumn };
      if (k === 0) {
        problems.add(where, `config_id '${id}': its epochs start at ${epoch}, not 1`);
      } else if (epoch === k) {
        const previous = rows.lines[index(k - 1)] ?? 0;
        problems.add(where, `config_id '${id}': epoch ${epoch} appears twice (also on line ${previous})`);
      } else {
        problems.add(where, `config_id '${id}': epoch ${expected} is missing (the epochs go from ${k} to ${epoch})`);
      }
      ok = false;
      break;
    }
    scores[k] = rows.scores[i] ?? 0;
    costs[k] = rows.costs[i] ?? 0;
  }
  return ok ? { scores, costs } : null;
}
