import assert from 'node:assert/strict';
import { copyFile, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadTf } from '../../../src/backend/tfjs-backend.ts';
import { TrainerError } from '../../../src/errors.ts';
import { checkpointFile, loadCheckpoint, saveCheckpoint, TFJS_CHECKPOINTS } from '../../../src/trainers/tfjs/checkpoint.ts';
import { FinetuneEngine, type StepRequest } from '../../../src/trainers/tfjs/engine.ts';
import { tempDir, writeClassFolders } from '../../helpers/image-folder.ts';

const MODEL = 'mobilenet_v2_100_nsfwjs';
const signal = new AbortController().signal;

async function setup(): Promise<{ engine: FinetuneEngine; runDir: string }> {
  const { tf } = await loadTf();
  const dataset = await writeClassFolders(await tempDir(), ['red', 'blue', 'green'], 6);
  const runDir = await tempDir();
  return { engine: new FinetuneEngine(tf, { dataset, seed: 7, inputSize: 64, cacheDir: join(runDir, 'cache') }), runDir };
}

function step(configId: string, config: StepRequest['config'], epoch: number, checkpointDir: string | undefined): StepRequest {
  return { configId, config, epoch, maxEpochs: 3, checkpointDir };
}

test('one epoch of the nsfwjs MobileNetV2 scores in [0, 1]; the next epoch resumes from its checkpoint', async () => {
  const { tf } = await loadTf();
  const { engine, runDir } = await setup();
  // pct_to_freeze 0.6 trains depthwise and pointwise convolutions: the wasm filter-gradient kernels run.
  const config = { model: MODEL, lr: 0.005, batch_size: 4, opt: 'adamw', opt_betas: '[0.9, 0.999]', weight_decay: 0.01, pct_to_freeze: 0.6, sched: 'cosine' };
  const dirA = join(runDir, 'a');
  const first = await engine.run(step('p', config, 1, dirA), signal);
  assert.ok(first.score >= 0 && first.score <= 1);
  assert.equal(first.resumedFrom, null);
  assert.equal(first.cachedFeatures, true);
  assert.ok(first.frozenLayers > 0 && first.frozenLayers < first.layers);
  const ckpt1 = await loadCheckpoint(checkpointFile(dirA, 1));
  const batches = Math.ceil(15 / 4);
  assert.equal(ckpt1.meta.optimizerSteps, batches);
  const tensorsAfterFirst = tf.memory().numTensors;

  const second = await engine.run(step('p', config, 2, dirA), signal);
  assert.equal(second.resumedFrom, checkpointFile(dirA, 1));
  const ckpt2 = await loadCheckpoint(checkpointFile(dirA, 2));
  // The optimizer continued: its step counter (Adam's bias correction) carries on from epoch 1.
  assert.equal(ckpt2.meta.optimizerSteps, 2 * batches);
  assert.deepEqual(ckpt2.meta.valHistory, [first.score, second.score]);
  assert.equal(tf.memory().numTensors, tensorsAfterFirst, 'no tensor leaks between steps');

  // Epoch 2 reads the saved weights: the same checkpoint gives the same epoch 2, a changed one does not.
  const dirB = join(runDir, 'b');
  const dirC = join(runDir, 'c');
  await mkdir(dirB, { recursive: true });
  await copyFile(checkpointFile(dirA, 1), checkpointFile(dirB, 1));
  const tensors = new Map(ckpt1.tensors);
  const head = tensors.get('param:head/kernel');
  assert.ok(head);
  tensors.set('param:head/kernel', { shape: head.shape, data: new Float32Array(head.data.length) });
  await saveCheckpoint(dirC, { meta: ckpt1.meta, tensors });
  await engine.run(step('p', config, 2, dirB), signal);
  await engine.run(step('p', config, 2, dirC), signal);
  const headOf = async (dir: string): Promise<Float32Array> => (await loadCheckpoint(checkpointFile(dir, 2))).tensors.get('param:head/kernel')?.data ?? new Float32Array();
  assert.deepEqual(await headOf(dirB), await headOf(dirA));
  assert.notDeepEqual(await headOf(dirC), await headOf(dirA));
  // And it is not the pretrained backbone either: a trained backbone weight moved away from it.
  const pretrained = await engine.pretrained(MODEL);
  const moved = [...ckpt2.tensors].find(([name]) => name.startsWith('param:') && !name.includes('head/'));
  assert.ok(moved);
  const original = pretrained.weights[moved[0].slice('param:'.length)]?.dataSync();
  assert.notDeepEqual(moved[1].data, original);
  assert.equal(tf.memory().numTensors, tensorsAfterFirst);
  await engine.dispose();
});

