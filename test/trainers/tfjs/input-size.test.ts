import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTf } from '../../../src/backend/tfjs-backend.ts';
import { medianCropSide } from '../../../src/data/image-side.ts';
import { loadImageFolder } from '../../../src/data/load-image-folder.ts';
import { checkpointFile, loadCheckpoint } from '../../../src/trainers/tfjs/checkpoint.ts';
import { FinetuneEngine } from '../../../src/trainers/tfjs/engine.ts';
import { resolveInputSize } from '../../../src/trainers/tfjs/input-size.ts';
import { createTfjsTrainer } from '../../../src/trainers/tfjs/tfjs-trainer.ts';
import { tempDir, writeSyntheticImage } from '../../helpers/image-folder.ts';

test('the data rule: median crop side rounded up to 32, at most the hub size, at least the model minimum; overrides win', () => {
  const base = { hubSize: 224, minInputSize: 32 };
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 106 }), { size: 128, source: 'data', wanted: 128 });
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 128 }), { size: 128, source: 'data', wanted: 128 });
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 129 }), { size: 160, source: 'data', wanted: 160 });
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 375 }), { size: 224, source: 'data', wanted: 224 });
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 5 }), { size: 32, source: 'data', wanted: 32 });
  assert.deepEqual(resolveInputSize({ hubSize: 299, minInputSize: 75, datasetSide: 64 }), { size: 75, source: 'data', wanted: 64 });
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 106, trainInputSize: 192 }), { size: 192, source: 'hub', wanted: 192 });
  assert.deepEqual(resolveInputSize({ ...base, datasetSide: 106, trainInputSize: 192, override: 48 }), { size: 48, source: 'override', wanted: 48 });
  assert.deepEqual(resolveInputSize({ hubSize: 299, minInputSize: 75, datasetSide: 500, override: 48 }), { size: 75, source: 'override', wanted: 48 });
});

test('the trainer describes the size of every model; the engine trains at it (real images, no override)', async () => {
  const dataset = await tempDir();
  // Crop sides 70, 70, 90 and 60 (min of width and height): the median is 70, so 96 px.
  const sizes: Array<[number, number]> = [[100, 70], [70, 120], [90, 90], [60, 200]];
  for (const [label, name] of ['a', 'b'].entries()) {
    await mkdir(join(dataset, name));
    for (const [i, [width, height]] of sizes.entries()) await writeSyntheticImage(join(dataset, name, `${i}.jpg`), label, i, { width, height, format: 'jpg' });
  }
  const scanned = await loadImageFolder(dataset);
  assert.equal(medianCropSide([...scanned.train, ...scanned.val]), 70);
  const runDir = await tempDir();
  const trainer = await createTfjsTrainer({ dataset, runDir, seed: 0 });
  assert.deepEqual(trainer.describe().inputSizes, { mobilenet_v2_100_nsfwjs: 96, mobilenet_v2_140_nsfwjs: 96, inception_v3_nsfwjs: 96 });
  assert.equal(trainer.describe().inputSize, null);
  const fixed = await createTfjsTrainer({ dataset, runDir, seed: 0, settings: { inputSize: 64 } });
  assert.deepEqual(fixed.describe().inputSizes, { mobilenet_v2_100_nsfwjs: 64, mobilenet_v2_140_nsfwjs: 64, inception_v3_nsfwjs: 75 });

  const { tf } = await loadTf();
  const engine = new FinetuneEngine(tf, { dataset, seed: 0 });
  try {
    const config = { model: 'mobilenet_v2_100_nsfwjs', pct_to_freeze: 1, batch_size: 4 };
    await engine.run({ configId: 'p', config, epoch: 1, maxEpochs: 2, checkpointDir: runDir }, new AbortController().signal);
    assert.equal((await loadCheckpoint(checkpointFile(runDir, 1))).meta.inputSize, 96);
  } finally {
    await engine.dispose();
  }
});
