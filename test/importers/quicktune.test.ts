import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { InputError, UsageError } from '../../src/errors.ts';
import { importQuickTune } from '../../src/importers/quicktune/index.ts';
import { sanitizePythonJson } from '../../src/importers/quicktune/python-json.ts';
import { loadMetaDataset } from '../../src/metadata/load.ts';
import type { MetaDataset } from '../../src/metadata/types.ts';
import { fixturePath } from '../helpers/paths.ts';

const work = await mkdtemp(join(tmpdir(), 'qt-import-'));
after(() => rm(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (): string => join(work, `out-${counter++}`);

/** The same release with the other nesting: without qt_metadataset/ (release) or with it (table). */
async function renested(fixture: 'release' | 'table'): Promise<string> {
  const dir = join(work, `src-${counter++}`);
  if (fixture === 'release') await cp(fixturePath('importers', 'release', 'qt_metadataset'), dir, { recursive: true });
  else await cp(fixturePath('importers', 'table'), join(dir, 'qt_metadataset'), { recursive: true });
  return dir;
}

function curve(meta: MetaDataset, id: string): { scores: number[]; costs: number[] } {
  const run = meta.config(id);
  assert.ok(run !== undefined, `run ${id}`);
  return { scores: [...run.scores], costs: [...run.costs] };
}

async function checkRelease(out: string): Promise<void> {
  const meta = await loadMetaDataset(out);
  assert.equal(meta.name, 'quicktune-micro');
  assert.equal(meta.maxEpochs, 3);
  assert.deepEqual([...meta.tasks.keys()], ['BCT', 'PNU']);
  assert.deepEqual(meta.totals, { configs: 4, curvePoints: 8 });
  assert.deepEqual(meta.tasks.get('PNU')?.metaFeatures, { num_samples: 800, num_classes: 2, image_size: 128, num_channels: 3 });
  // percentages become fractions, cost = train_time + eval_time, the curve ends before a NaN epoch
  assert.deepEqual(curve(meta, '101'), { scores: [0.1, 0.255, 0.5], costs: [11, 12, 13.5] });
  assert.deepEqual(curve(meta, '103'), { scores: [0.05, 0.125], costs: [5.5, 5.5] });
  assert.deepEqual(curve(meta, '202'), { scores: [0.8], costs: [55] });
  assert.equal(meta.config('102'), undefined, 'a run whose first epoch is NaN is left out');
  assert.equal(meta.config('999'), undefined, 'args without a curve are left out');
  assert.deepEqual(meta.hyperparameters.map((c) => c.name), ['lr', 'opt', 'opt_betas', 'clip_grad', 'amp', 'auto_augment', 'batch_size']);
  assert.deepEqual(meta.config('101')?.values, { lr: 0.001, opt: 'adamw', opt_betas: '[0.0, 0.99]', clip_grad: null, amp: 1, auto_augment: 'None', batch_size: 32 });
  assert.deepEqual(meta.config('103')?.values, { lr: 0.0001, opt: 'sgd', opt_betas: 'None', clip_grad: 1, amp: 0, auto_augment: 'v0', batch_size: 64 });
  const marker: unknown = JSON.parse(await readFile(join(out, 'import.json'), 'utf8'));
  assert.deepEqual(marker, { format: 'quicktune-import', from: 'quicktune', source: marker && typeof marker === 'object' && 'source' in marker ? marker.source : null, variant: 'release', version: 'micro', dropped_columns: ['experiment', 'sched', 'epochs', 'data_dir'], dropped_runs: 2 });
}

async function checkTable(out: string): Promise<void> {
  const meta = await loadMetaDataset(out);
  assert.equal(meta.name, 'quicktune-extended');
  assert.equal(meta.maxEpochs, 4);
  assert.deepEqual([...meta.tasks.keys()], ['BRD', 'CRS']);
  assert.deepEqual(meta.totals, { configs: 3, curvePoints: 8 });
  assert.deepEqual(curve(meta, '11'), { scores: [0.2, 0.4, 0.455], costs: [300.5, 290.25, 295] });
  assert.deepEqual(curve(meta, '21'), { scores: [0.015625], costs: [2.7056] });
  assert.equal(meta.config('12'), undefined);
  assert.equal(meta.config('33'), undefined);
  assert.deepEqual(meta.hyperparameters.map((c) => c.name), ['opt', 'opt_betas', 'amp', 'batch_size', 'clip_grad', 'lr']);
  assert.deepEqual(meta.config('21')?.values, { opt: 'sgd', opt_betas: 'None', amp: 0, batch_size: 2, clip_grad: 1, lr: 1e-5 });
  assert.equal(meta.config('22')?.model, 'dla46x_c');
  const configs = await readFile(join(out, 'configs.csv'), 'utf8');
  assert.equal(configs.split('\n')[1], '11,BRD,dla46x_c,adam,"[0.0, 0.99]",1,8,-1.0,0.0005');
}

test('the eval_top1.json layout under qt_metadataset/ imports into a canonical folder that loads', async () => {
  const out = fresh();
  const summary = await importQuickTune(fixturePath('importers', 'release'), out);
  assert.deepEqual({ ...summary, out: '' }, { out: '', variant: 'release', datasets: 2, configs: 4, curvePoints: 8, droppedRuns: 2 });
  await checkRelease(out);
});

test('the eval_top1.json layout without qt_metadataset/ imports the same', async () => {
  const out = fresh();
  await importQuickTune(await renested('release'), out);
  await checkRelease(out);
});

test('the table.csv layout imports with one-hot columns decoded back to values', async () => {
  const out = fresh();
  const summary = await importQuickTune(fixturePath('importers', 'table'), out);
  assert.equal(summary.variant, 'table');
  await checkTable(out);
});

test('the table.csv layout under qt_metadataset/ and given as the version folder imports the same', async () => {
  const out = fresh();
  await importQuickTune(await renested('table'), out);
  await checkTable(out);
  const direct = fresh();
  await importQuickTune(fixturePath('importers', 'table', 'extended'), direct);
  assert.equal((await loadMetaDataset(direct)).contentHash, (await loadMetaDataset(out)).contentHash);
});

test('a folder that is no release names the files it looked for', async () => {
  const src = join(work, 'empty-src');
  await mkdir(src);
  await assert.rejects(importQuickTune(src, fresh()), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.problems.join('\n'), /not a Quick-Tune release folder/);
    assert.match(error.problems.join('\n'), /eval_top1\.json, train_time\.json, eval_time\.json, args\.json/);
    assert.match(error.problems.join('\n'), /curves\/perf\.json, curves\/cost\.json, table\.csv, meta\/descriptors\.json/);
    return true;
  });
  await assert.rejects(importQuickTune(join(work, 'no-such'), fresh()), /no-such: folder not found/);
});

