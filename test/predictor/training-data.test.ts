import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetaConfig } from '../../src/metadata/types.ts';
import { samplePoints, type TaskData } from '../../src/predictor/meta-train/training-data.ts';
import { Random } from '../../src/util/random.ts';

/** A task of `runs` runs with `epochs` epochs each; samplePoints only reads the runs. */
function task(runs: number, epochs: number): TaskData {
  const configs: MetaConfig[] = Array.from({ length: runs }, (_, r) => ({
    id: `r${r}`,
    dataset: 'd',
    model: 'm',
    values: {},
    scores: Float64Array.from({ length: epochs }, (_, e) => (r + 1) / (runs + 1) + e / 1000),
    costs: Float64Array.from({ length: epochs }, () => 1 + r),
  }));
  return { name: 'd', rows: undefined as never, runs: configs };
}

test('without horizons every point sees its whole curve prefix; with them, a share sees a shorter one', () => {
  const data = task(6, 20);
  const plain = samplePoints(data, 400, new Random(1));
  assert.ok(plain.points.every((p) => p.curve.length === p.epoch - 1));

  const ahead = samplePoints(data, 400, new Random(1), 0.5);
  const truncated = ahead.points.filter((p) => p.curve.length < p.epoch - 1);
  const eligible = ahead.points.filter((p) => p.epoch > 1);
  const share = truncated.length / eligible.length;
  assert.ok(share > 0.4 && share < 0.6, `about half of the points past epoch 1 are truncated (${share})`);
  ahead.points.forEach((p, i) => {
    const run = data.runs[p.pipeline]!;
    assert.ok(p.curve.length <= p.epoch - 1);
    assert.deepEqual(Array.from(p.curve), Array.from(run.scores.subarray(0, p.curve.length)), 'the prefix is the start of the curve');
    assert.equal(ahead.scores[i], run.scores[p.epoch - 1], 'the target is the score at the point\'s epoch');
  });
  assert.ok(truncated.some((p) => p.curve.length === 0), 'some points see no curve at all (a pipeline never trained)');
});

test('horizon sampling is seeded and leaves share 0 identical to the paper\'s sampling', () => {
  const data = task(5, 12);
  const describe = (share: number | undefined, seed: number) =>
    JSON.stringify(samplePoints(data, 64, new Random(seed), share).points.map((p) => [p.pipeline, p.epoch, p.curve.length]));
  assert.equal(describe(undefined, 3), describe(0, 3));
  assert.equal(describe(0.5, 3), describe(0.5, 3));
  assert.notEqual(describe(0.5, 3), describe(0.5, 4));
});
