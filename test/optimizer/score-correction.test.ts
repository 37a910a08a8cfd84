import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorrectedTaskPredictor, OnlineScoreCorrection } from '../../src/optimizer/score-correction.ts';
import type { CurvePoint, Prediction, TaskPredictor } from '../../src/predictor/types.ts';

const next = (pipeline: number, curve: number[]): CurvePoint => ({ pipeline, epoch: curve.length + 1, curve });
const prediction = (mean: number[], std: number[]): Prediction => ({ mean: Float64Array.from(mean), std: Float64Array.from(std) });

/** A model that always predicts `gain` above the last score with std 0.05, on pipelines whose curves stay flat. */
function teach(correction: OnlineScoreCorrection, steps: number, gain: number, actual: (k: number) => number): void {
  for (let k = 0; k < steps; k++) {
    const last = 0.5;
    correction.correct([next(k, [0.4, last])], prediction([last + gain], [0.05]));
    correction.observe(k, 3, last + actual(k));
  }
}

test('before any error is known, predictions pass through, capped at 1', () => {
  const correction = new OnlineScoreCorrection();
  assert.equal(correction.slope(), 1);
  assert.equal(correction.scale(), 1);
  const queries = [next(0, [0.5]), next(1, []), next(2, [0.9, 0.95])];
  const out = correction.correct(queries, prediction([0.6, 0.3, 1.2], [0.05, 0.1, 0.02]));
  assert.deepEqual([...out.mean], [0.6, 0.3, 1]);
  assert.deepEqual([...out.std], [0.05, 0.1, 0.02]);
});

test('a model that predicts gains that never come is pulled to the last score, and its std widened', () => {
  const correction = new OnlineScoreCorrection();
  teach(correction, 12, 0.12, (k) => (k % 2 === 0 ? 0.1 : -0.1));
  assert.equal(correction.errors, 12);
  assert.ok(correction.slope() < 0.1, `slope ${correction.slope()}`);
  const out = correction.correct([next(99, [0.3, 0.7])], prediction([0.82], [0.05]));
  assert.ok(Math.abs((out.mean[0] ?? 0) - 0.7) < 0.02, `corrected mean ${out.mean[0]}`);
  assert.ok((out.std[0] ?? 0) > 0.05, 'errors larger than the std widen it');
});

test('a model whose predicted gains happen keeps its predictions', () => {
  const correction = new OnlineScoreCorrection();
  teach(correction, 12, 0.1, () => 0.1);
  assert.ok(Math.abs(correction.slope() - 1) < 1e-9);
  assert.equal(correction.scale(), 1, 'a std is never narrowed');
  const out = correction.correct([next(99, [0.3, 0.5])], prediction([0.6], [0.05]));
  assert.ok(Math.abs((out.mean[0] ?? 0) - 0.6) < 1e-9);
});

test('one error moves the slope only part of the way (shrunk toward no correction)', () => {
  const correction = new OnlineScoreCorrection();
  teach(correction, 1, 0.1, () => 0);
  const slope = correction.slope();
  assert.ok(slope > 0.3 && slope < 0.7, `slope ${slope}`);
});

test('only remembered next-epoch predictions count: look-ahead points, epoch 1 and unknown steps do not', () => {
  const correction = new OnlineScoreCorrection();
  correction.correct([{ pipeline: 0, epoch: 5, curve: [0.5] }, next(1, [])], prediction([0.9, 0.4], [0.1, 0.1]));
  correction.observe(0, 5, 0.5);
  correction.observe(1, 1, 0.1);
  correction.observe(7, 2, 0.3);
  assert.equal(correction.errors, 0);
  // NOTE: the latest prediction before the result is the one compared, and only once.
  correction.correct([next(3, [0.5])], prediction([0.9], [0.1]));
  correction.correct([next(3, [0.5])], prediction([0.6], [0.1]));
  correction.observe(3, 2, 0.6);
  correction.observe(3, 2, 0.6);
  assert.equal(correction.errors, 1);
  assert.ok(Math.abs(correction.slope() - 1) < 1e-9, 'the remembered prediction was 0.6, and 0.6 came');
});

test('the corrected task predictor corrects predict and passes everything else through', async () => {
  const calls: string[] = [];
  const inner: TaskPredictor = {
    maxEpochs: 50,
    fit: async () => {
      calls.push('fit');
      return { loss: 0, steps: 0, seconds: 0, failed: false };
    },
    predict: async (queries) => prediction(queries.map(() => 1.4), queries.map(() => 0.1)),
    predictCost: async (queries) => Float64Array.from(queries, () => 2),
    dispose: () => calls.push('dispose'),
  };
  const wrapped = new CorrectedTaskPredictor(inner, new OnlineScoreCorrection());
  await wrapped.fit([], { steps: 0, learningRate: 0, restart: false });
  assert.deepEqual([...(await wrapped.predict([next(0, [0.5])])).mean], [1]);
  assert.deepEqual([...(await wrapped.predictCost([next(0, [0.5])]))], [2]);
  wrapped.dispose();
  assert.equal(wrapped.maxEpochs, 50);
  assert.deepEqual(calls, ['fit', 'dispose']);
});
