import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OptimizerContext } from '../../src/optimizer/context.ts';
import { QuickTuneOptimizer, type QuickTuneSettings } from '../../src/optimizer/quicktune.ts';
import { QUICKTUNE_DEFAULTS } from '../../src/optimizer/registry.ts';
import { PAPER_REFIT } from '../../src/optimizer/refit-schedule.ts';
import type { CurvePoint, FitOptions, FitReport, Predictor, Prediction, TaskPredictor } from '../../src/predictor/types.ts';
import type { Pipeline } from '../../src/space/types.ts';
import { PoolState } from '../../src/core/pool-state.ts';
import type { StepRecord, Suggestion } from '../../src/core/step.ts';

/** A predictor with a fixed belief per pipeline (mean, std, cost), to test the acquisition on its own. */
class FixedBelief implements TaskPredictor {
  readonly maxEpochs = 10;
  readonly fits: Array<FitOptions & { n: number }> = [];
  readonly queries: CurvePoint[][] = [];
  failNext = false;
  private readonly belief: ReadonlyArray<{ mean: number; std: number; cost: number }>;
  /** Overrides the mean by (pipeline, epoch): a belief about a whole curve, for look-ahead tests. */
  curveMean: ((pipeline: number, epoch: number) => number) | undefined;

  constructor(belief: ReadonlyArray<{ mean: number; std: number; cost: number }>) {
    this.belief = belief;
  }

  async fit(observations: readonly unknown[], options: FitOptions): Promise<FitReport> {
    this.fits.push({ ...options, n: observations.length });
    const failed = this.failNext;
    this.failNext = false;
    return { loss: 0, steps: options.steps, seconds: 0, failed };
  }

  async predict(queries: readonly CurvePoint[]): Promise<Prediction> {
    this.queries.push([...queries]);
    return {
      mean: Float64Array.from(queries, (q) => this.curveMean?.(q.pipeline, q.epoch) ?? this.belief[q.pipeline]?.mean ?? 0),
      std: Float64Array.from(queries, (q) => this.belief[q.pipeline]?.std ?? 0),
    };
  }

  async predictCost(queries: readonly CurvePoint[]): Promise<Float64Array> {
    return Float64Array.from(queries, (q) => this.belief[q.pipeline]?.cost ?? 1);
  }

  dispose(): void {}
}

function setup(
  belief: ReadonlyArray<{ mean: number; std: number; cost: number }>,
  switches: Partial<QuickTuneSettings> = {},
  seed = 0,
  trainer: Pick<OptimizerContext, 'epochCost' | 'defaultPipeline'> = {},
) {
  const pipelines: Pipeline[] = belief.map((_, i) => ({ id: `p${i}`, config: { model: `m${i}` } }));
  const task = new FixedBelief(belief);
  const predictor: Predictor = { maxEpochs: 10, forTask: () => task };
  const state = new PoolState(pipelines.map((p) => p.id), 10);
  const optimizer = new QuickTuneOptimizer('qt', { pipelines, state, maxEpochs: 10, seed, metaFeatures: {}, predictor, ...trainer }, {
    ...QUICKTUNE_DEFAULTS,
    ...switches,
  });
  /** What the study does with a finished step: the state first, then the optimizer. */
  const tell = async (record: StepRecord): Promise<void> => {
    state.observe(record);
    await optimizer.tell(record);
  };
  return { optimizer, task, state, tell };
}

/** A suggestion without the optimizer's cost prediction. */
const bare = (s: Suggestion | null) => s && { configId: s.configId, epoch: s.epoch };

const ok = (configId: string, epoch: number, score: number, final = false): StepRecord => ({
  configId, epoch, score, seconds: 1, status: 'ok', final, finishedAt: 0,
});

test('the first suggestion is a random pipeline at epoch 1, without touching the predictor', async () => {
  const { optimizer, task, tell } = setup([{ mean: 0.5, std: 0.1, cost: 1 }, { mean: 0.5, std: 0.1, cost: 1 }]);
  const first = await optimizer.ask();
  assert.equal(first?.epoch, 1);
  assert.equal(task.fits.length, 0);
  assert.equal(task.queries.length, 0);
});

