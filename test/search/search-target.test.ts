import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveTarget, type TargetSettings } from '../../src/search/search-target.ts';
import { fixturePath, projectRoot } from '../helpers/paths.ts';

const base: TargetSettings = {
  dataset: join(projectRoot(), 'examples', 'shapes'),
  trainer: 'tfjs',
  trainerCmd: undefined,
  space: undefined,
  seed: 0,
  runDir: join(projectRoot(), '.quicktune', 'unused'),
  stepTimeoutSeconds: undefined,
  replay: undefined,
};

// NOTE: whether a search corrects the score model online (src/optimizer/score-correction.ts) follows from this.
test('an image folder with a real trainer has curves unlike the meta-training data; a replayed task has them alike', async () => {
  const folder = await resolveTarget(base);
  assert.equal(folder.curvesLikeMetaTraining, false);
  assert.ok(folder.defaultPipeline, 'the tfjs trainer has a default pipeline in its pool');
  const replay = await resolveTarget({ ...base, replay: { metadataset: fixturePath('metadata', 'valid'), task: 'alpha', timeScale: 1 } });
  assert.equal(replay.curvesLikeMetaTraining, true);
  assert.equal(replay.defaultPipeline, undefined);
});