test('a partial release names the missing files; several versions side by side are ambiguous', async () => {
  const partial = await renested('release');
  await rm(join(partial, 'micro', 'args.json'));
  await assert.rejects(importQuickTune(partial, fresh()), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.deepEqual(error.problems.map((p) => p.split(': ')[0]), [join(partial, 'micro', 'args.json')]);
    return true;
  });
  const two = await renested('release');
  await cp(join(two, 'micro'), join(two, 'mini'), { recursive: true });
  await assert.rejects(importQuickTune(two, fresh()), /holds several Quick-Tune versions \(micro, mini\)/);
});

test('inconsistent sources are reported together, and nothing is written', async () => {
  const src = await renested('release');
  const meta = join(src, 'dataset-meta-features', 'meta-album', 'meta-features.json');
  await writeFile(meta, '{"dataset_names": ["micro/set0/BCT"], "dataset_descriptors": [[400, 20, 128, 3]]}');
  const top1 = join(src, 'micro', 'eval_top1.json');
  await writeFile(top1, (await readFile(top1, 'utf8')).replace('[10.0, 25.5, 50.0]', '[10.0, 125.5, 50.0]'));
  const out = fresh();
  await assert.rejects(importQuickTune(src, out), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.problems.length, 2, error.problems.join('\n'));
    assert.match(error.problems[0] ?? '', /eval_top1\.json: mtlbm\/micro\/set0\/BCT\.101\[1\]: top-1 125\.5 is not a percentage/);
    assert.match(error.problems[1] ?? '', /meta-features\.json: no meta-features for dataset 'mtlbm\/micro\/set1\/PNU'/);
    return true;
  });
  await assert.rejects(readFile(join(out, 'configs.csv')), /ENOENT/);
});

test('--out must be new, empty, or a previous import', async () => {
  const out = fresh();
  await importQuickTune(fixturePath('importers', 'table'), out);
  await importQuickTune(fixturePath('importers', 'release'), out);
  await checkRelease(out);
  const occupied = fresh();
  await mkdir(occupied);
  await writeFile(join(occupied, 'notes.txt'), 'mine');
  await assert.rejects(importQuickTune(fixturePath('importers', 'table'), occupied), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /--out .*: the folder is not empty and holds no previous import/);
    return true;
  });
});

test("Python's NaN and Infinity become null, but not inside strings", () => {
  assert.equal(sanitizePythonJson('{"NaN": [NaN, -Infinity, 1.5, Infinity], "s": "a NaN b"}'), '{"NaN": [null, null, 1.5, null], "s": "a NaN b"}');
});
