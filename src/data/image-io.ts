import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { decodeBmp, probeBmp } from './bmp.ts';

/** Header facts of an image file, plus its size and modification time for cache keys. */
export interface ImageProbe {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly bytes: number;
  readonly mtimeMs: number;
}

function isBmp(path: string): boolean {
  return extname(path).toLowerCase() === '.bmp';
}

/** Reads an image's header (BMP: the whole file); throws with a short reason when it is not a readable image. */
export async function probeImage(path: string): Promise<ImageProbe> {
  const info = await stat(path);
  if (isBmp(path)) {
    const { width, height, channels } = probeBmp(new Uint8Array(await readFile(path)));
    return { width, height, channels, bytes: info.size, mtimeMs: info.mtimeMs };
  }
  const meta = await sharp(path).metadata();
  if (!meta.width || !meta.height) throw new Error(`no image size in the header (format ${meta.format ?? 'unknown'})`);
  // NOTE: EXIF orientations 5-8 swap width and height; only max(width, height) is used, so no correction.
  return { width: meta.width, height: meta.height, channels: meta.channels ?? 3, bytes: info.size, mtimeMs: info.mtimeMs };
}

/**
 * Decodes an image to `size`×`size` RGB bytes (HWC, uint8): EXIF auto-orientation, alpha dropped (as PIL's
 * convert('RGB') does in timm pipelines), grey expanded to RGB, resized to cover the square and centre-cropped.
 */
export async function decodeImageRgb(path: string, size: number): Promise<Uint8Array> {
  let image: Sharp;
  if (isBmp(path)) {
    const raw = decodeBmp(new Uint8Array(await readFile(path)));
    image = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
  } else {
    image = sharp(path, { failOn: 'error' }).rotate();
  }
  const { data, info } = await image
    .removeAlpha()
    .toColourspace('srgb')
    .resize(size, size, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== 3) {
    throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}x3`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Runs `task` on every item with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
