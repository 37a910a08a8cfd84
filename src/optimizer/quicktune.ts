import { InternalError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import type { CurvePoint, TaskPredictor } from '../predictor/types.ts';
import type { StepRecord } from '../study/types.ts';
import { Random } from '../util/random.ts';
import { argMax, logExpectedImprovement } from './acquisition.ts';
import type { OptimizerContext } from './context.ts';
import { PoolState } from './pool-state.ts';
import { PAPER_REFIT, RefitSchedule, type RefitSettings } from './refit-schedule.ts';
import { selectTrainingSet, type TrainingSetSettings } from './training-set.ts';
import type { AskSituation, Optimizer, Suggestion } from './types.ts';

/** The ablation switches of the paper (spec/method.md section 8) and the refit settings. */
export interface QuickTuneSettings {
  /** M: start each restarting fit from the meta-trained weights (else a seeded fresh initialisation). */
  readonly metaInit: boolean;
  /** C: divide the expected improvement by the predicted cost of the step. */
  readonly costAware: boolean;
  /** G: gray-box one-epoch steps; false trains a chosen pipeline to its end at once. */
  readonly grayBox: boolean;
  readonly refit: RefitSettings;
  readonly trainingSet: TrainingSetSettings;
  /**
   * Look-ahead: besides its next epoch, a candidate is scored at `done + k` for each k here (capped at T),
   * as EI of that score per predicted second of the k epochs, and counts with its best horizon. Needs a
   * predictor meta-trained with truncated curve prefixes (recipe option horizonShare). Default: next epoch only.
   */
  readonly horizons?: readonly number[];

  /**
   * The score a candidate at epoch t must beat: 'per-epoch' = the best observed at epoch t among pipelines that
   * reached it, else the best overall (spec/method.md section 8, DyHPO); 'global' = the best observed at any
   * epoch (the incumbent that regret measures).
   */
  readonly incumbent: 'per-epoch' | 'global';
}

const log = getLogger('optimizer');

/**
 * Quick-Tune's optimizer: cost-aware multi-fidelity expected improvement over every unfinished pipeline at
 * its next epoch, with the deep-kernel GP refitted on all observations before each decision (lazily, in
 * `ask`, so telling many records costs one fit). With its switches off it is DyHPO or an ablation.
 */
export class QuickTuneOptimizer implements Optimizer {
  readonly name: string;
  private readonly settings: QuickTuneSettings;
  private readonly state: PoolState;
  private readonly predictor: TaskPredictor;
  private readonly schedule: RefitSchedule;
  private readonly random: Random;
  private readonly seed: number;
  private readonly records: StepRecord[] = [];
  private dirty = false;
  /** −G: the pipeline being trained to its end. */
  private current: number | undefined;

  constructor(name: string, context: OptimizerContext, settings: QuickTuneSettings) {
    if (context.predictor === undefined) throw new InternalError(`method '${name}' needs a predictor`);
    this.name = name;
    this.settings = settings;
    this.seed = context.seed;
    this.state = new PoolState(context.pipelines.map((p) => p.id), context.maxEpochs);
    this.random = new Random(context.seed).fork();
    this.schedule = new RefitSchedule(settings.refit);
    this.predictor = context.predictor.forTask(
      context.pipelines.map((p) => p.config),
      context.metaFeatures,
      { seed: context.seed, metaInit: settings.metaInit },
    );
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, seed: this.seed, ...this.settings };
  }

  async ask(situation: AskSituation = {}): Promise<Suggestion | null> {
    const state = this.state;
    const candidates = state.candidates();
    if (candidates.length === 0) return null;
    if (!this.settings.grayBox && this.current !== undefined && !state.isFinal(this.current)) {
      return this.suggest(this.current);
    }
    if (state.observations === 0) {
      // NOTE: initial design: one random pipeline at epoch 1 (nothing to condition the GP on yet).
      const untried = candidates.filter((i) => state.epochsOf(i) === 0);
      return this.choose(this.random.pick(untried.length > 0 ? untried : candidates));
    }
    if (this.dirty) await this.refit();
    return this.choose(await this.acquire(candidates, situation.remainingSeconds));
  }

  async tell(record: StepRecord): Promise<void> {
    const before = this.state.bestScore;
    this.state.observe(record);
    this.records.push(record);
    if (record.status === 'ok') {
      this.schedule.observed(this.state.bestScore > before, record.seconds);
      this.dirty = true;
    }
  }

  dispose(): void {
    this.predictor.dispose();
  }

  private choose(i: number): Suggestion {
    this.current = i;
    return this.suggest(i);
  }

  private suggest(i: number): Suggestion {
    return { configId: this.state.ids[i] ?? '', epoch: this.state.epochsOf(i) + 1 };
  }

  private async refit(): Promise<void> {
    const points = selectTrainingSet(this.records, this.state, this.settings.trainingSet);
    const options = this.schedule.next(points.length);
    const report = await this.predictor.fit(points, options);
    if (report.failed) {
      log.warn({ method: this.name, n: points.length, loss: report.loss }, 'predictor fit failed; restarting next time');
      this.schedule.failed();
    }
    this.dirty = false;
  }

  /** The score a candidate at `epoch` must beat (see {@link QuickTuneSettings.incumbent}). */
  private incumbentAt(epoch: number): number {
    const state = this.state;
    switch (this.settings.incumbent) {
      case 'global':
        return state.bestScore;
      case 'per-epoch': {
        const atEpoch = state.bestAtEpoch(epoch);
        return Number.isFinite(atEpoch) ? atEpoch : state.bestScore;
      }
    }
  }

  /**
   * The candidate with the largest (cost-aware) log expected improvement. With look-ahead horizons, each
   * candidate is also scored at later epochs of its curve (EI of the score k epochs ahead per second of those
   * k epochs) and counts with its best horizon; it is still trained one epoch at a time.
   *
   * Cost-aware, it also respects the budget left: a candidate whose next epoch is predicted to overrun it is
   * passed over while any other fits, so a search ends close to its budget instead of starting a long step at
   * the end. (Horizons are not cut to the budget: that would make a short search's early choices differ from a
   * long one's, which the benchmark's 1 h and 4 h regret, read from 16 h searches, would not measure.)
   */
  private async acquire(candidates: readonly number[], remainingSeconds: number | undefined): Promise<number> {
    const state = this.state;
    // NOTE: −G trains whole curves, so it compares untried pipelines by their predicted final score.
    const untried = candidates.filter((i) => state.epochsOf(i) === 0);
    const blackBox = !this.settings.grayBox && untried.length > 0;
    const pool = blackBox ? untried : candidates;
    const next: CurvePoint[] = pool.map((i) => ({
      pipeline: i,
      epoch: blackBox ? 1 : state.epochsOf(i) + 1,
      curve: blackBox ? [] : state.curve(i),
    }));
    const cost = this.settings.costAware ? await this.predictor.predictCost(next) : undefined;
    const left = cost === undefined || remainingSeconds === undefined ? Infinity : remainingSeconds;
    const anyFits = cost !== undefined && cost.some((c) => c <= left);
    const queries: CurvePoint[] = [];
    const owners: number[] = [];
    const steps: number[] = [];
    next.forEach((q, p) => {
      const done = q.epoch - 1;
      const seconds = cost?.[p] ?? 0;
      if (anyFits && seconds > left) return;
      for (const epoch of this.queryEpochs(done, blackBox)) {
        queries.push({ ...q, epoch });
        owners.push(p);
        steps.push(epoch - done);
      }
    });
    const { mean, std } = await this.predictor.predict(queries);
    const logCost = cost?.map((c) => Math.log(Math.max(c, 1e-6)));
    const scores = new Float64Array(pool.length).fill(-Infinity);
    const thresholds = new Map<number, number>();
    queries.forEach((q, j) => {
      let incumbent = thresholds.get(q.epoch);
      if (incumbent === undefined) {
        incumbent = this.incumbentAt(q.epoch);
        thresholds.set(q.epoch, incumbent);
      }
      const p = owners[j] ?? 0;
      const logEi = logExpectedImprovement(mean[j] ?? 0, std[j] ?? 0, incumbent);
      // NOTE: reaching epoch t+k costs k epochs; the next epoch's predicted seconds stand for each of them.
      const score = logEi - (logCost === undefined ? 0 : (logCost[p] ?? 0) + Math.log(steps[j] ?? 1));
      if (score > (scores[p] ?? -Infinity)) scores[p] = score;
    });
    const best = argMax(scores);
    // NOTE: every EI can be exactly 0 (std 0 and no predicted gain); fall back to a random candidate.
    if (best < 0 || scores[best] === -Infinity) return this.random.pick(pool);
    return pool[best] ?? this.random.pick(pool);
  }

  /** The epochs a candidate with `done` epochs is scored at: its next one and its look-ahead horizons. */
  private queryEpochs(done: number, blackBox: boolean): number[] {
    const T = this.state.maxEpochs;
    if (blackBox) return [T];
    const horizons = this.settings.horizons;
    if (horizons === undefined || horizons.length === 0) return [done + 1];
    const epochs = new Set<number>([done + 1]);
    for (const k of horizons) epochs.add(Math.min(T, done + Math.max(1, k)));
    return [...epochs].sort((a, b) => a - b);
  }
}
