import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StepRecord } from '../../src/core/step.ts';
import { StepCostEstimator } from '../../src/optimizer/step-cost.ts';
import type { TaskPredictor } from '../../src/predictor/types.ts';
import type { Config } from '../../src/space/types.ts';
import type { EpochCostModel } from '../../src/trainers/types.ts';

/** Two regimes of one model: cheap epochs the trainer over-predicts, expensive ones it under-predicts. */
const configs: Config[] = [{ model: 'm', cheap: 1 }, { model: 'm', cheap: 0 }, { model: 'n', cheap: 1 }, { model: 'm', cheap: 0, augmented: 1 }];
const kind = (config: Config): string => (config.augmented ? 'augmented' : config.cheap ? 'cached' : 'full');
const trainer: EpochCostModel = {
  seconds: (config) => (config.cheap ? 1 : 10),
  regime: (config) => [kind(config), `${String(config.model)} ${kind(config)}`],
};
const noPredictor = { predictCost: async () => [] } as unknown as TaskPredictor;
const ok = (configId: string, epoch: number, seconds: number): StepRecord => ({ configId, epoch, score: 0.5, seconds, status: 'ok', final: false, finishedAt: 0 });

async function next(estimator: StepCostEstimator, pipeline: number, epoch: number): Promise<number> {
  const [cost] = await estimator.costs([{ pipeline, epoch, curve: [] }], noPredictor);
  return cost?.next ?? Number.NaN;
}

test("an error learned in one cost regime does not leak into another regime of the same model", async () => {
  const estimator = new StepCostEstimator(configs, trainer);
  assert.equal(await next(estimator, 0, 1), 1);
  // Ten cheap epochs took a quarter of their prediction; two expensive ones three times theirs.
  for (let epoch = 1; epoch <= 10; epoch++) {
    await next(estimator, 0, epoch);
    estimator.observe(0, ok('p0', epoch, 0.25));
  }
  for (let epoch = 1; epoch <= 2; epoch++) {
    await next(estimator, 1, epoch);
    estimator.observe(1, ok('p1', epoch, 30));
  }
  const cheap = await next(estimator, 0, 11);
  const expensive = await next(estimator, 1, 3);
  assert.ok(cheap > 0.25 && cheap < 0.4, `cheap epoch predicted ${cheap} s (took 0.25 s)`);
  // NOTE: two observations, shrunk towards the overall error: well above the trainer's 10 s, below the 30 s seen.
  assert.ok(expensive > 14 && expensive < 30, `expensive epoch predicted ${expensive} s (took 30 s)`);
  // Another model's cheap epochs borrow the regime's error, not the expensive one's.
  const other = await next(estimator, 2, 1);
  assert.ok(other > 0.25 && other < 0.6, `another model's cheap epoch ${other} s`);
  // A regime never seen: the trainer's own prediction, whatever the others learned.
  assert.equal(await next(estimator, 3, 1), 10);
});

test('a trainer that names no regime: one factor per model, under one over all steps', async () => {
  const estimator = new StepCostEstimator(configs, { seconds: trainer.seconds });
  await next(estimator, 0, 1);
  estimator.observe(0, ok('p0', 1, 4));
  // NOTE: log 4 under the overall key (shrunk: half of it) and under model m (half of log 4 plus that).
  assert.ok(Math.abs((await next(estimator, 1, 1)) - 10 * Math.exp((Math.log(4) + Math.log(4) / 2) / 2)) < 1e-9);
  assert.ok(Math.abs((await next(estimator, 2, 1)) - Math.exp(Math.log(4) / 2)) < 1e-9, 'another model: the overall factor');
});

test('a finished step is compared with the prediction made before it ran, not with a later one', async () => {
  let paid = false;
  const warming: EpochCostModel = { seconds: () => (paid ? 1 : 5), regime: () => ['r'] };
  const estimator = new StepCostEstimator([{ model: 'm' }], warming);
  assert.equal(await next(estimator, 0, 1), 5);
  // The trainer counts what the step paid once as paid before the optimizer hears of the step.
  paid = true;
  estimator.observe(0, ok('p0', 1, 5));
  assert.equal(await next(estimator, 0, 2), 1, 'the 5 s took what was predicted: no correction');
});
