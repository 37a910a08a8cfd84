import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { saveCheckpoint } from '../../src/predictor/checkpoint.ts';
import { metaTrain } from '../../src/predictor/meta-train/meta-train.ts';
import { miniMetaDataset } from '../helpers/predictor-fixture.ts';

test('meta-training on the fixture lowers the validation error', async () => {
  const metaDataset = await miniMetaDataset();
  const { checkpoint } = await metaTrain({ metaDataset, iterations: 300, seed: 1, learningRate: 3e-3, validateEvery: 25, calibrate: true });
  const { validation, bestValMse, bestIteration } = checkpoint.manifest.training;
  const { calibration } = checkpoint.manifest;
  for (const factor of [calibration.new, calibration.continuing]) assert.ok(factor >= 0.25 && factor <= 4);
  assert.notDeepEqual(calibration, { new: 1, continuing: 1 }, 'calibrated on the validation episodes');
  const initial = validation[0]![1];
  assert.equal(validation[0]![0], 0);
  assert.ok(bestValMse !== null && bestValMse < 0.5 * initial, `best ${bestValMse} vs initial ${initial}`);
  assert.ok(bestIteration > 0);
  assert.equal(checkpoint.manifest.tasks.validation.length, 1);
  assert.equal(checkpoint.manifest.tasks.train.length, 4);
});

test('the same seed gives a byte-identical checkpoint, another seed a different one', async () => {
  const metaDataset = await miniMetaDataset();
  const dir = await mkdtemp(join(tmpdir(), 'qt-predictor-'));
  try {
    const runs = [3, 3, 4];
    for (const [i, seed] of runs.entries()) {
      const { checkpoint } = await metaTrain({ metaDataset, iterations: 40, seed, validateEvery: 10, exclude: ['t_small'] });
      await saveCheckpoint(join(dir, `run${i}`), checkpoint);
    }
    const files = (await readdir(join(dir, 'run0'))).sort();
    assert.deepEqual(files, ['encoder.json', 'manifest.json', 'weights.f64']);
    for (const file of files) {
      assert.deepEqual(await readFile(join(dir, 'run1', file)), await readFile(join(dir, 'run0', file)), `${file} differs between equal seeds`);
    }
    assert.notDeepEqual(await readFile(join(dir, 'run2', 'weights.f64')), await readFile(join(dir, 'run0', 'weights.f64')));
    const manifest = JSON.parse(await readFile(join(dir, 'run0', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.tasks.excluded, ['t_small']);
    assert.ok(![...manifest.tasks.train, ...manifest.tasks.validation].includes('t_small'));
    assert.equal(manifest.metaDataset.name, 'predictor-mini');
    assert.equal(manifest.metaDataset.contentHash, metaDataset.contentHash);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('excluding an unknown task is an input error', async () => {
  const metaDataset = await miniMetaDataset();
  await assert.rejects(metaTrain({ metaDataset, iterations: 1, exclude: ['nope'] }), (error: unknown) => error instanceof InputError && /nope/.test(error.message));
});

test('a tiny meta-dataset (two runs per task, four epochs) meta-trains with search-like validation', async () => {
  const { loadMetaDataset } = await import('../../src/metadata/index.ts');
  const { fixturePath } = await import('../helpers/paths.ts');
  const metaDataset = await loadMetaDataset(fixturePath('metadata', 'valid'));
  const { checkpoint } = await metaTrain({ metaDataset, iterations: 10, seed: 0, validateEvery: 5, validationStyle: 'search', calibrate: true, priorMean: 'learned+last-observed' });
  assert.ok(checkpoint.theta.every(Number.isFinite));
  assert.equal(checkpoint.manifest.metaDataset.maxEpochs, 4);
});

test('a predictor meta-trained to look ahead is calibrated per gap bucket, on episodes that leave its weights alone', async () => {
  const metaDataset = await miniMetaDataset();
  const options = { metaDataset, iterations: 120, seed: 2, learningRate: 3e-3, validateEvery: 30, calibrate: true, horizonShare: 0.5 } as const;
  const { checkpoint } = await metaTrain(options);
  const { calibration } = checkpoint.manifest;
  assert.ok(calibration.ahead !== undefined, 'ahead factors fitted');
  for (const factors of [calibration.ahead.new, calibration.ahead.continuing]) {
    assert.equal(factors.length, 5);
    assert.ok(factors.every((f) => f >= 0.25 && f <= 4), JSON.stringify(factors));
  }
  assert.ok(calibration.ahead.continuing.some((f) => f !== calibration.continuing), 'fitted ahead, not copied from the next step');
  const { checkpoint: withoutCalibration } = await metaTrain({ ...options, calibrate: false });
  assert.deepEqual(withoutCalibration.theta, checkpoint.theta, 'calibrating ahead draws from its own stream: same weights');
  assert.equal(withoutCalibration.manifest.calibration.ahead, undefined);
});