test('cost-aware EI prefers a cheap good step to an expensive slightly better one; plain EI does not', async () => {
  const belief = [
    { mean: 0.2, std: 0.01, cost: 1 },
    { mean: 0.8, std: 0.05, cost: 100 },
    { mean: 0.75, std: 0.05, cost: 1 },
  ];
  for (const [costAware, expected] of [[true, 'p2'], [false, 'p1']] as const) {
    const { optimizer, tell } = setup(belief, { costAware });
    await tell(ok('p0', 1, 0.5, true));
    assert.equal((await optimizer.ask())?.configId, expected, `costAware=${costAware}`);
  }
});

test('a candidate at epoch t is compared with the best score observed at epoch t', async () => {
  const belief = [
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0.5, std: 0.02, cost: 1 },
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0.85, std: 0.02, cost: 1 },
  ];
  const { optimizer, task, tell } = setup(belief, { incumbent: 'per-epoch', horizons: undefined });
  await tell(ok('p0', 1, 0.9, true));
  await tell(ok('p1', 1, 0.3));
  await tell(ok('p2', 1, 0.35));
  await tell(ok('p2', 2, 0.4, true));
  // NOTE: p1 at epoch 2 (0.5 vs the epoch-2 best 0.4) beats p3 at epoch 1 (0.85 vs the epoch-1 best 0.9).
  assert.deepEqual(bare(await optimizer.ask()), { configId: 'p1', epoch: 2 });
  const queried = task.queries.at(-1) ?? [];
  assert.deepEqual(queried.map((q) => [q.pipeline, q.epoch, Array.from(q.curve)]), [[1, 2, [0.3]], [3, 1, []]]);
});

test('by default every fit keeps the meta-trained score model and adapts only the cost model', async () => {
  const belief = Array.from({ length: 5 }, (_, i) => ({ mean: 0.5 + i / 100, std: 0.1, cost: 1 }));
  const { optimizer, task, tell } = setup(belief);
  for (let i = 0; i < 3; i++) {
    await tell(ok(`p${i}`, 1, 0.1 * i, true));
    await optimizer.ask();
  }
  assert.deepEqual(task.fits.map((f) => [f.steps, f.costSteps, f.restart, f.n]), [[0, 50, false, 1], [0, 50, false, 2], [0, 50, false, 3]]);
});

test('with the paper schedule refits are lazy: ten restarts of 1000 steps, then 50-step continuations', async () => {
  const belief = Array.from({ length: 30 }, (_, i) => ({ mean: 0.5 + i / 100, std: 0.1, cost: 1 }));
  const { optimizer, task, tell } = setup(belief, { refit: PAPER_REFIT });
  for (let i = 0; i < 5; i++) await tell(ok(`p${i}`, 1, 0.1 * i, true));
  await optimizer.ask();
  await optimizer.ask();
  assert.equal(task.fits.length, 1, 'many tells then asks cost one fit');
  assert.equal(task.fits[0]?.n, 5);
  for (let i = 5; i < 17; i++) {
    await tell(ok(`p${i}`, 1, 0.5, true));
    await optimizer.ask();
  }
  assert.deepEqual(task.fits.slice(0, 10).map((f) => [f.restart, f.steps]), Array(10).fill([true, 1000]));
  assert.ok(task.fits.slice(10).every((f) => !f.restart && f.steps === 50 && f.learningRate === 1e-3));
  task.failNext = true;
  await tell(ok('p20', 1, 0.2, true));
  await optimizer.ask();
  await tell(ok('p21', 1, 0.2, true));
  await optimizer.ask();
  assert.equal(task.fits.at(-1)?.restart, true, 'a failed fit makes the next one restart');
});

