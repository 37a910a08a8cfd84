import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TrainerError } from '../../src/errors.ts';
import type { TrainStep } from '../../src/trainers/types.ts';
import { pipelinesOf, ReplayTrainer } from '../../src/trainers/replay.ts';
import { makeTask } from '../helpers/synthetic-metadataset.ts';

const task = makeTask('hand', [
  { id: 'a', model: 'm1', values: { lr: 0.01 }, scores: [0.2, 0.5, 0.7], costs: [10, 11, 12] },
  { id: 'b', model: 'm2', scores: [0.05], costs: [3] },
  { id: 'empty', model: 'm2', scores: [], costs: [] },
]);

function step(configId: string, epoch: number): TrainStep {
  return { configId, config: { model: 'm1' }, epoch, maxEpochs: 3, checkpointDir: undefined, signal: new AbortController().signal };
}

test('the pool of a task has one pipeline per run with a curve, its config carrying the model', () => {
  const pool = pipelinesOf(task);
  assert.deepEqual(pool.map((p) => p.id), ['a', 'b']);
  assert.deepEqual(pool[0]?.config, { lr: 0.01, model: 'm1' });
});

test('each step returns the recorded score and charges only that epoch', async () => {
  const trainer = new ReplayTrainer(task);
  assert.deepEqual(await trainer.train(step('a', 1)), { score: 0.2, seconds: 10, final: false });
  assert.deepEqual(await trainer.train(step('a', 2)), { score: 0.5, seconds: 11, final: false });
  assert.deepEqual(await trainer.train(step('a', 3)), { score: 0.7, seconds: 12, final: true });
});

test('a replay answers any recorded epoch, so trainers of several workers can continue each other\'s pipelines', async () => {
  const [one, two] = [new ReplayTrainer(task), new ReplayTrainer(task)];
  const first = await one.train(step('a', 1));
  const second = await two.train(step('a', 2));
  assert.deepEqual([first.score, second.score], [task.configs[0]?.scores[0], task.configs[0]?.scores[1]]);
});

test('a real-time replay sleeps the recorded seconds times the scale and charges what it slept', async () => {
  const trainer = new ReplayTrainer(task, { timeScale: 0.001 });
  const started = performance.now();
  const outcome = await trainer.train(step('a', 1));
  const recorded = task.configs[0]?.costs[0] ?? 0;
  assert.ok(Math.abs(outcome.seconds - recorded * 0.001) < 1e-12);
  assert.ok(performance.now() - started >= recorded * 0.001 * 1000 * 0.9);
});

test('a curve that ended early is final and cannot be continued', async () => {
  const trainer = new ReplayTrainer(task);
  const first = await trainer.train(step('b', 1));
  assert.equal(first.final, true);
  await assert.rejects(trainer.train(step('b', 2)), /ended after epoch 1; it cannot be continued/);
});

test('an unknown run and an aborted step are rejected', async () => {
  const trainer = new ReplayTrainer(task);
  await assert.rejects(trainer.train(step('zzz', 1)), /has no run 'zzz'/);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(trainer.train({ ...step('a', 1), signal: controller.signal }), /aborted/);
});
