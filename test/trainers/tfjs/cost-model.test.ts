import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CostProfile, DepthCost } from '../../../src/trainers/tfjs/cost/cost-profile.ts';
import { CostProfileSchema, PROBE_GRID } from '../../../src/trainers/tfjs/cost/cost-profile.ts';
import { depthAt } from '../../../src/trainers/tfjs/cost/epoch-cost-model.ts';
import { WorkerCostModel } from '../../../src/trainers/tfjs/cost/worker-cost-model.ts';
import { TFJS_DEFAULT_CONFIG } from '../../../src/trainers/tfjs/default-config.ts';
import { createTfjsTrainer } from '../../../src/trainers/tfjs/tfjs-trainer.ts';
import { tempDir, writeClassFolders } from '../../helpers/image-folder.ts';

const MODEL = 'mobilenet_v2_100_nsfwjs';

/** A profile shaped like a measured one: costs grow as fewer layers are frozen. */
function profile(): CostProfile {
  const depths: DepthCost[] = PROBE_GRID.map((pct) => {
    const trained = 1 - pct;
    return {
      pct, frozenLayers: Math.round(pct * 100), trainableParams: Math.round(2e6 * trained) + 6000,
      prefixPerCall: 0.002 * pct, prefixPerImage: 0.01 * pct, stepPerCall: 0.02 * trained + 0.001, stepPerImage: 0.1 * trained ** 2 + 1e-5,
      evalPerCall: 0.005, evalPerImage: 0.02 * trained + 1e-6, optimizerPerBatch: 0.03 * trained + 1e-4,
      peakBytesPerImage: 5e7 * trained + 1e5, frontierFloats: pct === 1 ? 1280 : 20000, buildSeconds: 0.01, warmupSeconds: 0.05,
    };
  });
  return {
    backend: 'wasm',
    models: [{ model: MODEL, inputSize: 128, layers: 100, depths, pixelsPerImage: 1e-4, augmentPerImage: { trivial_augment: 0.004, random_augment: 0.008 }, mixPerImage: 1e-4, loadSeconds: 2 }],
    optimizerFactor: { sgd: 0.5, momentum: 0.5, adam: 1, adamw: 1, adamp: 8 },
    clipFactor: 0.3, spRegFactor: 1, writeBytesPerSecond: 1e8, readBytesPerSecond: 5e8, contention: 1, seconds: 3,
  };
}

const data = { trainImages: 290, valImages: 74, featureCacheBytes: 1536 * 2 ** 20, activationBytes: 2 ** 30 };

test('the epoch cost model: cached features after epoch 1, freeze depth, batch size, augmentation, optimizer', () => {
  const predict = new WorkerCostModel(profile(), data);
  const probe = { ...TFJS_DEFAULT_CONFIG };
  // NOTE: a later epoch runs in the worker that ran the pipeline's earlier ones (what it paid once is paid).
  const at = (overrides: Record<string, unknown>, epoch: number): number => {
    const config = { ...probe, ...overrides } as typeof probe;
    const worker = new WorkerCostModel(profile(), data);
    if (epoch > 1) worker.ran(config);
    const seconds = worker.seconds(config, epoch);
    assert.ok(seconds !== undefined && Number.isFinite(seconds) && seconds > 0, JSON.stringify(overrides));
    return seconds;
  };
  // A linear probe pays the whole backbone's forward pass once (epoch 1), then trains a linear layer.
  assert.ok(at({}, 1) > 10 * at({}, 2), `${at({}, 1)} vs ${at({}, 2)}`);
  assert.equal(at({}, 3), at({}, 2));
  // Full finetuning costs orders of magnitude more per epoch than a linear probe; 0.6 lies between.
  assert.ok(at({ pct_to_freeze: 0 }, 2) > 100 * at({}, 2));
  assert.ok(at({ pct_to_freeze: 0.6 }, 2) < at({ pct_to_freeze: 0 }, 2) && at({ pct_to_freeze: 0.6 }, 2) > at({}, 2));
  // Between probe points the costs are interpolated.
  const mid = at({ pct_to_freeze: 0.5 }, 2);
  assert.ok(mid < at({ pct_to_freeze: 0.4 }, 2) && mid > at({ pct_to_freeze: 0.6 }, 2));
  // Small batches pay the per-call and optimizer costs more often: batch 2 is 145 micro-batches and updates;
  // batch 64 is 5 updates, and 9 micro-batches since 53 images fill the activation budget (1 GiB / 20.1 MB).
  const point = depthAt(profile().models[0] as NonNullable<CostProfile['models'][0]>, 0.6);
  const difference = at({ pct_to_freeze: 0.6, batch_size: 2 }, 2) - at({ pct_to_freeze: 0.6, batch_size: 64 }, 2);
  const expected = (145 - 9) * point.stepPerCall + (145 - 5) * point.optimizerPerBatch;
  assert.ok(Math.abs(difference - expected) < 1e-9, `${difference} vs ${expected}`);
  // Augmentation feeds pixels: every epoch runs the frozen prefix again, so epoch 1 has nothing extra to cache.
  const augmented = { pct_to_freeze: 0.6, data_augmentation: 'trivial_augment' };
  assert.ok(at(augmented, 2) > at({ pct_to_freeze: 0.6 }, 2) + 290 * 0.006 - 1e-9);
  assert.ok(at(augmented, 1) - at(augmented, 2) < at({ pct_to_freeze: 0.6 }, 1) - at({ pct_to_freeze: 0.6 }, 2));
  assert.ok(at({ pct_to_freeze: 0.6, opt: 'adamp' }, 2) > at({ pct_to_freeze: 0.6, opt: 'sgd' }, 2));
  // Costs are CPU seconds times the contention measured while probing (checkpoint writes excepted).
  const busy = new WorkerCostModel({ ...profile(), contention: 2 }, data);
  busy.ran(probe);
  const probePoint = depthAt(profile().models[0] as NonNullable<CostProfile['models'][0]>, 1);
  const save = (probePoint.trainableParams * 4 * 3) / 1e8;
  assert.ok(Math.abs(((busy.seconds(probe, 2) ?? 0) - save) - 2 * (at({}, 2) - save)) < 1e-9);
  // Unknown model, invalid config or epoch: it cannot tell.
  assert.equal(predict.seconds({ ...probe, model: 'resnet_9000' }, 1), undefined);
  assert.equal(predict.seconds({ ...probe, lr: -1 }, 1), undefined);
  assert.equal(predict.seconds(probe, 0), undefined);
});