test('without gray-box steps a chosen pipeline is trained to its end, chosen by its predicted final score', async () => {
  const belief = [
    { mean: 0.3, std: 0.05, cost: 1 },
    { mean: 0.9, std: 0.05, cost: 1 },
    { mean: 0.4, std: 0.05, cost: 1 },
  ];
  const { optimizer, task, tell } = setup(belief, { grayBox: false });
  await tell(ok('p0', 1, 0.3, true));
  const steps: string[] = [];
  for (let e = 1; e <= 3; e++) {
    const s = await optimizer.ask();
    steps.push(`${s?.configId}@${s?.epoch}`);
    await tell(ok(s?.configId ?? '', s?.epoch ?? 0, 0.5 + e / 100));
  }
  assert.deepEqual(steps, ['p1@1', 'p1@2', 'p1@3']);
  assert.ok((task.queries[0] ?? []).every((q) => q.epoch === 10 && q.curve.length === 0));
});

test('with the global incumbent a candidate is compared with the best score seen at any epoch', async () => {
  const belief = [
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0.5, std: 0.02, cost: 1 },
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0.85, std: 0.02, cost: 1 },
  ];
  const { optimizer, tell } = setup(belief, { incumbent: 'global' });
  await tell(ok('p0', 1, 0.9, true));
  await tell(ok('p1', 1, 0.3));
  await tell(ok('p2', 1, 0.35));
  await tell(ok('p2', 2, 0.4, true));
  // NOTE: against 0.9 both are far below, but p3 (0.85) is much closer than p1 (0.5).
  assert.deepEqual(bare(await optimizer.ask()), { configId: 'p3', epoch: 1 });
});

test('look-ahead: a slow starter predicted to beat the incumbent later wins over a flat pipeline\'s small next-epoch gain', async () => {
  const belief = [
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0, std: 0.01, cost: 1 },
  ];
  // p1 climbs from 0.3 to 0.9 by epoch 10; p2 stays at 0.52; the incumbent (p0, finished) is 0.5.
  const curveMean = (pipeline: number, epoch: number) => (pipeline === 1 ? 0.3 + (0.6 * (epoch - 2)) / 8 : pipeline === 2 ? 0.52 : 0);
  const scenario = async (switches: Partial<QuickTuneSettings>) => {
    const { optimizer, task, tell } = setup(belief, { incumbent: 'global', ...switches });
    task.curveMean = curveMean;
    await tell(ok('p0', 1, 0.5, true));
    await tell(ok('p1', 1, 0.25));
    await tell(ok('p2', 1, 0.52));
    return { suggestion: await optimizer.ask(), queried: task.queries.at(-1) ?? [] };
  };
  assert.deepEqual(bare((await scenario({ horizons: undefined })).suggestion), { configId: 'p2', epoch: 2 }, 'one epoch ahead, p2 gains more');
  const ahead = await scenario({ horizons: [1, 4, 9, 100] });
  assert.deepEqual(bare(ahead.suggestion), { configId: 'p1', epoch: 2 }, 'nine epochs ahead, p1 is worth its cost; it still trains one epoch');
  const p1 = ahead.queried.filter((q) => q.pipeline === 1);
  assert.deepEqual(p1.map((q) => q.epoch), [2, 5, 10], 'horizons past T are capped at T, duplicates dropped');
  assert.ok(p1.every((q) => Array.from(q.curve).join() === '0.25'), 'every horizon is predicted from the observed prefix');
});

test('near the end of the budget a step predicted to overrun it is passed over while another fits', async () => {
  const belief = [
    { mean: 0, std: 0.01, cost: 1 },
    { mean: 0.9, std: 0.05, cost: 20 },
    { mean: 0.55, std: 0.05, cost: 5 },
  ];
  const scenario = async (remainingSeconds: number | undefined) => {
    const { optimizer, task, tell } = setup(belief, { incumbent: 'global', horizons: [1, 2, 4] });
    await tell(ok('p0', 1, 0.5, true));
    const suggestion = await optimizer.ask(remainingSeconds === undefined ? {} : { remainingSeconds });
    return { suggestion, queried: (task.queries.at(-1) ?? []).map((q) => [q.pipeline, q.epoch]) };
  };
  const unbounded = await scenario(undefined);
  assert.equal(unbounded.suggestion?.configId, 'p1', 'without a budget the far better step wins despite its cost');
  assert.deepEqual(unbounded.queried, [[1, 1], [1, 2], [1, 4], [2, 1], [2, 2], [2, 4]]);
  const ending = await scenario(12);
  assert.equal(ending.suggestion?.configId, 'p2', 'p1 (20 s) cannot finish in the 12 s left; p2 (5 s) can');
  assert.deepEqual(ending.queried, [[2, 1], [2, 2], [2, 4]], 'p1 is not even scored; p2 keeps all its horizons');
  const nothingFits = await scenario(2);
  assert.equal(nothingFits.suggestion?.configId, 'p1', 'when no step fits, the choice is as without a budget');
});

