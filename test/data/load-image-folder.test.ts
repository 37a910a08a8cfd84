import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadImageFolder } from '../../src/data/load-image-folder.ts';
import { InputError } from '../../src/errors.ts';
import { tempDir, writeClassFolders, writeCorruptImage, writeSyntheticImage } from '../helpers/image-folder.ts';

test('a class-folder dataset is split per class, skips a corrupt file and reports meta-features', async () => {
  const root = await writeClassFolders(await tempDir(), ['cat', 'dog', 'eel'], 5);
  await writeCorruptImage(join(root, 'dog', 'broken.jpg'));
  await writeSyntheticImage(join(root, 'eel', 'grey.png'), 2, 7, { kind: 'grey', width: 64, height: 48 });
  await writeFile(join(root, 'README.txt'), 'not a class');
  const ds = await loadImageFolder(root);
  assert.equal(ds.layout, 'class-folders');
  assert.deepEqual(ds.classes, ['cat', 'dog', 'eel']);
  assert.equal(ds.skipped.length, 1);
  assert.match(ds.skipped[0]?.path ?? '', /broken\.jpg$/);
  // 5, 5 and 6 readable images: round(0.2 n) = 1 per class held out.
  assert.equal(ds.val.length, 3);
  assert.equal(ds.train.length, 13);
  for (let label = 0; label < 3; label++) assert.equal(ds.val.filter((s) => s.label === label).length, 1);
  assert.equal(ds.valFraction, 0.2);
  assert.deepEqual(ds.metaFeatures, { num_samples: 13, num_classes: 3, image_size: 40, num_channels: 3 });
  const grey = [...ds.train, ...ds.val].find((s) => s.path.endsWith('grey.png'));
  assert.equal(grey?.channels, 1);
});

test('the split is a fixed function of the files and the seed', async () => {
  const root = await writeClassFolders(await tempDir(), ['a', 'b'], 10);
  const first = await loadImageFolder(root);
  const second = await loadImageFolder(root);
  assert.deepEqual(second.val.map((s) => s.path), first.val.map((s) => s.path));
  assert.equal(second.fingerprint, first.fingerprint);
  const other = await loadImageFolder(root, { splitSeed: 12345 });
  assert.notDeepEqual(other.val.map((s) => s.path), first.val.map((s) => s.path));
  assert.notEqual(other.fingerprint, first.fingerprint);
  const wider = await loadImageFolder(root, { valFraction: 0.5 });
  assert.equal(wider.val.length, 10);
});

test('a train/ + val/ folder keeps its own validation set', async () => {
  const root = await tempDir();
  await writeClassFolders(join(root, 'train'), ['x', 'y'], 4);
  await writeClassFolders(join(root, 'val'), ['x', 'y'], 2, 9);
  const ds = await loadImageFolder(root);
  assert.equal(ds.layout, 'train-val');
  assert.equal(ds.train.length, 8);
  assert.equal(ds.val.length, 4);
  assert.equal(ds.valFraction, null);
  assert.deepEqual(ds.metaFeatures, { num_samples: 8, num_classes: 2, image_size: 40, num_channels: 3 });
});

test('an all-greyscale folder has one channel', async () => {
  const root = await tempDir();
  for (const [i, name] of ['a', 'b'].entries()) {
    await mkdir(join(root, name));
    for (let k = 0; k < 3; k++) await writeSyntheticImage(join(root, name, `${k}.png`), i, k, { kind: 'grey', width: 30, height: 90 });
  }
  const ds = await loadImageFolder(root);
  assert.equal(ds.metaFeatures.num_channels, 1);
  assert.equal(ds.metaFeatures.image_size, 90);
});

async function rejectsWith(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

test('a missing folder, an empty folder, a single class and unreadable images are input errors naming the folder', async () => {
  const root = await tempDir();
  await rejectsWith(loadImageFolder(join(root, 'nope')), /nope: dataset folder not found/);
  const empty = join(root, 'empty');
  await mkdir(join(empty, 'class-without-images'), { recursive: true });
  await rejectsWith(loadImageFolder(empty), /empty: no class folder with images/);
  const single = await writeClassFolders(join(root, 'single'), ['only'], 3);
  await rejectsWith(loadImageFolder(single), /single: only one class \('only'\)/);
  const broken = join(root, 'broken');
  for (const name of ['a', 'b']) {
    await mkdir(join(broken, name), { recursive: true });
    await writeCorruptImage(join(broken, name, '1.jpg'));
  }
  await rejectsWith(loadImageFolder(broken), /broken: none of the 2 image files could be read/);
  const halfBroken = await writeClassFolders(join(root, 'half'), ['good'], 3);
  await mkdir(join(halfBroken, 'bad'));
  await writeCorruptImage(join(halfBroken, 'bad', 'x.png'));
  await rejectsWith(loadImageFolder(halfBroken), /half: only one class \('good'\) has readable images/);
});

test('a validation class absent from train/ is an input error naming its folder', async () => {
  const root = await tempDir();
  await writeClassFolders(join(root, 'train'), ['x', 'y'], 2);
  await writeClassFolders(join(root, 'val'), ['x', 'z'], 1);
  await rejectsWith(loadImageFolder(root), /val\/z: class 'z' has no folder in .*train/);
});

test('class folders and images reached through symbolic links are read', async () => {
  const store = await writeClassFolders(await tempDir(), ['cat', 'dog'], 3);
  const root = await tempDir();
  await symlink(join(store, 'cat'), join(root, 'cat'));
  await mkdir(join(root, 'dog'));
  for (let i = 0; i < 3; i++) await symlink(join(store, 'dog', `${i}.png`), join(root, 'dog', `${i}.png`));
  const ds = await loadImageFolder(root);
  assert.deepEqual(ds.classes, ['cat', 'dog']);
  assert.equal(ds.train.length + ds.val.length, 6);
});
