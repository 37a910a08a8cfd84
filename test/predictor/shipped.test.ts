import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_PREDICTOR_DIR, loadDefaultPredictor } from '../../src/predictor/deep-kernel-predictor.ts';
import { buildPool, loadSpace } from '../../src/space/index.ts';

test('the shipped predictor loads, accepts the shipped search space and predicts finite numbers', async () => {
  const predictor = await loadDefaultPredictor();
  const manifest = JSON.parse(await readFile(join(DEFAULT_PREDICTOR_DIR(), 'manifest.json'), 'utf8'));
  assert.equal(manifest.metaDataset.name, 'quicktune-extended');
  assert.equal(manifest.tasks.excluded.length, 0, 'meta-trained on every task');
  assert.equal(predictor.maxEpochs, 50);
  const pool = buildPool(await loadSpace(), { seed: 1, size: 40 });
  const task = predictor.forTask(
    pool.map((p) => p.config),
    { num_samples: 5000, num_classes: 20, image_size: 128, num_channels: 3 },
    { seed: 0, metaInit: true },
  );
  const observed = [0, 1, 2].flatMap((p) =>
    [0.3, 0.45, 0.5].map((score, e) => ({ pipeline: p, epoch: e + 1, curve: [0.3, 0.45, 0.5].slice(0, e), score: score + 0.1 * p, seconds: 60 })),
  );
  const report = await task.fit(observed, { steps: 10, learningRate: 1e-3, restart: true });
  assert.equal(report.failed, false);
  const queries = pool.map((_, p) => ({ pipeline: p, epoch: p < 3 ? 4 : 1, curve: p < 3 ? [0.3, 0.45, 0.5].map((s) => s + 0.1 * p) : [] }));
  const { mean, std } = await task.predict(queries);
  const cost = await task.predictCost(queries);
  assert.ok(mean.every((m) => Number.isFinite(m) && m > -0.5 && m < 1.5), `means ${Array.from(mean).slice(0, 5)}`);
  assert.ok(std.every((s) => Number.isFinite(s) && s > 0));
  assert.ok(cost.every((c) => Number.isFinite(c) && c > 0));
  // A pipeline that reached 0.7 after three epochs is expected to stay above one that reached 0.5.
  assert.ok(mean[2]! > mean[0]!, `continuing from 0.7 (${mean[2]}) vs from 0.5 (${mean[0]})`);
  task.dispose();
});