test('kriging believer: running steps are conditioned on at their predicted score and raise the incumbent; exclude only skips them', async () => {
  const belief = [
    { mean: 0.9, std: 0.05, cost: 1 },
    { mean: 0.88, std: 0.05, cost: 1 },
    { mean: 0.6, std: 0.3, cost: 1 },
    { mean: 0.3, std: 0.01, cost: 1 },
  ];
  const scenario = async (pending: QuickTuneSettings['pending']) => {
    const { optimizer, task, state, tell } = setup(belief, { incumbent: 'global', horizons: undefined, pending });
    await tell(ok('p3', 1, 0.5, true));
    state.claim({ claim: 'k1', configId: 'p0', epoch: 1, worker: 'w2', startedAt: 0 });
    const suggestion = await optimizer.ask();
    return { suggestion, fits: task.fits.map((f) => [f.n, f.steps, f.costSteps ?? f.steps]) };
  };
  const believer = await scenario('believer');
  assert.notEqual(believer.suggestion?.configId, 'p0', 'a running pipeline is never proposed');
  // NOTE: one result with one step in flight: the cost model waits for a second result before it trains.
  assert.deepEqual(believer.fits, [[1, 0, 0], [2, 0, 0]], 'a real fit, then conditioning on the believed score without weight updates');
  // NOTE: believing p0 at 0.9 makes p1 (0.88, narrow) worth little; p2 (0.6, wide) keeps a chance to beat it.
  assert.equal(believer.suggestion?.configId, 'p2');
  const exclude = await scenario('exclude');
  assert.deepEqual(exclude.fits, [[1, 0, 0]]);
  assert.equal(exclude.suggestion?.configId, 'p1', 'against the observed 0.5 the near-certain 0.88 wins');
});

test('with the trainer\'s own cost model, costs are its predictions corrected by what each model\'s steps measured', async () => {
  const belief = [
    { mean: 0.7, std: 0.05, cost: 1000 },
    { mean: 0.7, std: 0.05, cost: 1000 },
    { mean: 0.7, std: 0.05, cost: 1000 },
  ];
  const pipelines: Pipeline[] = belief.map((_, i) => ({ id: `p${i}`, config: { model: i === 2 ? 'slow' : 'fast' } }));
  const task = new FixedBelief(belief);
  const state = new PoolState(pipelines.map((p) => p.id), 10);
  const epochCost = { seconds: (config: { model: string }, epoch: number) => (config.model === 'slow' ? 10 : 1) * (epoch === 1 ? 2 : 1) };
  const optimizer = new QuickTuneOptimizer('qt', { pipelines, state, maxEpochs: 10, seed: 0, metaFeatures: {}, predictor: { maxEpochs: 10, forTask: () => task }, epochCost }, QUICKTUNE_DEFAULTS);
  const record = { ...ok('p0', 1, 0.5), seconds: 8 };
  state.observe(record);
  await optimizer.tell(record);
  const suggestion = await optimizer.ask();
  // NOTE: 'fast' took 8 s where its model said 2: corrected ×~2 (shrunk toward 1 with one observation); 'slow' gets half of that.
  assert.ok(suggestion?.predictedSeconds !== undefined);
  const predicted = suggestion.predictedSeconds;
  if (suggestion.configId === 'p0') assert.ok(predicted > 1 && predicted < 4, `p0 next epoch ${predicted}`);
  else assert.ok(predicted > 2 && predicted < 8, `${suggestion.configId} first epoch ${predicted}`);
  assert.notEqual(suggestion.configId, 'p2', 'the slow model costs ten times more');
});

