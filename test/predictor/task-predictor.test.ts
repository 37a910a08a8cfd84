import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../src/backend/tfjs-backend.ts';
import { predictorFromCheckpoint } from '../../src/predictor/deep-kernel-predictor.ts';
import { metaTrain } from '../../src/predictor/meta-train/meta-train.ts';
import { runConfig } from '../../src/predictor/meta-train/training-data.ts';
import type { ObservedPoint } from '../../src/predictor/types.ts';
import { miniMetaDataset } from '../helpers/predictor-fixture.ts';

async function setup() {
  const metaDataset = await miniMetaDataset();
  const { checkpoint } = await metaTrain({ metaDataset, iterations: 200, seed: 4, learningRate: 3e-3, validateEvery: 50, exclude: ['t_mid'] });
  const predictor = await predictorFromCheckpoint(checkpoint, 'test');
  const task = metaDataset.tasks.get('t_mid')!;
  const runs = task.configs;
  const observed: ObservedPoint[] = runs.slice(0, 8).flatMap((run, p) =>
    Array.from(run.scores, (score, e) => ({ pipeline: p, epoch: e + 1, curve: run.scores.subarray(0, e), score, seconds: run.costs[e]! })),
  );
  return { predictor, task, runs, observed };
}

test('fit, predict and predictCost stay finite, leak no tensors and are deterministic under the seed', async () => {
  const { tf } = await loadTf();
  const { predictor, task, runs, observed } = await setup();
  const pool = runs.map(runConfig);
  const queries = runs.map((run, p) => ({ pipeline: p, epoch: 1, curve: [] as number[] }));
  const results = [];
  const before = tf.memory().numTensors;
  for (let i = 0; i < 2; i++) {
    const tp = predictor.forTask(pool, task.metaFeatures, { seed: 9, metaInit: true });
    const report = await tp.fit(observed, { steps: 20, learningRate: 1e-3, restart: true });
    await tp.fit(observed, { steps: 5, learningRate: 1e-3, restart: false });
    const prediction = await tp.predict(queries);
    const cost = await tp.predictCost(queries);
    results.push({ report: { ...report, seconds: 0 }, mean: Array.from(prediction.mean), std: Array.from(prediction.std), cost: Array.from(cost) });
    tp.dispose();
  }
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  const empty = predictor.forTask(pool, task.metaFeatures, { seed: 9, metaInit: true });
  await empty.fit(observed.slice(0, 3), { steps: 1, learningRate: 1e-3, restart: true });
  assert.deepEqual(await empty.predict([]), { mean: new Float64Array(0), std: new Float64Array(0) });
  assert.deepEqual(await empty.predictCost([]), new Float64Array(0));
  assert.deepEqual(results[1], results[0]);
  const [r] = results;
  assert.equal(r!.report.failed, false);
  assert.equal(r!.report.steps, 20);
  assert.ok(Number.isFinite(r!.report.loss));
  assert.ok(r!.mean.every(Number.isFinite) && r!.std.every((s) => s > 0 && Number.isFinite(s)));
  assert.ok(r!.cost.every((c) => c > 0 && Number.isFinite(c)));
});

