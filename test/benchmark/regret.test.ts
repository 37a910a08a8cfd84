import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryStudy } from '../helpers/memory-study.ts';
import { logTimeGrid, normalizedRegret, regretsAt } from '../../src/benchmark/regret.ts';
import type { Optimizer, Suggestion } from '../../src/optimizer/types.ts';
import { SimulatedClock } from '../../src/study/clock.ts';
import { runSearchLoop } from '../../src/study/search-loop.ts';
import { pipelinesOf, ReplayTrainer } from '../../src/trainers/replay.ts';
import { makeTask } from '../helpers/synthetic-metadataset.ts';

// NOTE: y_best = 0.9 (b, epoch 2), y_worst = 0.1 (c, epoch 1): the range is 0.8.
const task = makeTask('known', [
  { id: 'a', model: 'm', scores: [0.3, 0.5, 0.7], costs: [10, 10, 10] },
  { id: 'b', model: 'm', scores: [0.4, 0.9, 0.8], costs: [100, 100, 100] },
  { id: 'c', model: 'm', scores: [0.1], costs: [5] },
]);

test('the hand-made task has the expected y_best and y_worst', () => {
  assert.equal(task.yBest, 0.9);
  assert.equal(task.yWorst, 0.1);
});

test('regret is 1 before the first observation, then follows the best score seen at any epoch', async () => {
  const plan: Suggestion[] = [
    { configId: 'c', epoch: 1 },
    { configId: 'a', epoch: 1 },
    { configId: 'a', epoch: 2 },
    { configId: 'b', epoch: 1 },
    { configId: 'b', epoch: 2 },
    { configId: 'b', epoch: 3 },
  ];
  const optimizer: Optimizer = { name: 'plan', describe: () => ({}), ask: async () => plan.shift() ?? null, tell: async () => {} };
  const pipelines = pipelinesOf(task);
  const outcome = await runSearchLoop({
    optimizer,
    study: await memoryStudy(pipelines, 3),
    slots: [{ id: 'w1', trainer: new ReplayTrainer(task) }],
    maxEpochs: 3,
    clock: new SimulatedClock({ countOverhead: false }),
  });
  // NOTE: finish times 5, 15, 25, 125, 225, 325; bests 0.1, 0.3, 0.5, 0.5, 0.9, 0.9.
  const times = [4.9, 5, 15, 24, 25, 200, 225, 1000];
  const expected = [1, 1, 0.75, 0.75, 0.5, 0.5, 0, 0];
  const got = regretsAt(outcome.trajectory, times, task.yBest, task.yWorst);
  got.forEach((r, i) => assert.ok(Math.abs(r - (expected[i] ?? -1)) < 1e-12, `t=${times[i]}: ${r} vs ${expected[i]}`));
});

test('a degenerate task (all scores equal) has regret 0 once anything is observed', () => {
  assert.equal(normalizedRegret([[3, 0.5]], 2, 0.5, 0.5), 1);
  assert.equal(normalizedRegret([[3, 0.5]], 3, 0.5, 0.5), 0);
});

test('the log time grid spans the range with both ends included', () => {
  const grid = logTimeGrid(60, 57600, 5);
  assert.equal(grid.length, 5);
  assert.ok(Math.abs((grid[0] ?? 0) - 60) < 1e-9);
  assert.equal(grid[4], 57600);
  assert.ok(Math.abs((grid[2] ?? 0) - Math.sqrt(60 * 57600)) < 1e-6);
});
