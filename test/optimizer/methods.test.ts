import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runReplaySearch } from '../../src/benchmark/replay-search.ts';
import { METHODS, resolveMethods } from '../../src/optimizer/registry.ts';
import { UsageError } from '../../src/errors.ts';
import { CurveMeanPredictor } from '../helpers/curve-mean-predictor.ts';
import { syntheticTask } from '../helpers/synthetic-metadataset.ts';

const T = 12;
const task = syntheticTask('fixture', 7, 30, T);

test('the registry holds the paper methods, the ablations and the random baselines', () => {
  for (const name of ['quicktune', 'dyhpo', 'asha', 'random', 'random-pairs', 'qt-no-meta', 'qt-no-cost', 'qt-no-graybox', 'qt-no-lookahead', 'qt-paper-refit']) {
    assert.ok(METHODS.has(name), name);
  }
  assert.equal(METHODS.get('dyhpo')?.metaLearned, false);
  assert.equal(METHODS.get('quicktune')?.metaLearned, true);
  // Look-ahead is Quick-Tune's own; DyHPO, -M and the no-look-ahead ablation keep the paper's acquisition.
  assert.equal(METHODS.get('quicktune')?.settings.incumbent, 'global');
  assert.ok(Array.isArray(METHODS.get('quicktune')?.settings.horizons));
  for (const name of ['dyhpo', 'qt-no-meta', 'qt-no-lookahead']) {
    assert.equal(METHODS.get(name)?.settings.incumbent, 'per-epoch', name);
    assert.equal(METHODS.get(name)?.settings.horizons, undefined, name);
  }
  assert.throws(() => resolveMethods(['asha', 'bogus'], '--methods'), (e: unknown) => e instanceof UsageError && /--methods: unknown method 'bogus'/.test(e.message));
});

test('a model-based method binds the predictor once to the pool and disposes it at the end', async () => {
  for (const name of ['quicktune', 'dyhpo']) {
    const method = METHODS.get(name);
    assert.ok(method);
    const predictor = new CurveMeanPredictor(T);
    await runReplaySearch({ task, maxEpochs: T, method, seed: 1, budgetSeconds: 1500, predictor });
    assert.equal(predictor.built.length, 1);
    assert.equal(predictor.built[0]?.options.metaInit, method.metaLearned);
    assert.equal(predictor.built[0]?.task.disposed, true, 'the task predictor is disposed at the end');
  }
});

test('different seeds give different random searches', async () => {
  const method = METHODS.get('random-pairs');
  assert.ok(method);
  const run = (seed: number) => runReplaySearch({ task, maxEpochs: T, method, seed, budgetSeconds: 1500, countOverhead: false });
  const [a, b] = [await run(1), await run(2)];
  assert.notDeepEqual(a.records.map((r) => r.configId), b.records.map((r) => r.configId));
});

test('with the overhead counted, the clock is the recorded training time plus the optimizer time', async () => {
  const method = METHODS.get('quicktune');
  assert.ok(method);
  const result = await runReplaySearch({ task, maxEpochs: T, method, seed: 0, budgetSeconds: 1000, predictor: new CurveMeanPredictor(T) });
  const last = result.records.at(-1);
  assert.ok(last);
  assert.ok(result.overheadSeconds > 0);
  assert.ok(Math.abs(result.seconds - (result.trainingSeconds + result.overheadSeconds)) < 1e-9);
  const charged = result.records.reduce((s, r) => s + r.seconds, 0);
  assert.ok(Math.abs(result.trainingSeconds - charged) < 1e-9);
  assert.ok(last.finishedAt > charged);
});
