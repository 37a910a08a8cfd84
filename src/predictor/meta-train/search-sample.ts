import type { MetaConfig } from '../../metadata/types.ts';
import type { Random } from '../../util/random.ts';
import type { PointRef } from '../inputs.ts';
import type { Sample } from './training-data.ts';

/** Observations and next steps of a simulated gray-box search on one task. */
export interface SearchLikeSample {
  /** Every epoch 1..L of some runs (L uniform in 1..length per run), about `size` points in all. */
  readonly context: Sample;
  /** The next epoch of started runs that can continue, and epoch 1 of as many unstarted runs. */
  readonly query: Sample;
}

/**
 * What an optimizer sees mid-search: random runs observed for a prefix of their curves until about `size`
 * points are known; the queries are the steps it could take next (at most `maxQueries` of each kind).
 * Run indices refer to `runs`.
 */
export function searchLikeSample(runs: readonly MetaConfig[], size: number, maxQueries: number, rng: Random): SearchLikeSample {
  const order = rng.shuffle(runs.map((_, i) => i));
  const context = new Collector();
  const prefix = new Map<number, number>();
  for (const p of order) {
    if (context.length >= size) break;
    const run = runs[p]!;
    const length = Math.min(1 + rng.int(run.scores.length), size - context.length);
    prefix.set(p, length);
    for (let e = 1; e <= length; e++) context.add(run, p, e);
  }
  const query = new Collector();
  const continuing = [...prefix].filter(([p, length]) => length < runs[p]!.scores.length).slice(0, maxQueries);
  for (const [p, length] of continuing) query.add(runs[p]!, p, length + 1);
  const fresh = order.filter((p) => !prefix.has(p)).slice(0, Math.max(1, Math.min(maxQueries, continuing.length)));
  for (const p of fresh) query.add(runs[p]!, p, 1);
  return { context: context.sample(), query: query.sample() };
}

class Collector {
  private readonly points: PointRef[] = [];
  private readonly scores: number[] = [];
  private readonly seconds: number[] = [];

  get length(): number {
    return this.points.length;
  }

  add(run: MetaConfig, pipeline: number, epoch: number): void {
    this.points.push({ pipeline, epoch, curve: run.scores.subarray(0, epoch - 1) });
    this.scores.push(run.scores[epoch - 1]!);
    this.seconds.push(run.costs[epoch - 1]!);
  }

  sample(): Sample {
    return { points: this.points, scores: Float64Array.from(this.scores), seconds: Float64Array.from(this.seconds) };
  }
}

/**
 * A random epoch at least two past the `known` observed ones of a curve of `length` epochs (what the
 * optimizer's look-ahead asks about), or undefined when the curve ends before.
 */
export function aheadEpoch(length: number, known: number, rng: Random): number | undefined {
  return length > known + 1 ? known + 2 + rng.int(length - known - 1) : undefined;
}
