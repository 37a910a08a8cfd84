import type { ObservedPoint } from '../predictor/types.ts';
import type { StepRecord } from '../core/step.ts';
import type { PoolView } from '../core/pool-state.ts';

/** How the observations a refit trains on are chosen. */
export interface TrainingSetSettings {
  /**
   * At most this many points per fit (undefined: all, as the paper does). Above it, the last observed epoch of
   * every pipeline is kept (it carries the longest curve prefix), the rest is thinned evenly along each curve.
   */
  readonly maxPoints?: number;
}

/**
 * The (pipeline, epoch, curve prefix, score, seconds) points of every successful step, in the order they
 * were observed, bounded by `settings.maxPoints`. Deterministic: the same records give the same set.
 */
export function selectTrainingSet(
  records: readonly StepRecord[],
  state: PoolView,
  settings: TrainingSetSettings,
): ObservedPoint[] {
  const all: ObservedPoint[] = [];
  for (const record of records) {
    if (record.status !== 'ok' || record.score === null) continue;
    const pipeline = state.indexOf(record.configId);
    if (pipeline === undefined) continue;
    all.push({
      pipeline,
      epoch: record.epoch,
      curve: state.curve(pipeline).slice(0, record.epoch - 1),
      score: record.score,
      seconds: record.seconds,
    });
  }
  const cap = settings.maxPoints;
  if (cap === undefined || all.length <= cap) return all;
  return thin(all, state, cap);
}

/** Keeps each pipeline's last point, then a fraction of the others spread evenly over each curve. */
function thin(all: readonly ObservedPoint[], state: PoolView, cap: number): ObservedPoint[] {
  const lastEpoch = (p: ObservedPoint): boolean => p.epoch === state.epochsOf(p.pipeline);
  const lasts = all.filter(lastEpoch);
  if (lasts.length >= cap) return lasts.slice(lasts.length - cap);
  const others = all.filter((p) => !lastEpoch(p));
  const keep = (cap - lasts.length) / others.length;
  const out: ObservedPoint[] = [];
  let credit = 0;
  for (const p of all) {
    if (lastEpoch(p)) {
      out.push(p);
      continue;
    }
    // NOTE: an error-diffusion pick keeps exactly the wanted share, spread along time and along each curve.
    credit += keep;
    if (credit >= 1) {
      credit -= 1;
      out.push(p);
    }
  }
  return out;
}
