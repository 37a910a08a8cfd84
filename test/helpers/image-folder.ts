import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Random } from '../../src/util/random.ts';

const created: string[] = [];
process.on('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder for one test, removed when the test process exits. */
export async function tempDir(prefix = 'quicktune-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Base colour of each synthetic class, so that a model can tell classes apart. */
const PALETTE: ReadonlyArray<readonly [number, number, number]> = [
  [220, 40, 40],
  [40, 60, 220],
  [40, 200, 60],
  [230, 210, 40],
];

export interface SyntheticImage {
  readonly width?: number;
  readonly height?: number;
  /** 'grey' writes a one-channel PNG, 'rgba' a four-channel PNG. */
  readonly kind?: 'rgb' | 'grey' | 'rgba';
  readonly format?: 'png' | 'jpg';
}

/**
 * Writes a noisy image whose mean colour depends on `classIndex` (plus a bright square whose corner also
 * depends on it), so a classifier can learn the classes from a handful of images.
 */
export async function writeSyntheticImage(path: string, classIndex: number, seed: number, options: SyntheticImage = {}): Promise<void> {
  const width = options.width ?? 40;
  const height = options.height ?? 32;
  const random = new Random(seed);
  const base = PALETTE[classIndex % PALETTE.length] ?? [128, 128, 128];
  const rgb = new Uint8Array(width * height * 3);
  const corner = classIndex % 2 === 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = corner ? x < width / 3 && y < height / 3 : x > (2 * width) / 3 && y > (2 * height) / 3;
      for (let c = 0; c < 3; c++) {
        const v = (inSquare ? 255 : (base[c] ?? 128)) + (random.next() - 0.5) * 60;
        rgb[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  let image = sharp(rgb, { raw: { width, height, channels: 3 } });
  if (options.kind === 'grey') image = image.greyscale().toColourspace('b-w');
  if (options.kind === 'rgba') image = image.ensureAlpha(0.5);
  await (options.format === 'jpg' ? image.jpeg({ quality: 90 }) : image.png()).toFile(path);
}

/** Creates `<root>/<class>/<i>.png` for every class with `perClass` images; returns the root. */
export async function writeClassFolders(root: string, classes: readonly string[], perClass: number, seed = 1): Promise<string> {
  for (const [index, name] of classes.entries()) {
    await mkdir(join(root, name), { recursive: true });
    for (let i = 0; i < perClass; i++) await writeSyntheticImage(join(root, name, `${i}.png`), index, seed * 1000 + index * 100 + i);
  }
  return root;
}

/** Bytes that carry an image extension but are not an image. */
export async function writeCorruptImage(path: string): Promise<void> {
  await writeFile(path, Buffer.from('this is not a JPEG file at all, just text bytes'));
}
