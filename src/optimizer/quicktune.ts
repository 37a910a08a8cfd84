import { InternalError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import type { PoolView } from '../core/pool-state.ts';
import type { StepRecord } from '../core/step.ts';
import type { CurvePoint, ObservedPoint, TaskPredictor } from '../predictor/types.ts';
import { Random } from '../util/random.ts';
import { argMax, logExpectedImprovement } from './acquisition.ts';
import type { OptimizerContext } from './context.ts';
import { RefitSchedule, type RefitSettings } from './refit-schedule.ts';
import { DefaultOpening } from './default-opening.ts';
import { CorrectedTaskPredictor, OnlineScoreCorrection } from './score-correction.ts';
import { StepCostEstimator } from './step-cost.ts';
import { selectTrainingSet, type TrainingSetSettings } from './training-set.ts';
import type { AskSituation, Optimizer, Suggestion } from './types.ts';

/** The ablation switches of the paper (docs/method.md §8.6) and the refit settings. */
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
   * reached it, else the best overall (docs/method.md §8.2, DyHPO); 'global' = the best observed at any
   * epoch (the incumbent that regret measures).
   */
  readonly incumbent: 'per-epoch' | 'global';

  /**
   * Steps running on other workers: 'believer' conditions the GP on each one's predicted mean as if observed
   * (kriging believer; the incumbent counts it too), so the next choice looks elsewhere; 'exclude' only keeps
   * their pipelines out of the candidates. One worker never has a step pending when it asks.
   */
  readonly pending: 'believer' | 'exclude';

  /**
   * Share of the budget that the trainer's hand-picked default pipeline may take before the model decides: from
   * the first step it is trained epoch after epoch while its seconds so far and its next epoch's predicted ones
   * fit in this share of the budget the search started with (0: its first epoch only, then the model decides).
   * Without a budget, or a trainer without a default pipeline: its first epoch only, or nothing.
   */
  readonly defaultShare: number;
}

const log = getLogger('optimizer');

/**
 * The largest share of the budget left that a step chosen before any result may be predicted to take (with a
 * trainer that measures its epoch costs): a 5-minute search's first step takes at most 30 s.
 */
const FIRST_STEP_BUDGET_SHARE = 0.1;

/**
 * Quick-Tune's optimizer: cost-aware multi-fidelity expected improvement over every unfinished pipeline at
 * its next epoch, with the deep-kernel GP refitted on all observations before each decision (lazily, in
 * `ask`, so telling many records costs one fit). With its switches off it is DyHPO or an ablation.
 */
export class QuickTuneOptimizer implements Optimizer {
  readonly name: string;
  private readonly settings: QuickTuneSettings;
  private readonly state: PoolView;
  private readonly predictor: TaskPredictor;
  private readonly schedule: RefitSchedule;
  private readonly costs: StepCostEstimator;
  /** Seconds of this optimizer's recent model-based decisions (moving average); 0 before the first one. */
  private decisionSeconds = 0;
  private readonly random: Random;
  private readonly seed: number;
  /** Observations the GP was last fitted on (a new one makes it refit); -1 before the first fit. */
  private fittedOn = -1;
  /** Observations the cost model last trained on. */
  private costFittedOn = 0;
  private training: ObservedPoint[] = [];
  /** Kriging-believer observations of pending steps, by claim. */
  private readonly fantasies = new Map<string, ObservedPoint>();
  private bestTold = -Infinity;
  /** −G: the pipeline being trained to its end. */
  private current: number | undefined;
  /** Where the pool holds the trainer's hand-picked default pipeline: it is trained first. */
  private readonly opening: DefaultOpening | undefined;
  /** Where the trainer's curves are not the meta-training data's: the score model's online correction. */
  private readonly correction: OnlineScoreCorrection | undefined;

