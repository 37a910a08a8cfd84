import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMetaDataset } from '../../src/metadata/load.ts';
import { realMetadataset } from '../helpers/paths.ts';

const real = realMetadataset();

test('the real quicktune-extended meta-dataset loads: 20 tasks, 3 542 runs, 110 209 curve points', { skip: real.skip }, async (t) => {
  const started = performance.now();
  const meta = await loadMetaDataset(real.dir);
  const ms = performance.now() - started;
  t.diagnostic(`loaded ${real.dir} in ${ms.toFixed(0)} ms`);
  assert.equal(meta.tasks.size, 20);
  assert.deepEqual(meta.totals, { configs: 3542, curvePoints: 110209 });
  assert.equal(meta.models.length, 24);
  assert.equal(meta.maxEpochs, 50);
  let configs = 0;
  for (const task of meta.tasks.values()) {
    configs += task.configs.length;
    assert.ok(task.yWorst >= 0 && task.yWorst < task.yBest && task.yBest <= 1, task.name);
    for (const config of task.configs) assert.ok(config.scores.length >= 1 && config.scores.length <= 50);
  }
  assert.equal(configs, 3542);
  const kinds = Object.fromEntries(meta.hyperparameters.map((c) => [c.name, c.kind]));
  assert.equal(kinds.opt, 'categorical');
  assert.equal(kinds.lr, 'numeric');
  assert.equal(kinds.clip_grad, 'numeric');
  assert.deepEqual(meta.metaFeatures.map((c) => c.name), ['num_samples', 'num_classes', 'image_size', 'num_channels']);
});