test('workers that ask while the first step runs get the model\'s choice (prior and believed running step), not a random pipeline', async () => {
  const belief = [
    { mean: 0.5, std: 0.1, cost: 1 },
    { mean: 0.8, std: 0.1, cost: 100 },
    { mean: 0.75, std: 0.1, cost: 1 },
    { mean: 0.2, std: 0.1, cost: 1 },
  ];
  for (let seed = 0; seed < 5; seed++) {
    const { optimizer, task, state } = setup(belief, { incumbent: 'global', horizons: undefined }, seed);
    const first = await optimizer.ask();
    assert.equal(task.fits.length, 0, 'the first step is the random initial design');
    state.claim({ claim: 'k1', configId: first?.configId ?? '', epoch: 1, worker: 'w1', startedAt: 0 });
    const second = await optimizer.ask();
    // NOTE: against the believed score of the running step, EI per second: p2 unless p2 is the one running.
    const cheapGood = first?.configId === 'p2' ? 'p1' : 'p2';
    assert.equal(second?.configId, cheapGood, `seed ${seed}: the cheap promising pipeline, not a random one`);
    assert.deepEqual(task.fits.map((f) => [f.n, f.steps, f.costSteps]), [[1, 0, 0]], 'conditioned on the believed running step only');
  }
});

/** Four pipelines whose prior ranks p2 > p0 > p1 > p3, for the first-step tests with a real trainer. */
const RANKED_PRIOR = [
  { mean: 0.8, std: 0.1, cost: 1 },
  { mean: 0.6, std: 0.1, cost: 1 },
  { mean: 0.9, std: 0.1, cost: 1 },
  { mean: 0.3, std: 0.1, cost: 1 },
];

test('with a trainer that measures its costs, the first step is the model\'s choice and takes at most a tenth of the budget left', async () => {
  const seconds: Record<string, number> = { m0: 200, m1: 20, m2: 100, m3: 25 };
  const epochCost = { seconds: (config: { model: string }) => seconds[config.model] };
  for (let seed = 0; seed < 5; seed++) {
    const { optimizer, task, state } = setup(RANKED_PRIOR, {}, seed, { epochCost });
    const first = await optimizer.ask({ remainingSeconds: 300 });
    // NOTE: only m1 (20 s) and m3 (25 s) fit 30 s; m1 is the better of them. Without a budget, EI per second.
    assert.equal(first?.configId, 'p1', `seed ${seed}`);
    assert.ok(first?.predictedSeconds !== undefined && first.predictedSeconds <= 30);
    assert.equal(task.fits.length, 0, 'nothing observed: the prior, no fit');
    const record = { ...ok('p1', 1, 0.6), seconds: 20 };
    state.observe(record);
    await optimizer.tell(record);
    const second = await optimizer.ask({ remainingSeconds: 270 });
    // NOTE: p2 (0.9 for 100 s) beats every other EI per second; it no longer has to fit a tenth of the budget.
    assert.equal(second?.configId, 'p2', `seed ${seed}: once something is known, the budget left bounds a step, not a tenth of it`);
  }
});

test('the step is costed for the worker slot that asks: what that slot\'s trainer has paid for is cheaper there', async () => {
  const seconds: Record<string, number> = { m0: 200, m1: 20, m2: 100, m3: 25 };
  // NOTE: slot 1's worker has m2 loaded and its features cached; slot 0's has not.
  const epochCost = { seconds: (config: { model: string }, _epoch: number, slot?: number) => (slot === 1 && config.model === 'm2' ? 10 : seconds[config.model]) };
  for (let seed = 0; seed < 3; seed++) {
    const onFirst = setup(RANKED_PRIOR, {}, seed, { epochCost });
    const first = await onFirst.optimizer.ask({ remainingSeconds: 300, slot: 0 });
    assert.deepEqual([first?.configId, first?.predictedSeconds], ['p1', 20], `seed ${seed}: on slot 0 m2 takes 100 s, over a tenth of the budget`);
    const onSecond = setup(RANKED_PRIOR, {}, seed, { epochCost });
    const second = await onSecond.optimizer.ask({ remainingSeconds: 300, slot: 1 });
    assert.deepEqual([second?.configId, second?.predictedSeconds], ['p2', 10], `seed ${seed}: on slot 1 m2 is warm and the best`);
  }
});