  constructor(name: string, context: OptimizerContext, settings: QuickTuneSettings) {
    if (context.predictor === undefined) throw new InternalError(`method '${name}' needs a predictor`);
    this.name = name;
    this.settings = settings;
    this.seed = context.seed;
    this.state = context.state;
    this.random = new Random(context.seed).fork();
    this.schedule = new RefitSchedule(settings.refit);
    const byDefault = context.defaultPipeline === undefined ? undefined : context.state.indexOf(context.defaultPipeline);
    this.opening = byDefault === undefined ? undefined : new DefaultOpening(byDefault, settings.defaultShare, context.state, name);
    const configs = context.pipelines.map((p) => p.config);
    this.costs = new StepCostEstimator(configs, settings.costAware ? context.epochCost : undefined);
    const predictor = context.predictor.forTask(configs, context.metaFeatures, { seed: context.seed, metaInit: settings.metaInit });
    // NOTE: only a meta-trained score model carries another trainer's habits to correct (−M starts fresh).
    this.correction = context.correctScores && settings.metaInit ? new OnlineScoreCorrection() : undefined;
    this.predictor = this.correction ? new CorrectedTaskPredictor(predictor, this.correction) : predictor;
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name, seed: this.seed, ...this.settings, scoreCorrection: this.correction !== undefined };
  }

  async ask(situation: AskSituation = {}): Promise<Suggestion | null> {
    const state = this.state;
    const candidates = state.candidates();
    if (candidates.length === 0) return null;
    const current = this.current;
    if (!this.settings.grayBox && current !== undefined && !state.isFinal(current) && !state.isPending(current)) {
      return this.suggest(current);
    }
    const believing = state.pending.length > 0 && this.settings.pending === 'believer';
    const opening = this.opening;
    if (opening) {
      const i = opening.pipeline;
      const step = opening.next(candidates, situation.remainingSeconds, () => this.costs.trainerCost(i, state.epochsOf(i) + 1, situation.slot)?.next);
      if (step) {
        const suggestion = this.choose(i);
        return step.seconds === undefined ? suggestion : { ...suggestion, predictedSeconds: step.seconds };
      }
    }
    if (state.observations === 0 && !believing && !this.costs.measured) {
      // NOTE: initial design: one random pipeline at epoch 1 (nothing to condition the GP on yet), as in the paper
      // (the replay benchmark). Where the trainer measured what epochs cost here (real training), a random first
      // step may take the whole budget: the model's choice under its prior (meta-learned mean, measured costs)
      // is taken instead, as it is for workers that ask while the first steps run (their believed scores).
      const untried = candidates.filter((i) => state.epochsOf(i) === 0);
      return this.choose(this.random.pick(untried.length > 0 ? untried : candidates));
    }
    const started = performance.now();
    await this.update();
    const { pipeline, seconds } = await this.acquire(candidates, situation);
    const took = (performance.now() - started) / 1000;
    this.decisionSeconds = this.decisionSeconds === 0 ? took : 0.8 * this.decisionSeconds + 0.2 * took;
    const suggestion = this.choose(pipeline);
    return seconds === undefined ? suggestion : { ...suggestion, predictedSeconds: seconds };
  }

  async tell(record: StepRecord): Promise<void> {
    if (record.status !== 'ok' || record.score === null) return;
    this.schedule.observed(record.score > this.bestTold, record.seconds);
    this.bestTold = Math.max(this.bestTold, record.score);
    const pipeline = this.state.indexOf(record.configId);
    if (pipeline === undefined) return;
    this.costs.observe(pipeline, record);
    this.correction?.observe(pipeline, record.epoch, record.score);
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

  /** Refits on new observations; with 'believer', conditions the GP on the pending steps' predicted scores. */
  private async update(): Promise<void> {
    if (this.fittedOn !== this.state.observations) {
      // NOTE: nothing observed yet (workers asking while the first steps run): the prior, no fit to make.
      if (this.state.observations > 0) await this.refit();
      this.fittedOn = this.state.observations;
      this.fantasies.clear();
    }
    if (this.settings.pending !== 'believer') return;
    const pending = this.state.pending;
    const live = new Set(pending.map((p) => p.claim));
    let changed = false;
    for (const claim of this.fantasies.keys()) {
      if (live.has(claim)) continue;
      this.fantasies.delete(claim);
      changed = true;
    }
    if (changed) await this.condition();
    const fresh = pending.filter((p) => !this.fantasies.has(p.claim));
    if (fresh.length === 0) return;
    const points = fresh.map((p) => {
      const pipeline = this.state.indexOf(p.configId) ?? 0;
      return { claim: p.claim, point: { pipeline, epoch: p.epoch, curve: this.state.curve(pipeline) } };
    });
    const { mean } = await this.predictor.predict(points.map((p) => p.point));
    points.forEach(({ claim, point }, k) => this.fantasies.set(claim, { ...point, score: mean[k] ?? 0, seconds: 1 }));
    await this.condition();
  }

  private async refit(): Promise<void> {
    this.training = selectTrainingSet(this.state.records, this.state, this.settings.trainingSet);
    let options = this.schedule.next(this.training.length);
    if (options.steps === 0 && (options.costSteps ?? 0) > 0) {
      // NOTE: with k steps in flight the cost model trains once per k + 1 new results (with one worker: after
      // every result, as before): it changes little per result, and its Adam steps are most of an ask's time.
      if (this.state.observations - this.costFittedOn < 1 + this.state.pending.length) options = { ...options, costSteps: 0 };
      else this.costFittedOn = this.state.observations;
    }
    const report = await this.predictor.fit(this.training, options);
    if (report.failed) {
      log.warn({ method: this.name, n: this.training.length, loss: report.loss }, 'predictor fit failed; restarting next time');
      this.schedule.failed();
    }
  }

  /** Conditions the GP (no weight update) on the observations and the pending steps' believed scores. */
  private async condition(): Promise<void> {
    await this.predictor.fit([...this.training, ...this.fantasies.values()], { steps: 0, costSteps: 0, restart: false, learningRate: 0 });
  }

  /** The score a candidate at `epoch` must beat (see {@link QuickTuneSettings.incumbent}). */
  private incumbentAt(epoch: number): number {
    const state = this.state;
    let believed = -Infinity;
    for (const fantasy of this.fantasies.values()) believed = Math.max(believed, fantasy.score);
    // NOTE: nothing observed nor believed: any score beats having no model, so EI is measured against 0.
    const global = Math.max(state.bestScore, believed, state.observations === 0 && believed === -Infinity ? 0 : -Infinity);
    switch (this.settings.incumbent) {
      case 'global':
        return global;
      case 'per-epoch': {
        const atEpoch = state.bestAtEpoch(epoch);
        return Number.isFinite(atEpoch) ? atEpoch : global;
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
  private async acquire(candidates: readonly number[], { remainingSeconds, slot }: AskSituation): Promise<{ pipeline: number; seconds?: number }> {
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
    const cost = this.settings.costAware ? await this.costs.costs(next, this.predictor, slot) : undefined;
    // NOTE: anytime: before anything is known, no step may take more than a small share of the budget left.
    const share = state.observations === 0 && this.costs.measured ? FIRST_STEP_BUDGET_SHARE : 1;
    const left = cost === undefined || remainingSeconds === undefined ? Infinity : remainingSeconds * share;
    const anyFits = cost !== undefined && cost.some((c) => c.next <= left);
    const queries: CurvePoint[] = [];
    const owners: number[] = [];
    const steps: number[] = [];
    next.forEach((q, p) => {
      const done = q.epoch - 1;
      const seconds = cost?.[p]?.next ?? 0;
      if (anyFits && seconds > left) return;
      for (const epoch of this.queryEpochs(done, blackBox)) {
        queries.push({ ...q, epoch });
        owners.push(p);
        steps.push(epoch - done);
      }
    });
    const { mean, std } = await this.predictor.predict(queries);

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
      // NOTE: reaching epoch t+k costs the next epoch plus k-1 later ones (the same seconds unless the trainer says).
      const c = cost?.[p];
      // NOTE: every epoch also costs a decision (refit and acquisition, charged to the budget too): an epoch of
      // a linear probe (0.05 s) next to a decision (about 1 s on a CPU) is not 20x cheaper than a 1-second epoch.
      const k = steps[j] ?? 1;
      const score = logEi - (c === undefined ? 0 : Math.log(Math.max(c.next + (k - 1) * c.later + k * this.decisionSeconds, 1e-6)));
      if (score > (scores[p] ?? -Infinity)) scores[p] = score;
    });
    const best = argMax(scores);
    // NOTE: every EI can be exactly 0 (std 0 and no predicted gain); fall back to a random candidate.
    const k = best < 0 || scores[best] === -Infinity || pool[best] === undefined ? this.random.pick(pool.map((_, j) => j)) : best;
    const seconds = cost?.[k]?.next;
    return { pipeline: pool[k] ?? 0, ...(seconds === undefined ? {} : { seconds }) };
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