test('what the worker has paid for once: a model loaded, features cached at a frozen depth; a new worker pays again', () => {
  const costs = new WorkerCostModel(profile(), data);
  const probe = { ...TFJS_DEFAULT_CONFIG };
  const other = { ...probe, lr: 0.01, batch_size: 16 };
  const deeper = { ...probe, pct_to_freeze: 0.6 };
  const seconds = (config: typeof probe, epoch: number): number => costs.seconds(config, epoch) ?? Number.NaN;
  const cold = { first: seconds(other, 1), deeper: seconds(deeper, 1), later: seconds(other, 2) };
  assert.deepEqual(costs.regime(other, 1), ['head cached first', `${MODEL} head cached first`, `${MODEL} head cached first 100`]);
  costs.ran(probe);
  // The same model and frozen depth: no loading (2 s) and no feature pass over the 364 images (about 3.7 s).
  const point = depthAt(profile().models[0] as NonNullable<CostProfile['models'][0]>, 1);
  const featurePass = Math.ceil(290 / 32) * point.prefixPerCall + Math.ceil(74 / 32) * point.prefixPerCall + 364 * (point.prefixPerImage + 1e-4);
  const saved = cold.first - seconds(other, 1);
  assert.ok(Math.abs(saved - (2 + featurePass + point.stepPerCall + 2 * point.stepPerImage)) < 1e-9, `saved ${saved} s`);
  assert.deepEqual(costs.regime(other, 1), ['head cached first-warm', `${MODEL} head cached first-warm`, `${MODEL} head cached first-warm 100`]);
  // Another depth computes its own features, but the model is loaded. A later epoch in a worker that never ran
  // the model (another slot's, a new process after a resume) pays what an epoch 1 pays, in epoch 1's regime.
  assert.ok(Math.abs(cold.deeper - seconds(deeper, 1) - 2) < 1e-9);
  assert.ok(Math.abs(cold.later - seconds(other, 2) - saved) < 1e-9, `a later epoch saved ${cold.later - seconds(other, 2)} s`);
  assert.equal(costs.regime(other, 2)[0], 'head cached');
  assert.equal(new WorkerCostModel(profile(), data).regime(other, 2)[0], 'head cached first');
  // Augmentation feeds pixels through the whole network every epoch: another regime. Training backbone layers
  // is another again, and there epoch 1 shares the later epochs' regime.
  assert.deepEqual(costs.regime({ ...probe, data_augmentation: 'trivial_augment' }, 3)[0], 'head pixels');
  assert.deepEqual([costs.regime(deeper, 1)[0], costs.regime(deeper, 2)[0]], ['backbone cached', 'backbone cached']);
  costs.coldStart();
  assert.equal(seconds(other, 1), cold.first);
  costs.loaded([MODEL]);
  assert.ok(Math.abs(cold.first - seconds(other, 1) - 2) < 1e-9, 'the probe loaded the model in this worker');
});

test('depthAt interpolates linearly between probe points and clamps outside them', () => {
  const model = profile().models[0];
  assert.ok(model);
  const lo = model.depths[2] as DepthCost;
  const hi = model.depths[3] as DepthCost;
  const mid = depthAt(model, (lo.pct + hi.pct) / 2);
  assert.ok(Math.abs(mid.stepPerImage - (lo.stepPerImage + hi.stepPerImage) / 2) < 1e-12);
  assert.equal(depthAt(model, 1).pct, 1);
  assert.equal(depthAt(model, 0), model.depths[0]);
});

