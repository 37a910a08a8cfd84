import assert from 'node:assert/strict';
import { readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RealRun } from '../../src/benchmark/real/real-runner.ts';
import { costRatioOf, formatRealTable, renderAccuracyPlot, summarizeReal } from '../../src/benchmark/real/real-summary.ts';
import { benchmarkSplit } from '../../src/benchmark/real/split-folder.ts';
import { tempDir, writeClassFolders } from '../helpers/image-folder.ts';

test('a class folder is split once, seeded and stratified, into search train/val and a test folder no search sees', async () => {
  const data = await writeClassFolders(join(await tempDir('qt-real-'), 'imgs'), ['cat', 'dog'], 10);
  const work = await tempDir('qt-real-');
  const split = await benchmarkSplit(data, work);
  assert.equal(split.origin, 'seeded');
  assert.deepEqual(split.images, { train: 12, val: 4, test: 4 });
  const files = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.png')).sort();
  const [train, val, test] = [await files(join(split.search, 'train')), await files(join(split.search, 'val')), await files(split.test)];
  assert.equal(new Set([...train, ...val, ...test]).size, 20, 'every image in exactly one part');
  assert.deepEqual(test.filter((f) => f.startsWith('cat')).length, 2, 'stratified: 20% of each class');
  const link = join(split.test, test[0] ?? '');
  assert.ok((await readlink(link)).startsWith(data), 'parts are links to the original images');
  const again = await benchmarkSplit(data, work);
  assert.deepEqual(await files(again.test), test, 'the same split on a rerun');
});

test('a folder with its own train/, val/ and test/ is used as given', async () => {
  const root = await tempDir('qt-real-');
  for (const part of ['train', 'val', 'test']) await writeClassFolders(join(root, part), ['a', 'b'], part === 'train' ? 4 : 2);
  const split = await benchmarkSplit(root, await tempDir('qt-real-'));
  assert.equal(split.origin, 'given');
  assert.equal(split.test, join(root, 'test'));
  assert.deepEqual(split.images, { train: 8, val: 4, test: 4 });
});

const run = (method: string, budget: number, seed: number, accuracy: number | null, ratios: number[] = []): RealRun => ({
  version: 1,
  method,
  budget_seconds: budget,
  seed,
  test_accuracy: accuracy,
  test_images: 50,
  val_score: accuracy,
  incumbent: accuracy === null ? null : { config_id: 'x', model: 'm', epoch: 1 },
  steps: 10,
  failed_steps: 0,
  pipelines: 3,
  seconds: budget,
  stop_reason: 'budget',
  cost_ratios: ratios,
  settings: {},
});

test('the summary averages test accuracy over seeds per budget and reports the cost predictions', () => {
  const runs = [run('quicktune', 300, 0, 0.8, [5, 1.5, 0.9, 1.2, 0.4]), run('quicktune', 300, 1, 0.6, [1, 1]), run('default', 300, 0, 0.7), run('default', 300, 1, null)];
  const summary = summarizeReal(runs, ['quicktune', 'default'], [300], '/data/stamps', 2);
  assert.deepEqual(Object.keys(summary), ['budgets', 'methods', 'dataset', 'seeds']);
  assert.ok(Math.abs((summary.methods.quicktune?.test_accuracy[0] ?? 0) - 0.7) < 1e-12);
  assert.ok(Math.abs((summary.methods.quicktune?.stderr[0] ?? 0) - 0.1) < 1e-12);
  assert.equal(summary.methods.default?.unscored[0], 1);
  assert.equal(summary.methods.default?.cost_ratio, undefined, 'no cost model, no cost ratio');
  const cost = costRatioOf(runs.slice(0, 2));
  assert.equal(cost?.median, 1);
  assert.equal(cost?.worst, 5);
  assert.equal(cost?.within_2x_after_3, 0.5, 'after the first 3 steps of each search: 1.2 within 2x, 0.4 not');
  assert.match(formatRealTable(summary), /quicktune\s+0\.700 ± 0\.100/);
  assert.match(renderAccuracyPlot(summary), /^<svg/);
});
