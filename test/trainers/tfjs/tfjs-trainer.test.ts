import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TrainerError } from '../../../src/errors.ts';
import { checkpointFile } from '../../../src/trainers/tfjs/checkpoint.ts';
import { createTfjsTrainer } from '../../../src/trainers/tfjs/tfjs-trainer.ts';
import type { TrainStep } from '../../../src/trainers/types.ts';
import { tempDir, writeClassFolders } from '../../helpers/image-folder.ts';

const MODEL = 'mobilenet_v2_100_nsfwjs';

function step(configId: string, config: TrainStep['config'], epoch: number, dir: string, signal = new AbortController().signal): TrainStep {
  return { configId, config, epoch, maxEpochs: 2, checkpointDir: join(dir, configId), signal };
}

test('the tfjs trainer runs steps in a worker process, resumes from checkpoints and marks the last epoch final', async () => {
  const dataset = await writeClassFolders(await tempDir(), ['a', 'b'], 5);
  const runDir = await tempDir();
  const trainer = await createTfjsTrainer({ dataset, runDir, seed: 1, settings: { inputSize: 64 } });
  try {
    assert.deepEqual(await trainer.datasetMetaFeatures(), { num_samples: 8, num_classes: 2, image_size: 40, num_channels: 3 });
    assert.equal(trainer.describe().name, 'tfjs');
    assert.equal(trainer.describe().inputSize, 64);
    const config = { model: MODEL, lr: 0.001, batch_size: 4, opt: 'adam', pct_to_freeze: 0.8 };
    const first = await trainer.train(step('p', config, 1, runDir));
    assert.ok(first.score >= 0 && first.score <= 1 && first.seconds > 0);
    assert.equal(first.final, false);
    assert.ok(trainer.workerPid !== undefined && trainer.workerPid !== process.pid);
    const second = await trainer.train(step('p', config, 2, runDir));
    assert.equal(second.final, true);
    assert.equal(trainer.lastReport?.resumedFrom, checkpointFile(join(runDir, 'p'), 1));
    assert.ok(existsSync(join(runDir, 'cache')), 'decoded images are cached in the run folder');
    await assert.rejects(trainer.train(step('q', { model: 'no_such_model' }, 1, runDir)), (e: unknown) => e instanceof TrainerError && e.code === 'trainer.unknownModel');
    // Concurrent calls are queued: both finish, in order.
    const probe = { model: MODEL, pct_to_freeze: 1 };
    const finished: string[] = [];
    await Promise.all(['r1', 'r2'].map((id) => trainer.train(step(id, probe, 1, runDir)).then(() => finished.push(id))));
    assert.deepEqual(finished, ['r1', 'r2']);
    // A search passes one signal to every step: finished steps must leave no abort listener on it.
    const search = new AbortController();
    for (const id of ['s1', 's2', 's3']) await trainer.train(step(id, probe, 1, runDir, search.signal));
    assert.equal(getEventListeners(search.signal, 'abort').length, 0);
  } finally {
    await trainer.close();
  }
  assert.equal(trainer.workerPid, undefined);
});

test('an aborted step rejects and the worker stays usable; a killed worker fails the step and is replaced', async () => {
  const dataset = await writeClassFolders(await tempDir(), ['a', 'b'], 12);
  const runDir = await tempDir();
  const trainer = await createTfjsTrainer({ dataset, runDir, seed: 1, settings: { inputSize: 96 } });
  // Full finetuning with augmentation: slow enough (seconds) to be interrupted.
  const slow = { model: MODEL, lr: 0.001, batch_size: 2, opt: 'sgd', pct_to_freeze: 0, data_augmentation: 'random_augment' };
  try {
    await trainer.train(step('warm', { model: MODEL, pct_to_freeze: 1 }, 1, runDir));
    const pid = trainer.workerPid;
    const controller = new AbortController();
    const aborted = trainer.train(step('slow', slow, 1, runDir, controller.signal));
    setTimeout(() => controller.abort(new Error('step timeout')), 300);
    await assert.rejects(aborted, (e: unknown) => e instanceof TrainerError && e.code === 'trainer.aborted' && /step timeout/.test(e.message));
    assert.equal(trainer.workerPid, pid, 'the worker stopped between batches and was kept');

    const killed = trainer.train(step('slow2', slow, 1, runDir));
    setTimeout(() => process.kill(pid as number, 'SIGKILL'), 300);
    await assert.rejects(killed, (e: unknown) => e instanceof TrainerError && e.code === 'trainer.outOfMemory' && /SIGKILL/.test(e.message));
    const after = await trainer.train(step('after', { model: MODEL, pct_to_freeze: 1 }, 1, runDir));
    assert.ok(after.score >= 0 && after.score <= 1);
    assert.notEqual(trainer.workerPid, pid);
  } finally {
    await trainer.close();
  }
});
