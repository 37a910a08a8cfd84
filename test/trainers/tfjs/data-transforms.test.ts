import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOp, augment, AUGMENT_OPS, randomResizedCropFlip, type Image } from '../../../src/trainers/tfjs/data/augment.ts';
import { mixBatch, sampleBeta, softTargets } from '../../../src/trainers/tfjs/data/mixing.ts';
import { Random } from '../../../src/util/random.ts';

function gradientImage(size: number): Image {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.set([x * 16, y * 16, 128], (y * size + x) * 3);
  return { size, data };
}

test('every augmentation op keeps the image size, and identity at level 0 changes nothing', () => {
  const img = gradientImage(16);
  for (const op of AUGMENT_OPS) {
    const out = applyOp(op, img, 0.7, new Random(1));
    assert.equal(out.size, 16, op);
    assert.equal(out.data.length, img.data.length, op);
  }
  assert.deepEqual(applyOp('identity', img, 1, new Random(1)).data, img.data);
  assert.deepEqual(applyOp('rotate', img, 0, new Random(1)).data, img.data);
  assert.notDeepEqual(applyOp('rotate', img, 1, new Random(1)).data, img.data);
});

test('augmentation is a function of the seed', () => {
  const img = gradientImage(16);
  const a = augment(img, 'random_augment', new Random(5), 2, 9).data;
  const b = augment(img, 'random_augment', new Random(5), 2, 9).data;
  const c = augment(img, 'trivial_augment', new Random(6), 2, 9).data;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  assert.equal(augment(img, 'none', new Random(5), 2, 9), img);
});

test('the random resized crop keeps a flipped view of the image when it covers it all', () => {
  const img = gradientImage(8);
  let flipped = 0;
  for (let seed = 0; seed < 40; seed++) {
    const out = randomResizedCropFlip(img, new Random(seed));
    // Red grows with x in the source: a flipped crop has red decreasing along the first row.
    if ((out.data[0] ?? 0) > (out.data[(7) * 3] ?? 0)) flipped++;
  }
  assert.ok(flipped > 5 && flipped < 35, `flipped ${flipped} of 40`);
});

test('soft targets are smoothed and mixed distributions', () => {
  const t = softTargets([0, 2], 3, 0.7, 0.1);
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(t.subarray(i * 3, i * 3 + 3).reduce((a, b) => a + b, 0) - 1) < 1e-6);
  const off = 0.1 / 3;
  assert.ok(Math.abs((t[0] ?? 0) - (off + 0.7 * 0.9)) < 1e-6);
  assert.ok(Math.abs((t[2] ?? 0) - (off + 0.3 * 0.9)) < 1e-6);
  assert.deepEqual(Array.from(softTargets([1], 2, 1, 0)), [0, 1]);
});

test('Beta samples have the right mean; mixup blends with the reversed batch; prob 0 leaves it alone', () => {
  const random = new Random(3);
  let sum = 0;
  for (let i = 0; i < 4000; i++) sum += sampleBeta(2, 6, random);
  assert.ok(Math.abs(sum / 4000 - 0.25) < 0.01, `mean ${sum / 4000}`);
  const batch = new Float32Array(2 * 2 * 2 * 3);
  batch.fill(1, 0, 12);
  const untouched = batch.slice();
  assert.equal(mixBatch(batch, 2, 2, { mixup: 1, cutmix: 0, prob: 0, smoothing: 0 }, random), 1);
  assert.deepEqual(batch, untouched);
  const lam = mixBatch(batch, 2, 2, { mixup: 1, cutmix: 0, prob: 1, smoothing: 0 }, random);
  assert.ok(lam > 0 && lam < 1);
  assert.ok(Math.abs((batch[0] ?? 0) - lam) < 1e-6);
  assert.ok(Math.abs((batch[12] ?? 0) - (1 - lam)) < 1e-6);
});
