import type { Random } from '../../util/random.ts';
import { AHEAD_BUCKETS, gapBucket, queryGap, type Calibration } from '../calibration.ts';
import type { PointRef } from '../inputs.ts';
import { concatBatches } from '../network/batch.ts';
import type { DeepKernelEngine } from '../network/engine.ts';
import { EMBEDDING_DIM } from '../network/performance-net.ts';
import { standardize, type Standardizer } from '../scaling.ts';
import { aheadEpoch, searchLikeSample } from './search-sample.ts';
import { samplePoints, type Sample, type TaskData } from './training-data.ts';

/** A validation episode: condition the GP on `context`, predict `query` (docs/method.md §5). */
export interface Episode {
  readonly task: TaskData;
  readonly context: Sample;
  readonly query: Sample;
  /** Queries further ahead of the same prefixes, for calibration only (withAheadQueries). */
  readonly ahead?: Sample;
}

/** How validation episodes are drawn: the paper's random points, or search-like states (see searchLikeSample). */
export const VALIDATION_STYLES = ['random', 'search'] as const;
export type ValidationStyle = (typeof VALIDATION_STYLES)[number];

/**
 * A fixed set of episodes drawn once from the validation tasks (round robin), so that every validation of a
 * run compares checkpoints on the same points. 'random': `size` random context and query points (the
 * paper); 'search': a search-like state of about 4·`size` observations and up to `size` queries of each kind.
 */
export function drawEpisodes(tasks: readonly TaskData[], count: number, size: number, rng: Random, style: ValidationStyle = 'random'): Episode[] {
  if (tasks.length === 0) return [];
  const episodes = Array.from({ length: count }, (_, i) => {
    const task = tasks[i % tasks.length]!;
    if (style === 'search') return { task, ...searchLikeSample(task.runs, 4 * size, size, rng) };
    return { task, context: samplePoints(task, size, rng), query: samplePoints(task, size, rng) };
  });
  // NOTE: a tiny task can leave nothing to query (every run observed to its end).
  return episodes.filter((e) => e.context.points.length > 0 && e.query.points.length > 0);
}

/** Conditions on the context and predicts the queries, with one forward pass of the network for both. */
function episodePosterior(engine: DeepKernelEngine, theta: Float64Array, task: TaskData, context: Sample, query: Sample, score: Standardizer) {
  const c = task.rows.batch(context.points);
  const q = task.rows.batch(query.points);
  const z = engine.embed(theta, concatBatches(engine.dims, c, q));
  const split = c.n * EMBEDDING_DIM;
  engine.condition(theta, c, standardize(score, context.scores), z.subarray(0, split));
  return engine.posterior(theta, q, z.subarray(split));
}

/**
 * Mean squared error of the GP's predictive mean on the query points, in score units, averaged over the
 * episodes; no weights change.
 */
export function validationMse(engine: DeepKernelEngine, theta: Float64Array, episodes: readonly Episode[], score: Standardizer): number {
  if (episodes.length === 0) return Number.NaN;
  let total = 0;
  let count = 0;
  for (const { task, context, query } of episodes) {
    const { mean } = episodePosterior(engine, theta, task, context, query, score);
    for (let j = 0; j < mean.length; j++) {
      const predicted = mean[j]! * score.std + score.mean;
      total += (predicted - query.scores[j]!) ** 2;
      count++;
    }
  }
  return total / count;
}

/**
 * Adds to each episode's queries, in a separate sample, one random later epoch of every queried run predicted
 * from the same observed prefix (at least two epochs past it): what the optimizer's look-ahead asks for.
 * Runs whose curve ends before get none. Uses only `rng`, so the episodes themselves are unchanged.
 */
export function withAheadQueries(episodes: readonly Episode[], rng: Random): Episode[] {
  return episodes.map((episode) => {
    const points: PointRef[] = [];
    const scores: number[] = [];
    const seconds: number[] = [];
    for (const point of episode.query.points) {
      const run = episode.task.runs[point.pipeline]!;
      const known = point.epoch - 1;
      const epoch = aheadEpoch(run.scores.length, known, rng);
      if (epoch === undefined) continue;
      points.push({ pipeline: point.pipeline, epoch, curve: run.scores.subarray(0, known) });
      scores.push(run.scores[epoch - 1]!);
      seconds.push(run.costs[epoch - 1]!);
    }
    return { ...episode, ahead: { points, scores: Float64Array.from(scores), seconds: Float64Array.from(seconds) } };
  });
}

/**
 * Post-hoc calibration of the predictive standard deviation (temperature scaling): for each kind of query,
 * the factor s that maximizes the Gaussian likelihood of the validation queries, s² = mean((y − μ)² / σ²),
 * bounded to [0.25, 4]. Next-step kinds with fewer than 20 queries keep 1. When the episodes carry ahead
 * queries (withAheadQueries), a factor per kind and gap bucket is fitted too; a bucket with fewer than 20
 * queries takes the factor of the bucket before it.
 */
export function fitCalibration(engine: DeepKernelEngine, theta: Float64Array, episodes: readonly Episode[], score: Standardizer): Calibration {
  const slots = 1 + AHEAD_BUCKETS;
  const sums = { new: new Float64Array(slots), continuing: new Float64Array(slots) };
  const counts = { new: new Float64Array(slots), continuing: new Float64Array(slots) };
  let anyAhead = false;
  for (const episode of episodes) {
    const { task, context } = episode;
    const query = episode.ahead === undefined ? episode.query : concatSamples(episode.query, episode.ahead);
    anyAhead ||= episode.ahead !== undefined;
    const batch = task.rows.batch(query.points);
    const { mean, variance, noise } = episodePosterior(engine, theta, task, context, query, score);
    for (let j = 0; j < mean.length; j++) {
      const kind = batch.hasLast[j] !== 0 ? 'continuing' : 'new';
      const slot = 1 + gapBucket(queryGap(query.points[j]!));
      const y = (query.scores[j]! - score.mean) / score.std;
      sums[kind][slot]! += (y - mean[j]!) ** 2 / (variance[j]! + noise[j]!);
      counts[kind][slot]! += 1;
    }
  }
  const factors = (kind: 'new' | 'continuing'): number[] => {
    const out: number[] = [];
    for (let slot = 0; slot < slots; slot++) {
      const n = counts[kind][slot]!;
      const fallback = slot === 0 ? 1 : out[slot - 1]!;
      out.push(n < 20 ? fallback : Math.min(4, Math.max(0.25, Math.sqrt(sums[kind][slot]! / n))));
    }
    return out;
  };
  const newFactors = factors('new');
  const continuingFactors = factors('continuing');
  const nextStep = { new: newFactors[0]!, continuing: continuingFactors[0]! };
  return anyAhead ? { ...nextStep, ahead: { new: newFactors.slice(1), continuing: continuingFactors.slice(1) } } : nextStep;
}

function concatSamples(a: Sample, b: Sample): Sample {
  return {
    points: [...a.points, ...b.points],
    scores: Float64Array.from([...a.scores, ...b.scores]),
    seconds: Float64Array.from([...a.seconds, ...b.seconds]),
  };
}