test('where the trainer has a default pipeline, it is the first step; with no share of the budget for it, then the model decides', async () => {
  for (let seed = 0; seed < 5; seed++) {
    const { optimizer, state } = setup(RANKED_PRIOR, { defaultShare: 0 }, seed, { epochCost: { seconds: () => 1 }, defaultPipeline: 'p3' });
    const first = await optimizer.ask({ remainingSeconds: 300 });
    assert.deepEqual([first?.configId, first?.epoch], ['p3', 1], `seed ${seed}: the default pipeline, though the prior ranks it last`);
    state.claim({ claim: 'k1', configId: 'p3', epoch: 1, worker: 'w1', startedAt: 0 });
    const second = await optimizer.ask({ remainingSeconds: 300 });
    assert.notEqual(second?.configId, 'p3', 'a second worker does not wait for the default: the model chooses');
    state.release('k1');
    const record = ok('p3', 1, 0.3);
    state.observe(record);
    await optimizer.tell(record);
    const third = await optimizer.ask({ remainingSeconds: 299 });
    assert.equal(third?.configId, 'p2', `seed ${seed}: once the default is observed, the model's choice`);
  }
});

test('the default pipeline is trained epoch after epoch within its share of the budget, then the model decides', async () => {
  for (let seed = 0; seed < 3; seed++) {
    // 5 s per epoch, a 300-second budget, a tenth of it for the default: 6 epochs (30 s), the 7th would overrun.
    const { optimizer, tell } = setup(RANKED_PRIOR, { defaultShare: 0.1 }, seed, { epochCost: { seconds: () => 5 }, defaultPipeline: 'p3' });
    const chosen: string[] = [];
    let clock = 0;
    for (let step = 0; step < 8; step++) {
      const next = await optimizer.ask({ remainingSeconds: 300 - clock });
      assert.ok(next);
      chosen.push(`${next.configId}@${next.epoch}`);
      clock += 5;
      await tell({ configId: next.configId, epoch: next.epoch, score: 0.1 * next.epoch, seconds: 5, status: 'ok', final: false, finishedAt: clock });
    }
    assert.deepEqual(chosen.slice(0, 6), ['p3@1', 'p3@2', 'p3@3', 'p3@4', 'p3@5', 'p3@6'], `seed ${seed}: ${chosen.join(' ')}`);
    assert.notEqual(chosen[6], 'p3@7', `seed ${seed}: past its share, the model's choice (${chosen.join(' ')})`);
  }
});

test('without a budget the default pipeline gets its first epoch only', async () => {
  const { optimizer, tell } = setup(RANKED_PRIOR, { defaultShare: 0.1 }, 0, { epochCost: { seconds: () => 1 }, defaultPipeline: 'p3' });
  assert.equal((await optimizer.ask())?.configId, 'p3');
  await tell(ok('p3', 1, 0.3));
  assert.notEqual((await optimizer.ask())?.configId, 'p3');
});

test('a default pipeline whose first step failed is not proposed again', async () => {
  const { optimizer, tell } = setup(RANKED_PRIOR, {}, 0, { epochCost: { seconds: () => 1 }, defaultPipeline: 'p3' });
  assert.equal((await optimizer.ask({ remainingSeconds: 300 }))?.configId, 'p3');
  await tell({ configId: 'p3', epoch: 1, score: null, seconds: 1, status: 'failed', final: true, finishedAt: 1, error: 'out of memory' });
  const next = await optimizer.ask({ remainingSeconds: 299 });
  assert.ok(next !== null && next.configId !== 'p3', `after the failure: ${next?.configId}`);
});
