import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../src/backend/tfjs-backend.ts';
import { ExactGp } from '../../src/numerics/exact-gp.ts';
import { createLinalg } from '../../src/numerics/linalg.ts';
import { allocateBatch, type Batch, type InputDims } from '../../src/predictor/network/batch.ts';
import { costBackward, costForward } from '../../src/predictor/network/cost-net.ts';
import { DeepKernelEngine } from '../../src/predictor/network/engine.ts';
import { Layers, type Tensor, type Tensor2D } from '../../src/predictor/network/layers.ts';
import { performanceBackward, performanceForward } from '../../src/predictor/network/performance-net.ts';
import { Random } from '../../src/util/random.ts';

function randomBatch(dims: InputDims, n: number, rng: Random): Batch {
  const batch = allocateBatch(dims, n);
  for (const array of [batch.model, batch.hp, batch.meta, batch.curve, batch.budget]) {
    for (let i = 0; i < array.length; i++) array[i] = rng.next() * 2 - 1;
  }
  return batch;
}

for (const maxEpochs of [50, 7]) {
  test(`the hand-written backward passes equal tfjs autodiff of the same forward ops (T=${maxEpochs})`, async () => {
    const { tf } = await loadTf();
    const dims: InputDims = { modelDim: 6, hpDim: 9, metaDim: 4, maxEpochs };
    const engine = new DeepKernelEngine(tf, dims, { kernel: 'rbf', noise: 'shared', dropout: 0.25, priorMean: 'constant', scoreScale: { mean: 0, std: 1 } }, new ExactGp(createLinalg()));
    const rng = new Random(maxEpochs);
    const theta = engine.layout.initialise(rng);
    const batch = randomBatch(dims, 5, rng);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const layers = new Layers(tf);
      const x = engine.inputs(batch, new Random(3));
      for (const perf of [true, false]) {
        const params = engine.params(theta, perf);
        const names = Object.keys(params);
        const width = perf ? 32 : 1;
        const upstream = tf.tensor2d(Float32Array.from({ length: 5 * width }, () => rng.normal()), [5, width]);
        const forward = (p: Record<string, Tensor>) =>
          perf ? performanceForward(tf, layers, dims, p, x).z : costForward(tf, layers, p, x).out;
        const reference = tf.grads((...ws: Tensor[]) => tf.sum(tf.mul(forward(Object.fromEntries(names.map((k, i) => [k, ws[i]!]))), upstream)))(
          names.map((k) => params[k]!),
        );
        let manual: Record<string, Tensor>;
        if (perf) {
          const { cache } = performanceForward(tf, layers, dims, params, x);
          manual = performanceBackward(tf, layers, dims, params, x, cache, upstream as Tensor2D);
        } else {
          const { cache } = costForward(tf, layers, params, x);
          manual = costBackward(layers, params, cache, upstream as Tensor2D);
        }
        names.forEach((name, i) => {
          const want = reference[i]!.dataSync();
          const got = manual[name]!.dataSync();
          const scale = Math.max(1e-6, ...Array.from(want, Math.abs));
          for (let k = 0; k < want.length; k++) {
            assert.ok(Math.abs(want[k]! - got[k]!) <= 1e-5 * scale, `${name}[${k}]: autodiff ${want[k]} vs manual ${got[k]}`);
          }
        });
      }
    });
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  });
}

test('an engine step leaves no tensors behind and its GP gradient moves the loss down', async () => {
  const { tf } = await loadTf();
  const dims: InputDims = { modelDim: 6, hpDim: 9, metaDim: 4, maxEpochs: 10 };
  const engine = new DeepKernelEngine(tf, dims, { kernel: 'matern52', noise: 'split', dropout: 0.25, priorMean: 'last-observed', scoreScale: { mean: 0.2, std: 0.5 } }, new ExactGp(createLinalg()));
  const rng = new Random(1);
  const theta = engine.layout.initialise(rng);
  const batch = randomBatch(dims, 20, rng);
  const y = Float64Array.from({ length: 20 }, () => rng.normal());
  const cost = Float64Array.from({ length: 20 }, () => rng.normal());
  const before = tf.memory().numTensors;
  const first = engine.step(theta, batch, y, cost, null);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(first.grad.every(Number.isFinite));
  // A small step against the gradient lowers both losses (no dropout: the same function).
  const moved = Float64Array.from(theta, (t, i) => t - 1e-3 * first.grad[i]!);
  const second = engine.step(moved, batch, y, cost, null);
  assert.ok(second.gpLoss < first.gpLoss, `${second.gpLoss} < ${first.gpLoss}`);
  assert.ok(second.costLoss < first.costLoss, `${second.costLoss} < ${first.costLoss}`);
  engine.embed(theta, batch);
  engine.costs(theta, batch);
  assert.equal(tf.memory().numTensors, before);
});

test('the GP scalars (prior mean slope and offset, split noise, lengthscale, outputscale) match finite differences', async () => {
  const { tf } = await loadTf();
  const dims: InputDims = { modelDim: 4, hpDim: 5, metaDim: 2, maxEpochs: 8 };
  const scoreScale = { mean: 0.4, std: 0.25 };
  const engine = new DeepKernelEngine(tf, dims, { kernel: 'rbf', noise: 'split', dropout: 0.25, priorMean: 'last-observed', scoreScale }, new ExactGp(createLinalg()));
  const rng = new Random(8);
  const theta = engine.layout.initialise(rng);
  const batch = randomBatch(dims, 12, rng);
  for (let i = 0; i < 12; i++) {
    batch.hasLast[i] = i % 3 === 0 ? 0 : 1;
    batch.last[i] = batch.hasLast[i] ? rng.next() : 0;
  }
  const y = Float64Array.from({ length: 12 }, () => rng.normal());
  const { grad } = engine.step(theta, batch, y, null, null);
  for (const name of ['gp.meanSlope', 'gp.meanOffset', 'gp.mean', 'gp.noise', 'gp.noiseNew', 'gp.lengthscale', 'gp.outputscale']) {
    const at = engine.layout.spec(name).offset;
    const loss = (delta: number) => {
      const moved = Float64Array.from(theta);
      moved[at]! += delta;
      return engine.step(moved, batch, y, null, null).gpLoss;
    };
    const h = 1e-5;
    const fd = (loss(h) - loss(-h)) / (2 * h);
    assert.ok(Math.abs(fd - grad[at]!) < 1e-6 * Math.max(1, Math.abs(fd)), `${name}: fd ${fd} vs ${grad[at]}`);
  }
  assert.equal(theta[engine.layout.spec('gp.meanSlope').offset], 1, 'the slope starts at 1: the last score is the prior guess');
  const offsets = engine.prior.offsets(theta, batch, engine.embed(theta, batch));
  assert.equal(offsets[0], 0);
  assert.ok(Math.abs(offsets[1]! - (batch.last[1]! - scoreScale.mean) / scoreScale.std) < 1e-6);
});
