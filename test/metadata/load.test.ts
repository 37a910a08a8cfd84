import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMetaDataset } from '../../src/metadata/load.ts';
import { fixturePath } from '../helpers/paths.ts';

const VALID = fixturePath('metadata', 'valid');

test('a valid meta-dataset loads with its counts, manifest fields and tasks in datasets.csv order', async () => {
  const meta = await loadMetaDataset(VALID);
  assert.equal(meta.name, 'tiny');
  assert.equal(meta.description, 'A handmade meta-dataset for the loader and encoder tests');
  assert.equal(meta.metric, 'accuracy (fraction)');
  assert.equal(meta.maxEpochs, 4);
  assert.equal(meta.dir, VALID);
  assert.deepEqual([...meta.tasks.keys()], ['alpha', 'beta', 'gamma']);
  assert.deepEqual(meta.totals, { configs: 6, curvePoints: 18 });
  assert.deepEqual(meta.models, ['dla46x_c', 'edgenext_small', 'mobilevit_xxs']);
  assert.deepEqual(meta.tasks.get('alpha')?.configs.map((c) => c.id), ['a1', 'a2', 'a3']);
});

test('curves listed out of order are sorted by epoch, with their costs', async () => {
  const meta = await loadMetaDataset(VALID);
  assert.deepEqual([...(meta.config('a3')?.scores ?? [])], [0.4, 0.6, 0.7]);
  assert.deepEqual([...(meta.config('a3')?.costs ?? [])], [6, 5.5, 5]);
  assert.deepEqual([...(meta.config('b2')?.scores ?? [])], [0.01, 0.02]);
  assert.deepEqual([...(meta.config('a2')?.scores ?? [])], [0.1]);
  assert.ok(meta.config('a1')?.scores instanceof Float64Array);
  assert.equal(meta.config('nope'), undefined);
});

test('y_best and y_worst are the best and the lowest score anywhere in a task', async () => {
  const meta = await loadMetaDataset(VALID);
  const expected = { alpha: [0.7, 0.1], beta: [0.9, 0.01], gamma: [0.8, 0.5] };
  for (const [name, [best, worst]] of Object.entries(expected)) {
    assert.equal(meta.tasks.get(name)?.yBest, best, `${name} y_best`);
    assert.equal(meta.tasks.get(name)?.yWorst, worst, `${name} y_worst`);
  }
});

test('columns are typed numeric or categorical, with missing counts and statistics', async () => {
  const meta = await loadMetaDataset(VALID);
  const hp = new Map(meta.hyperparameters.map((c) => [c.name, c]));
  assert.deepEqual([...hp.keys()], ['opt', 'lr', 'weight_decay', 'clip_grad', 'batch_size', 'sched']);
  assert.deepEqual(hp.get('opt'), { name: 'opt', kind: 'categorical', missing: 0, distinct: ['adam', 'adamw', 'momentum', 'sgd'] });
  assert.deepEqual(hp.get('sched'), { name: 'sched', kind: 'categorical', missing: 1, distinct: ['cosine', 'step'] });
  const lr = hp.get('lr');
  assert.equal(lr?.kind, 'numeric');
  assert.equal(lr?.min, 1e-5);
  assert.equal(lr?.max, 0.1);
  assert.deepEqual(lr?.distinct, ['0.00001', '0.0001', '0.001', '0.01', '0.1']);
  const wd = hp.get('weight_decay');
  assert.equal(wd?.missing, 1);
  assert.ok(Math.abs((wd?.mean ?? 0) - (0 + 0.0001 + 0.01 + 1e-5 + 0.1) / 5) < 1e-15);
  assert.deepEqual(hp.get('clip_grad')?.distinct, ['-1', '1', '10']);
  const batch = hp.get('batch_size');
  assert.equal(batch?.mean, (32 + 64 + 8 + 16 + 128 + 2) / 6);
  const mf = new Map(meta.metaFeatures.map((c) => [c.name, c]));
  assert.deepEqual([...mf.keys()], ['num_samples', 'num_classes', 'image_size', 'num_channels', 'domain']);
  assert.equal(mf.get('image_size')?.std, 0);
  assert.deepEqual(mf.get('domain'), { name: 'domain', kind: 'categorical', missing: 1, distinct: ['medical', 'nature'] });
});

test('cells become numbers, category labels or null', async () => {
  const meta = await loadMetaDataset(VALID);
  assert.deepEqual(meta.config('a1')?.values, { opt: 'adam', lr: 0.001, weight_decay: 0, clip_grad: -1, batch_size: 32, sched: 'cosine' });
  assert.equal(meta.config('a2')?.values.sched, null);
  assert.equal(meta.config('g1')?.values.weight_decay, null);
  assert.equal(meta.config('g1')?.values.opt, 'momentum');
  assert.deepEqual(meta.tasks.get('beta')?.metaFeatures, { num_samples: 5000, num_classes: 50, image_size: 128, num_channels: 3, domain: null });
});

test('the content hash depends on the bytes only: same in a copy, different after an edit', async () => {
  const first = await loadMetaDataset(VALID);
  assert.match(first.contentHash, /^[0-9a-f]{64}$/);
  assert.equal((await loadMetaDataset(VALID)).contentHash, first.contentHash);
  const dir = await mkdtemp(join(tmpdir(), 'qt-hash-'));
  try {
    await cp(VALID, dir, { recursive: true });
    assert.equal((await loadMetaDataset(`${dir}/`)).contentHash, first.contentHash);
    const curves = await readFile(join(dir, 'curves.csv'), 'utf8');
    await writeFile(join(dir, 'curves.csv'), curves.replace('a1,2,0.35,10.5', 'a1,2,0.35,10.6'));
    assert.notEqual((await loadMetaDataset(dir)).contentHash, first.contentHash);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a byte-order mark, CRLF line ends and quoted cells load like the plain files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-crlf-'));
  try {
    await cp(VALID, dir, { recursive: true });
    for (const file of ['datasets.csv', 'configs.csv', 'curves.csv']) {
      const text = await readFile(join(dir, file), 'utf8');
      await writeFile(join(dir, file), `\uFEFF${text.replace(/\n/g, '\r\n').replace('a1,1,0.2,10', '"a1",1,"0.2",10')}`);
    }
    const meta = await loadMetaDataset(dir);
    const plain = await loadMetaDataset(VALID);
    assert.deepEqual(meta.totals, plain.totals);
    assert.deepEqual([...meta.tasks.keys()], [...plain.tasks.keys()]);
    assert.deepEqual(meta.config('a1')?.values, plain.config('a1')?.values);
    assert.deepEqual([...(meta.config('a1')?.scores ?? [])], [...(plain.config('a1')?.scores ?? [])]);
    assert.deepEqual(meta.hyperparameters, plain.hyperparameters);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
