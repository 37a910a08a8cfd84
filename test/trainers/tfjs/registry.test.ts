import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, UsageError } from '../../../src/errors.ts';
import { resolveTrainer, TRAINERS } from '../../../src/trainers/index.ts';
import { createTfjsTrainer } from '../../../src/trainers/tfjs/tfjs-trainer.ts';
import { tempDir } from '../../helpers/image-folder.ts';

test('tfjs is a built-in trainer; creating it checks the dataset folder', async () => {
  const tfjs = await resolveTrainer('tfjs');
  assert.equal(tfjs, TRAINERS.get('tfjs'));
  assert.match(tfjs.defaultSpace ?? '', /metadata[\\/]search-space-tfjs\.yaml$/);
  const dir = await tempDir();
  await assert.rejects(tfjs.create({ dataPath: join(dir, 'missing'), seed: 0, runDir: dir }), (e: unknown) => e instanceof InputError && /missing: dataset folder not found/.test(e.message));
  await mkdir(join(dir, 'empty'));
  await assert.rejects(tfjs.create({ dataPath: join(dir, 'empty'), seed: 0, runDir: dir }), InputError);
});

test('the tfjs trainer needs a dataset and valid settings (from options or QUICKTUNE_TFJS_* variables)', async () => {
  const dir = await tempDir();
  await assert.rejects(createTfjsTrainer({ runDir: dir, seed: 0 }), (e: unknown) => e instanceof UsageError && /--dataset/.test(e.message));
  await assert.rejects(
    createTfjsTrainer({ runDir: dir, seed: 0, dataset: dir, settings: { inputSize: 3 } }),
    (e: unknown) => e instanceof UsageError && /inputSize/.test(e.message),
  );
  process.env.QUICKTUNE_TFJS_INPUT_SIZE = 'big';
  try {
    await assert.rejects(createTfjsTrainer({ runDir: dir, seed: 0, dataset: dir }), (e: unknown) => e instanceof UsageError && /QUICKTUNE_TFJS_INPUT_SIZE: 'big'/.test(e.message));
  } finally {
    delete process.env.QUICKTUNE_TFJS_INPUT_SIZE;
  }
});