test('augmentation and mixup train from pixels through the whole (unfrozen) network', async () => {
  const { engine, runDir } = await setup();
  const config = { model: MODEL, lr: 0.001, batch_size: 8, opt: 'sgd', pct_to_freeze: 0, data_augmentation: 'trivial_augment', mixup: 0.4, cutmix: 1, mixup_prob: 1, smoothing: 0.1, drop: 0.2, clip_grad: 1, sched: 'plateau', patience_epochs: 2 };
  const report = await engine.run(step('aug', config, 1, join(runDir, 'aug')), signal);
  assert.equal(report.cachedFeatures, false);
  assert.equal(report.frozenLayers, 0);
  assert.ok(report.score >= 0 && report.score <= 1 && Number.isFinite(report.trainLoss));
  await engine.dispose();
});

test('a diverging pipeline ends (final) without a checkpoint; resuming without one is an error', async () => {
  const { engine, runDir } = await setup();
  const config = { model: MODEL, lr: 1e38, batch_size: 4, opt: 'sgd', pct_to_freeze: 0.8 };
  const dir = join(runDir, 'div');
  const report = await engine.run(step('div', config, 1, dir), signal);
  assert.equal(report.final, true);
  assert.ok(!Number.isFinite(report.trainLoss));
  await assert.rejects(engine.run(step('div', config, 2, dir), signal), (error: unknown) => error instanceof TrainerError && /no checkpoint of epoch 1/.test(error.message));
  const ok = { model: MODEL, lr: 0.001, pct_to_freeze: 1 };
  await engine.run(step('ok', ok, 1, join(runDir, 'ok')), signal);
  await assert.rejects(
    engine.run(step('ok', { ...ok, lr: 0.01 }, 2, join(runDir, 'ok')), signal),
    (error: unknown) => error instanceof TrainerError && /belongs to another configuration/.test(error.message),
  );
  await engine.dispose();
});

test('a linear probe on the pretrained features learns the synthetic classes within three epochs', async () => {
  const { tf } = await loadTf();
  const dataset = await writeClassFolders(await tempDir(), ['red', 'blue', 'green'], 10);
  const runDir = await tempDir();
  const engine = new FinetuneEngine(tf, { dataset, seed: 3, inputSize: 64 });
  const config = { model: MODEL, lr: 0.01, batch_size: 8, opt: 'adam', pct_to_freeze: 1 };
  const reports = [];
  for (let epoch = 1; epoch <= 3; epoch++) reports.push(await engine.run(step('probe', config, epoch, runDir), signal));
  const losses = reports.map((r) => r.trainLoss);
  assert.ok((losses[2] ?? Infinity) < (losses[0] ?? 0) / 2, `loss ${losses.join(' → ')}`);
  assert.ok((reports[2]?.score ?? 0) >= 2 / 3, `accuracy ${reports[2]?.score} (chance 1/3)`);

  // The trainer deletes no checkpoint (the search prunes through TFJS_CHECKPOINTS).
  assert.deepEqual((await readdir(runDir)).sort(), ['tfjs-epoch-1.qtck', 'tfjs-epoch-2.qtck', 'tfjs-epoch-3.qtck']);
  // A re-run of an epoch (its first run was never recorded) replaces the file whole, leaving no temporary.
  await writeFile(checkpointFile(runDir, 3), 'half a checkpoint from a crashed run');
  const rerun = await engine.run(step('probe', config, 3, runDir), signal);
  assert.equal(rerun.score, reports[2]?.score);
  assert.deepEqual((await loadCheckpoint(checkpointFile(runDir, 3))).meta.valHistory, reports.map((r) => r.score));
  assert.deepEqual((await readdir(runDir)).sort(), ['tfjs-epoch-1.qtck', 'tfjs-epoch-2.qtck', 'tfjs-epoch-3.qtck']);
  const size = async (epoch: number): Promise<number> => (await stat(checkpointFile(runDir, epoch))).size;
  const total = (await size(1)) + (await size(2)) + (await size(3));
  assert.equal(await TFJS_CHECKPOINTS.bytes(runDir), total);
  const freed = (await size(1)) + (await size(3));
  assert.equal(await TFJS_CHECKPOINTS.prune(runDir, [2]), freed);
  assert.deepEqual(await readdir(runDir), ['tfjs-epoch-2.qtck']);
  assert.equal(await TFJS_CHECKPOINTS.bytes(runDir), total - freed);
  await engine.dispose();
});

test('an input size below a model minimum is raised to it (InceptionV3 needs 75 px)', async () => {
  const { tf } = await loadTf();
  const dataset = await writeClassFolders(await tempDir(), ['a', 'b'], 3);
  const runDir = await tempDir();
  const engine = new FinetuneEngine(tf, { dataset, seed: 1, inputSize: 48 });
  const report = await engine.run(step('small', { model: 'inception_v3_nsfwjs', pct_to_freeze: 1 }, 1, runDir), signal);
  assert.ok(report.score >= 0 && report.score <= 1);
  const saved = await loadCheckpoint(checkpointFile(runDir, 1));
  assert.equal(saved.meta.inputSize, 75);
  await engine.dispose();
});
