import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PoolState } from '../../src/core/pool-state.ts';
import type { StepRecord } from '../../src/core/step.ts';

const ok = (configId: string, epoch: number, score: number, final = false): StepRecord => ({
  configId, epoch, score, seconds: 1, status: 'ok', final, finishedAt: 0,
});

test('the pool tracks curves, finished pipelines, the incumbent and the best score per epoch', () => {
  const state = new PoolState(['a', 'b', 'c'], 3);
  state.observe(ok('a', 1, 0.3));
  state.observe(ok('b', 1, 0.5, true));
  state.observe(ok('a', 2, 0.4));
  state.observe({ configId: 'c', epoch: 1, score: null, seconds: 2, status: 'failed', final: true, finishedAt: 0 });
  assert.deepEqual(state.curve(0), [0.3, 0.4]);
  assert.deepEqual(state.candidates(), [0]);
  assert.equal(state.bestAtEpoch(1), 0.5);
  assert.equal(state.bestAtEpoch(2), 0.4);
  assert.equal(state.bestAtEpoch(3), -Infinity);
  assert.deepEqual(state.incumbent, { pipeline: 1, epoch: 1, score: 0.5 });
  assert.equal(state.observations, 3);
  state.observe(ok('a', 3, 0.45));
  assert.ok(state.isFinal(0), 'the last epoch T finishes a pipeline');
  assert.deepEqual(state.candidates(), []);
});

test('suggestions and records must continue a pipeline at its next epoch', () => {
  const state = new PoolState(['a'], 5);
  assert.equal(state.problemWith({ configId: 'a', epoch: 1 }), undefined);
  assert.match(state.problemWith({ configId: 'a', epoch: 2 }) ?? '', /not its next epoch/);
  assert.match(state.problemWith({ configId: 'x', epoch: 1 }) ?? '', /not in the pool/);
  assert.throws(() => state.observe(ok('a', 3, 0.1)), RangeError);
  assert.throws(() => new PoolState(['a', 'a'], 5), RangeError);
});

test('a claimed pipeline is pending: not a candidate, not suggestable, until its record or its release', () => {
  const state = new PoolState(['a', 'b'], 5);
  state.claim({ claim: 'k1', configId: 'a', epoch: 1, worker: 'w1', startedAt: 0 });
  assert.ok(state.isPending(0));
  assert.deepEqual(state.candidates(), [1]);
  assert.match(state.problemWith({ configId: 'a', epoch: 1 }) ?? '', /already running \(epoch 1, worker w1\)/);
  assert.throws(() => state.claim({ claim: 'k2', configId: 'a', epoch: 1, worker: 'w2', startedAt: 0 }), RangeError);
  assert.equal(state.exhausted, false);
  state.observe(ok('a', 1, 0.3));
  assert.equal(state.isPending(0), false);
  state.claim({ claim: 'k3', configId: 'a', epoch: 2, worker: 'w2', startedAt: 1 });
  const revision = state.revision;
  state.release('k3');
  assert.ok(state.revision > revision);
  assert.deepEqual(state.candidates(), [0, 1], 'a released pipeline runs again at the same epoch');
  assert.equal(state.problemWith({ configId: 'a', epoch: 2 }), undefined);
  assert.deepEqual(state.records.map((r) => r.epoch), [1]);
  assert.deepEqual(state.epochSeconds(0), [1]);
});