test('costModel() measures a profile in the worker process and predicts finite seconds for every model probed', { timeout: 180_000 }, async () => {
  process.env.QUICKTUNE_CACHE_DIR = await tempDir();
  const dataset = await writeClassFolders(await tempDir(), ['a', 'b', 'c'], 6);
  const runDir = await tempDir();
  const trainer = await createTfjsTrainer({ dataset, runDir, seed: 0, settings: { inputSize: 64 } });
  try {
    const predict = await trainer.costModel({ models: [MODEL] });
    const measured = CostProfileSchema.parse(trainer.lastCostProfile);
    assert.deepEqual(measured.models.map((m) => [m.model, m.inputSize, m.depths.map((d) => d.pct)]), [[MODEL, 64, [...PROBE_GRID]]]);
    const full = measured.models[0]?.depths[0];
    const probe = measured.models[0]?.depths.at(-1);
    assert.ok(full && probe && full.trainableParams > 100 * probe.trainableParams && probe.frontierFloats === 1280);
    for (const pct of PROBE_GRID) {
      for (const epoch of [1, 2]) {
        const seconds = predict.seconds({ ...TFJS_DEFAULT_CONFIG, pct_to_freeze: pct }, epoch);
        assert.ok(seconds !== undefined && Number.isFinite(seconds) && seconds > 0, `pct ${pct} epoch ${epoch}: ${seconds}`);
      }
    }
    assert.equal(predict.seconds({ ...TFJS_DEFAULT_CONFIG, model: 'inception_v3_nsfwjs' }, 1), undefined, 'a model that was not probed');
    // The worker is the one that trains: it keeps running, warm, for the steps.
    const pid = trainer.workerPid;
    const another = { ...TFJS_DEFAULT_CONFIG, lr: 0.01 };
    const before = predict.seconds(another, 1) ?? 0;
    await trainer.train({ configId: 'p', config: TFJS_DEFAULT_CONFIG, epoch: 1, maxEpochs: 2, checkpointDir: runDir, signal: new AbortController().signal });
    assert.equal(trainer.workerPid, pid);
    // That step cached the features another linear probe of the model needs: its first epoch costs less now.
    assert.ok((predict.seconds(another, 1) ?? Infinity) < before, `${predict.seconds(another, 1)} vs ${before}`);
    assert.equal(predict.regime?.(another, 1)[0], 'head cached first-warm');
    const report = trainer.lastReport;
    assert.ok(report && report.cpuSeconds > 0 && report.cpuSeconds < report.seconds * 4, `CPU ${report?.cpuSeconds} s, wall ${report?.seconds} s`);
    assert.ok(measured.contention >= 1);
    // Another worker slot's trainer costs from the same measurements, for its own worker, which has paid nothing.
    const slot2 = await createTfjsTrainer({ dataset, runDir, seed: 0, settings: { inputSize: 64 } });
    try {
      const second = await slot2.costModel({ models: [MODEL], sibling: predict });
      assert.equal(slot2.lastCostProfile, trainer.lastCostProfile, 'the same profile: one measurement, one contention');
      assert.equal(slot2.workerPid, undefined, 'nothing measured: no worker started');
      assert.ok((second.seconds(another, 1) ?? 0) > (predict.seconds(another, 1) ?? Infinity), 'its worker still loads the model and computes the features');
      assert.equal(second.regime?.(another, 1)[0], 'head cached first');
    } finally {
      await slot2.close();
    }
  } finally {
    await trainer.close();
  }
});

test("a machine's measured costs are kept: the same models at the same sizes are not probed again, other sizes are", { timeout: 180_000 }, async () => {
  const cache = await tempDir();
  process.env.QUICKTUNE_CACHE_DIR = cache;
  const dataset = await writeClassFolders(await tempDir(), ['a', 'b'], 5);
  const profileOf = async (inputSize: number): Promise<{ profile: CostProfile; seconds: number | undefined }> => {
    const trainer = await createTfjsTrainer({ dataset, runDir: await tempDir(), seed: 0, settings: { inputSize } });
    try {
      const predict = await trainer.costModel({ models: [MODEL] });
      return { profile: CostProfileSchema.parse(trainer.lastCostProfile), seconds: predict.seconds(TFJS_DEFAULT_CONFIG, 1) };
    } finally {
      await trainer.close();
    }
  };
  const measured = await profileOf(64);
  assert.deepEqual((await readdir(join(cache, 'cost-profiles'))).length, 1);
  const again = await profileOf(64);
  assert.deepEqual({ ...again.profile, contention: 0 }, { ...measured.profile, contention: 0 }, 'the stored profile, not a new measurement');
  assert.ok(again.profile.contention >= 1, 'the load is measured anew');
  assert.ok(again.seconds !== undefined && again.seconds > 0);
  const other = await profileOf(96);
  assert.equal(other.profile.models[0]?.inputSize, 96);
  assert.notEqual(other.profile.seconds, measured.profile.seconds, 'another size is probed');
  assert.deepEqual((await readdir(join(cache, 'cost-profiles'))).length, 2);
  process.env.QUICKTUNE_COST_CACHE = 'off';
  try {
    const fresh = await profileOf(64);
    assert.notEqual(fresh.profile.seconds, measured.profile.seconds, 'QUICKTUNE_COST_CACHE=off measures every time');
  } finally {
    delete process.env.QUICKTUNE_COST_CACHE;
  }
});
