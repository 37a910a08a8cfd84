import type { MetaConfig, MetaTask } from '../src/metadata/types.ts';
import { aheadEpoch } from '../src/predictor/meta-train/search-sample.ts';
import type { CurvePoint, ObservedPoint } from '../src/predictor/types.ts';
import type { Random } from '../src/util/random.ts';

export type QueryKind = 'new' | 'continuing' | 'ahead';

/** A search-like situation on one task: what has been observed, and the next steps an optimizer could take. */
export interface SearchEpisode {
  readonly runs: readonly MetaConfig[];
  readonly observed: ObservedPoint[];
  /**
   * Every started run's next epoch ('continuing'), epoch 1 of some unstarted runs ('new'), and for each of
   * those runs one random later epoch predicted from the same prefix ('ahead', what look-ahead asks for).
   */
  readonly queries: CurvePoint[];
  readonly kinds: QueryKind[];
  readonly truth: Float64Array;
  readonly truthSeconds: Float64Array;
}

/**
 * Mimics a gray-box search state with about `size` observations: random runs, each observed for a prefix of
 * its curve (epochs 1..L, L uniform in 1..length), until `size` points are observed. Queries are the next
 * epoch of every started run that can continue and epoch 1 of as many unstarted runs (at most 100 of each).
 */
export function searchEpisode(task: MetaTask, size: number, rng: Random): SearchEpisode {
  const runs = task.configs.filter((run) => run.scores.length > 0);
  const order = rng.shuffle(runs.map((_, i) => i));
  const observed: ObservedPoint[] = [];
  const started: number[] = [];
  const prefix = new Map<number, number>();
  for (const p of order) {
    if (observed.length >= size) break;
    const run = runs[p]!;
    const length = Math.min(1 + rng.int(run.scores.length), size - observed.length);
    prefix.set(p, length);
    started.push(p);
    for (let e = 1; e <= length; e++) {
      observed.push({ pipeline: p, epoch: e, curve: run.scores.subarray(0, e - 1), score: run.scores[e - 1]!, seconds: run.costs[e - 1]! });
    }
  }
  const queries: CurvePoint[] = [];
  const truth: number[] = [];
  const seconds: number[] = [];
  const kinds: QueryKind[] = [];
  const ask = (p: number, epoch: number, known: number, kind: QueryKind) => {
    const run = runs[p]!;
    queries.push({ pipeline: p, epoch, curve: run.scores.subarray(0, known) });
    truth.push(run.scores[epoch - 1]!);
    seconds.push(run.costs[epoch - 1]!);
    kinds.push(kind);
  };
  /** A later epoch of run `p` (past `known` + 1), or none when its curve ends before. */
  const ahead = (p: number, known: number) => {
    const epoch = aheadEpoch(runs[p]!.scores.length, known, rng);
    if (epoch !== undefined) ask(p, epoch, known, 'ahead');
  };
  const continuing = started.filter((p) => prefix.get(p)! < runs[p]!.scores.length).slice(0, 100);
  for (const p of continuing) ask(p, prefix.get(p)! + 1, prefix.get(p)!, 'continuing');
  const fresh = order.filter((p) => !prefix.has(p)).slice(0, Math.max(1, Math.min(100, continuing.length)));
  for (const p of fresh) ask(p, 1, 0, 'new');
  for (const p of continuing) ahead(p, prefix.get(p)!);
  for (const p of fresh) ahead(p, 0);
  return { runs, observed, queries, kinds, truth: Float64Array.from(truth), truthSeconds: Float64Array.from(seconds) };
}

/** Per-epoch mean score and the spread of scores around it, over training tasks' curves (a reference predictor). */
export class EpochMeanReference {
  readonly mean: Float64Array;
  readonly rmse: number;
  readonly lastScoreRmse: number;

  constructor(tasks: readonly MetaTask[], maxEpochs: number) {
    const sum = new Float64Array(maxEpochs + 1);
    const count = new Float64Array(maxEpochs + 1);
    for (const task of tasks) {
      for (const run of task.configs) {
        run.scores.forEach((s, e) => {
          sum[e + 1]! += s;
          count[e + 1]! += 1;
        });
      }
    }
    this.mean = Float64Array.from(sum, (s, e) => (count[e]! > 0 ? s / count[e]! : 0));
    let se = 0;
    let n = 0;
    let seLast = 0;
    for (const task of tasks) {
      for (const run of task.configs) {
        run.scores.forEach((s, e) => {
          se += (s - this.mean[e + 1]!) ** 2;
          seLast += (s - this.lastScore(run.scores.subarray(0, e), e + 1)) ** 2;
          n++;
        });
      }
    }
    this.rmse = Math.sqrt(se / Math.max(1, n));
    this.lastScoreRmse = Math.sqrt(seLast / Math.max(1, n));
  }

  /** The last observed score, or the epoch mean when nothing was observed. */
  lastScore(curve: ArrayLike<number>, epoch: number): number {
    return curve.length > 0 ? curve[curve.length - 1]! : (this.mean[epoch] ?? 0);
  }
}

/** Accumulates squared errors and Gaussian negative log predictive densities. */
export class Metrics {
  private se = 0;
  private error = 0;
  private nlpd = 0;
  private n = 0;

  add(truth: number, mean: number, std: number): void {
    const s = Math.max(std, 1e-6);
    this.se += (truth - mean) ** 2;
    this.error += mean - truth;
    this.nlpd += 0.5 * Math.log(2 * Math.PI * s * s) + (truth - mean) ** 2 / (2 * s * s);
    this.n++;
  }

  get mse(): number {
    return this.se / Math.max(1, this.n);
  }

  /** Mean of predicted minus true: above 0, the predictions are too optimistic. */
  get bias(): number {
    return this.error / Math.max(1, this.n);
  }

  get meanNlpd(): number {
    return this.nlpd / Math.max(1, this.n);
  }

  get count(): number {
    return this.n;
  }
}

/** Spearman rank correlation of two equally long series (ties get their mean rank); NaN below 3 points. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n < 3) return Number.NaN;
  const ranks = (x: ArrayLike<number>): Float64Array => {
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => x[i]! - x[j]!);
    const r = new Float64Array(n);
    for (let k = 0; k < n; ) {
      let end = k;
      while (end + 1 < n && x[order[end + 1]!] === x[order[k]!]) end++;
      for (let t = k; t <= end; t++) r[order[t]!] = (k + end) / 2;
      k = end + 1;
    }
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  const mean = (n - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    num += (ra[i]! - mean) * (rb[i]! - mean);
    da += (ra[i]! - mean) ** 2;
    db += (rb[i]! - mean) ** 2;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : Number.NaN;
}

/** Averages of a per-episode statistic, by key. */
export class Averages {
  private readonly sums = new Map<string, { sum: number; n: number }>();

  add(key: string, value: number): void {
    if (!Number.isFinite(value)) return;
    const entry = this.sums.get(key) ?? { sum: 0, n: 0 };
    entry.sum += value;
    entry.n++;
    this.sums.set(key, entry);
  }

  get(key: string): number {
    const entry = this.sums.get(key);
    return entry ? entry.sum / entry.n : Number.NaN;
  }
}