test('after a fit the GP reproduces observed scores closely and is less sure far from the data', async () => {
  const { predictor, task, runs, observed } = await setup();
  const tp = predictor.forTask(runs.map(runConfig), task.metaFeatures, { seed: 1, metaInit: true });
  await tp.fit(observed, { steps: 50, learningRate: 1e-3, restart: true });
  const seen = await tp.predict(observed);
  let se = 0;
  observed.forEach((o, i) => (se += (seen.mean[i]! - o.score) ** 2));
  const variance = observed.reduce((s, o) => s + (o.score - observed.reduce((a, b) => a + b.score, 0) / observed.length) ** 2, 0);
  assert.ok(se < 0.25 * variance, `fit residual ${se} vs total ${variance}`);
  const unseen = await tp.predict(runs.slice(12).map((_, k) => ({ pipeline: 12 + k, epoch: 1, curve: [] })));
  const meanStd = (xs: Float64Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.ok(meanStd(unseen.std) > meanStd(seen.std), 'unseen pipelines are more uncertain');
});

test('a fit on a non-finite score fails cleanly and keeps the previous weights', async () => {
  const { predictor, task, runs, observed } = await setup();
  const tp = predictor.forTask(runs.map(runConfig), task.metaFeatures, { seed: 1, metaInit: true });
  await tp.fit(observed, { steps: 3, learningRate: 1e-3, restart: true });
  const queries = [{ pipeline: 15, epoch: 1, curve: [] }];
  const good = await tp.predict(queries);
  const bad = [...observed, { ...observed[0]!, score: Number.NaN }];
  const report = await tp.fit(bad, { steps: 3, learningRate: 1e-3, restart: false });
  assert.equal(report.failed, true);
  await tp.fit(observed, { steps: 0, learningRate: 1e-3, restart: false });
  assert.deepEqual(await tp.predict(queries), good);
});

test('without meta-initialisation the task predictor starts from seeded fresh weights', async () => {
  const { predictor, task, runs, observed } = await setup();
  const pool = runs.map(runConfig);
  const predict = async (metaInit: boolean, seed: number) => {
    const tp = predictor.forTask(pool, task.metaFeatures, { seed, metaInit });
    await tp.fit(observed.slice(0, 10), { steps: 0, learningRate: 1e-3, restart: true });
    return Array.from((await tp.predict([{ pipeline: 17, epoch: 1, curve: [] }])).mean);
  };
  assert.notDeepEqual(await predict(false, 1), await predict(true, 1));
  assert.deepEqual(await predict(false, 1), await predict(false, 1));
  assert.notDeepEqual(await predict(false, 1), await predict(false, 2));
});

test('costSteps trains the cost model alone: scores stay, predicted seconds move toward the observed ones', async () => {
  const { predictor, task, runs, observed } = await setup();
  const pool = runs.map(runConfig);
  const queries = observed.slice(0, 20);
  const run = async (costSteps: number | undefined) => {
    const tp = predictor.forTask(pool, task.metaFeatures, { seed: 3, metaInit: true });
    await tp.fit(observed, { steps: 0, learningRate: 1e-2, restart: true, ...(costSteps === undefined ? {} : { costSteps }) });
    return { scores: await tp.predict(queries), seconds: await tp.predictCost(queries) };
  };
  const plain = await run(undefined);
  const trained = await run(40);
  assert.deepEqual(trained.scores, plain.scores);
  const error = (s: Float64Array) => queries.reduce((acc, q, i) => acc + (Math.log(s[i]!) - Math.log(q.seconds)) ** 2, 0);
  assert.ok(error(trained.seconds) < error(plain.seconds), `${error(trained.seconds)} < ${error(plain.seconds)}`);
});

test('look-ahead calibration scales the std of queries past the next step by their gap bucket only', async () => {
  const { predictor: plain, task, runs, observed } = await setup();
  const metaDataset = await miniMetaDataset();
  const { checkpoint } = await metaTrain({ metaDataset, iterations: 200, seed: 4, learningRate: 3e-3, validateEvery: 50, exclude: ['t_mid'] });
  const ahead = { new: [2, 3, 4, 5, 6], continuing: [7, 8, 9, 10, 11] };
  const calibrated = await predictorFromCheckpoint({ ...checkpoint, manifest: { ...checkpoint.manifest, calibration: { ...checkpoint.manifest.calibration, ahead } } }, 'test');
  const prefix = runs[9]!.scores.subarray(0, 2);
  const queries = [
    { pipeline: 9, epoch: 3, curve: prefix }, // next step
    { pipeline: 9, epoch: 5, curve: prefix }, // gap 3: bucket 0
    { pipeline: 10, epoch: 1, curve: [] as number[] }, // next step of a new run
    { pipeline: 10, epoch: 20, curve: [] as number[] }, // gap 20: bucket 3
  ];
  const predict = async (p: typeof plain) => {
    const tp = p.forTask(runs.map(runConfig), task.metaFeatures, { seed: 1, metaInit: true });
    await tp.fit(observed, { steps: 0, learningRate: 1e-3, restart: true });
    return tp.predict(queries);
  };
  const [a, b] = [await predict(plain), await predict(calibrated)];
  assert.deepEqual(b.mean, a.mean);
  const ratios = Array.from(b.std, (s, j) => s / a.std[j]!);
  [1, 7, 1, 5].forEach((expected, j) => assert.ok(Math.abs(ratios[j]! - expected) < 1e-9, `query ${j}: ratio ${ratios[j]} vs ${expected}`));
});

test('cached embeddings give the predictions a fresh predictor gives; a weight update drops them', async () => {
  const { predictor, task, runs, observed } = await setup();
  const pool = runs.map(runConfig);
  const queries = runs.slice(8, 14).map((run, k) => ({ pipeline: 8 + k, epoch: 3, curve: Array.from(run.scores.subarray(0, 2)) }));
  const cached = predictor.forTask(pool, task.metaFeatures, { seed: 2, metaInit: true });
  await cached.fit(observed.slice(0, 20), { steps: 0, costSteps: 10, learningRate: 1e-3, restart: false });
  await cached.predict(queries.slice(0, 3));
  await cached.fit(observed, { steps: 0, costSteps: 10, learningRate: 1e-3, restart: false });
  const fresh = predictor.forTask(pool, task.metaFeatures, { seed: 2, metaInit: true });
  await fresh.fit(observed.slice(0, 20), { steps: 0, costSteps: 10, learningRate: 1e-3, restart: false });
  await fresh.fit(observed, { steps: 0, costSteps: 10, learningRate: 1e-3, restart: false });
  assert.deepEqual(await cached.predict(queries), await fresh.predict(queries));
  await cached.fit(observed, { steps: 3, learningRate: 1e-3, restart: false });
  await fresh.fit(observed, { steps: 3, learningRate: 1e-3, restart: false });
  assert.deepEqual(await cached.predict(queries), await fresh.predict(queries), 'after joint steps the embeddings are recomputed');
});
