import assert from 'node:assert/strict';
import { test } from 'node:test';
import { calibrationFactor, gapBucket, queryGap, type Calibration } from '../../src/predictor/calibration.ts';

test('gaps fall in doubling buckets past the next step; the last bucket is open-ended', () => {
  assert.deepEqual([1, 2, 3, 4, 7, 8, 15, 16, 31, 32, 500].map(gapBucket), [-1, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
});

test('the gap counts from the last observed epoch, or from 0 without a curve', () => {
  assert.equal(queryGap({ epoch: 1, curve: [] }), 1);
  assert.equal(queryGap({ epoch: 6, curve: [] }), 6);
  assert.equal(queryGap({ epoch: 4, curve: [0.1, 0.2, 0.3] }), 1);
  assert.equal(queryGap({ epoch: 9, curve: [0.1, 0.2, 0.3] }), 6);
  assert.equal(queryGap({ epoch: 2, curve: [0.1, 0.2, 0.3] }), 1, 'a curve longer than the epoch counts up to the epoch');
});

test('next-step queries use the per-kind factors; ahead ones their bucket, or the per-kind factor without buckets', () => {
  const plain: Calibration = { new: 2, continuing: 1.5 };
  const ahead: Calibration = { ...plain, ahead: { new: [3, 4, 5, 6, 7], continuing: [1.6, 1.7, 1.8, 1.9, 2] } };
  assert.equal(calibrationFactor(plain, false, 1), 2);
  assert.equal(calibrationFactor(plain, true, 9), 1.5);
  assert.equal(calibrationFactor(ahead, true, 1), 1.5);
  assert.equal(calibrationFactor(ahead, false, 1), 2);
  assert.equal(calibrationFactor(ahead, true, 3), 1.6);
  assert.equal(calibrationFactor(ahead, false, 12), 5);
  assert.equal(calibrationFactor(ahead, true, 40), 2);
});
