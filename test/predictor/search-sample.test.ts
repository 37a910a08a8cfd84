import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchLikeSample } from '../../src/predictor/meta-train/search-sample.ts';
import { Random } from '../../src/util/random.ts';
import { miniMetaDataset } from '../helpers/predictor-fixture.ts';

test('a search-like sample observes whole curve prefixes and queries next epochs and new runs', async () => {
  const meta = await miniMetaDataset();
  const runs = meta.tasks.get('t_mid')!.configs;
  const { context, query } = searchLikeSample(runs, 40, 10, new Random(3));
  assert.equal(context.points.length, 40);
  const prefix = new Map<number, number>();
  for (const [i, p] of context.points.entries()) {
    assert.equal(p.epoch, (prefix.get(p.pipeline) ?? 0) + 1, 'epochs of a run are observed in order from 1');
    prefix.set(p.pipeline, p.epoch);
    assert.deepEqual(Array.from(p.curve), Array.from(runs[p.pipeline]!.scores.subarray(0, p.epoch - 1)));
    assert.equal(context.scores[i], runs[p.pipeline]!.scores[p.epoch - 1]);
  }
  const continuing = query.points.filter((q) => q.epoch > 1);
  const fresh = query.points.filter((q) => q.epoch === 1);
  assert.ok(continuing.length > 0 && continuing.length <= 10 && fresh.length > 0 && fresh.length <= 10);
  for (const q of continuing) assert.equal(q.epoch, prefix.get(q.pipeline)! + 1);
  for (const q of fresh) assert.equal(prefix.has(q.pipeline), false);
  assert.deepEqual(searchLikeSample(runs, 40, 10, new Random(3)), { context, query }, 'deterministic under the seed');
});
