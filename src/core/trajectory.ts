import type { StepRecord } from './step.ts';

/** (clock seconds, best score so far) at each improvement of the incumbent, over records in commit order. */
export function trajectoryOf(records: readonly StepRecord[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    if (record.status !== 'ok' || record.score === null || record.score <= best) continue;
    best = record.score;
    out.push([record.finishedAt, best]);
  }
  return out;
}
