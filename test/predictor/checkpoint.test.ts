import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { saveCheckpoint } from '../../src/predictor/checkpoint.ts';
import { loadPredictor, predictorFromCheckpoint } from '../../src/predictor/deep-kernel-predictor.ts';
import { metaTrain } from '../../src/predictor/meta-train/meta-train.ts';
import { runConfig } from '../../src/predictor/meta-train/training-data.ts';
import type { Predictor } from '../../src/predictor/types.ts';
import type { Config } from '../../src/space/types.ts';
import { miniMetaDataset } from '../helpers/predictor-fixture.ts';

async function trained() {
  const metaDataset = await miniMetaDataset();
  const { checkpoint } = await metaTrain({ metaDataset, iterations: 60, seed: 2, validateEvery: 20, priorMean: 'last-observed' });
  return { metaDataset, checkpoint };
}

/** Fits on the first six epochs of three runs and predicts the next epoch of every run of the task. */
async function predictions(predictor: Predictor, task: Awaited<ReturnType<typeof miniMetaDataset>>['tasks'] extends ReadonlyMap<string, infer T> ? T : never) {
  const runs = task.configs;
  const tp = predictor.forTask(runs.map(runConfig), task.metaFeatures, { seed: 5, metaInit: true });
  const observed = [0, 1, 2].flatMap((p) =>
    Array.from({ length: Math.min(6, runs[p]!.scores.length) }, (_, e) => ({
      pipeline: p,
      epoch: e + 1,
      curve: runs[p]!.scores.subarray(0, e),
      score: runs[p]!.scores[e]!,
      seconds: runs[p]!.costs[e]!,
    })),
  );
  const report = await tp.fit(observed, { steps: 5, learningRate: 1e-3, restart: true });
  const queries = runs.map((run, p) => ({ pipeline: p, epoch: Math.min(2, run.scores.length), curve: run.scores.subarray(0, 1) }));
  const { mean, std } = await tp.predict(queries);
  const cost = await tp.predictCost(queries);
  tp.dispose();
  return { report: { ...report, seconds: 0 }, mean: Array.from(mean), std: Array.from(std), cost: Array.from(cost) };
}

test('a saved and reloaded checkpoint gives identical predictions', async () => {
  const { metaDataset, checkpoint } = await trained();
  const dir = await mkdtemp(join(tmpdir(), 'qt-ckpt-'));
  try {
    await saveCheckpoint(join(dir, 'p'), checkpoint);
    const task = metaDataset.tasks.get('t_mid')!;
    const before = await predictions(await predictorFromCheckpoint(checkpoint, 'memory'), task);
    const after = await predictions(await loadPredictor(join(dir, 'p')), task);
    assert.equal(before.report.failed, false);
    assert.deepEqual(after, before);
    assert.ok(before.mean.every(Number.isFinite) && before.std.every((s) => s > 0) && before.cost.every((c) => c > 0));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a corrupt or incomplete checkpoint is refused with the file named', async () => {
  const { checkpoint } = await trained();
  const dir = await mkdtemp(join(tmpdir(), 'qt-ckpt-'));
  try {
    const path = join(dir, 'p');
    await saveCheckpoint(path, checkpoint);
    const weights = await readFile(join(path, 'weights.f64'));
    weights[100] = weights[100]! ^ 0xff;
    await writeFile(join(path, 'weights.f64'), weights);
    await assert.rejects(loadPredictor(path), (e: unknown) => e instanceof InputError && /weights\.f64.*sha256/.test(e.message));
    await writeFile(join(path, 'manifest.json'), '{"format": "quicktune-predictor", "version": 2}');
    await assert.rejects(loadPredictor(path), (e: unknown) => e instanceof InputError && /manifest\.json: version/.test(e.message));
    await assert.rejects(loadPredictor(join(dir, 'missing')), (e: unknown) => e instanceof InputError && /manifest\.json: missing/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a search space the checkpoint cannot encode is refused with every problem listed', async () => {
  const { metaDataset, checkpoint } = await trained();
  const predictor = await predictorFromCheckpoint(checkpoint, 'the test predictor');
  const task = metaDataset.tasks.get('t_easy')!;
  const pool: Config[] = [
    { model: 'dla46x_c', opt: 'lamb', lr: 0.001, batch_size: 32 },
    { model: 'dla46x_c', opt: 'adam', lr: 0.001, batch_size: 32, warmup_epochs: 5 },
  ];
  assert.throws(
    () => predictor.forTask(pool, task.metaFeatures, { seed: 0, metaInit: true }),
    (e: unknown) =>
      e instanceof InputError &&
      e.problems.length === 3 &&
      /cannot encode this search space/.test(e.problems[0]!) &&
      e.problems.some((p) => /opt: value 'lamb' never occurs/.test(p)) &&
      e.problems.some((p) => /'warmup_epochs' is not in the predictor's encoding/.test(p)),
  );
});
