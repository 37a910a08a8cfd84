import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeBmp } from '../../src/data/bmp.ts';
import { decodeImageRgb, probeImage } from '../../src/data/image-io.ts';
import { decodeSamples } from '../../src/data/pixel-cache.ts';
import type { ImageSample } from '../../src/data/types.ts';
import { tempDir, writeCorruptImage, writeSyntheticImage } from '../helpers/image-folder.ts';

/** A 2×2 24-bit bottom-up BMP: rows are padded to 4 bytes, pixels stored BGR. */
function tinyBmp(): Uint8Array {
  const rowBytes = 8;
  const bytes = new Uint8Array(54 + rowBytes * 2);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x42;
  bytes[1] = 0x4d;
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, 2, true);
  view.setInt32(22, 2, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  // bottom row (y = 1): blue, white; top row (y = 0): red, green.
  bytes.set([255, 0, 0, 255, 255, 255], 54);
  bytes.set([0, 0, 255, 0, 255, 0], 54 + rowBytes);
  return bytes;
}

test('BMP files are decoded by quicktune (bottom-up rows, BGR order)', () => {
  const image = decodeBmp(tinyBmp());
  assert.equal(image.width, 2);
  assert.equal(image.height, 2);
  assert.deepEqual([...image.data], [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
  assert.throws(() => decodeBmp(new Uint8Array(60)), /not a BMP/);
});

test('images decode to size×size RGB whatever their channels', async () => {
  const dir = await tempDir();
  const grey = join(dir, 'grey.png');
  const rgba = join(dir, 'rgba.png');
  const bmp = join(dir, 'tiny.bmp');
  await writeSyntheticImage(grey, 0, 1, { kind: 'grey', width: 50, height: 20 });
  await writeSyntheticImage(rgba, 1, 2, { kind: 'rgba' });
  await writeFile(bmp, tinyBmp());
  assert.equal((await probeImage(grey)).channels, 1);
  assert.equal((await probeImage(rgba)).channels, 4);
  assert.deepEqual(await probeImage(bmp).then((p) => [p.width, p.height, p.channels]), [2, 2, 3]);
  const g = await decodeImageRgb(grey, 16);
  assert.equal(g.length, 16 * 16 * 3);
  for (let i = 0; i < g.length; i += 3) assert.ok(g[i] === g[i + 1] && g[i] === g[i + 2], 'grey expands to equal channels');
  assert.equal((await decodeImageRgb(rgba, 8)).length, 8 * 8 * 3);
  const b = await decodeImageRgb(bmp, 2);
  assert.deepEqual([...b.subarray(0, 3)], [255, 0, 0]);
});

test('decoded images are cached on disk per sample list and size; failures are flagged', async () => {
  const dir = await tempDir();
  const cacheDir = join(dir, 'cache');
  const samples: ImageSample[] = [];
  for (let i = 0; i < 3; i++) {
    const path = join(dir, `${i}.png`);
    await writeSyntheticImage(path, i, i);
    samples.push({ path, label: i, width: 40, height: 32, channels: 3 });
  }
  const bad = join(dir, 'bad.jpg');
  await writeCorruptImage(bad);
  samples.push({ path: bad, label: 0, width: 1, height: 1, channels: 3 });
  const first = await decodeSamples(samples, 12, { cacheDir, key: 'k' });
  assert.deepEqual([...first.ok], [1, 1, 1, 0]);
  assert.equal(first.pixels.length, 4 * 12 * 12 * 3);
  assert.deepEqual(await readdir(cacheDir), ['pixels-k-12.bin']);
  // Overwrite a source image: a cache hit must return the old pixels, proving it did not decode again.
  await writeSyntheticImage(samples[0]!.path, 3, 99);
  const second = await decodeSamples(samples, 12, { cacheDir, key: 'k' });
  assert.deepEqual(second.pixels, first.pixels);
  assert.deepEqual(second.ok, first.ok);
  const fresh = await decodeSamples(samples, 12, { key: 'k' });
  assert.notDeepEqual(fresh.pixels.subarray(0, 432), first.pixels.subarray(0, 432));
});
