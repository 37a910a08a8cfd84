import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { getLogger } from '../logging.ts';
import { decodeImageRgb, mapLimit } from './image-io.ts';
import type { ImageSample } from './types.ts';

/** Decoded, resized images of one sample list at one input size. */
export interface DecodedImages {
  readonly size: number;
  readonly count: number;
  /** count × size × size × 3 RGB bytes (HWC), zeros where a sample failed to decode. */
  readonly pixels: Uint8Array;
  /** ok[i] = 1 when sample i decoded. */
  readonly ok: Uint8Array;
}

const MAGIC = 0x51545058; // 'QTPX'
const VERSION = 1;
const HEADER_BYTES = 16;

export interface DecodeOptions {
  /** Folder for the on-disk cache; without it, images are decoded every time. */
  readonly cacheDir?: string;
  /** Identifies the sample list (e.g. the dataset fingerprint plus 'train'/'val'). */
  readonly key: string;
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

function cacheFile(dir: string, key: string, size: number): string {
  return join(dir, `pixels-${key}-${size}.bin`);
}

async function readCache(file: string, count: number, size: number): Promise<DecodedImages | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  const head = new DataView(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEADER_BYTES));
  const expected = HEADER_BYTES + count + count * size * size * 3;
  if (bytes.byteLength !== expected || head.getUint32(0) !== MAGIC || head.getUint32(4) !== VERSION) return undefined;
  if (head.getUint32(8) !== count || head.getUint32(12) !== size) return undefined;
  const all = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { size, count, ok: all.subarray(HEADER_BYTES, HEADER_BYTES + count), pixels: all.subarray(HEADER_BYTES + count) };
}

async function writeCache(file: string, images: DecodedImages): Promise<void> {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(MAGIC, 0);
  header.writeUInt32BE(VERSION, 4);
  header.writeUInt32BE(images.count, 8);
  header.writeUInt32BE(images.size, 12);
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.write(header);
    await handle.write(images.ok);
    await handle.write(images.pixels);
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/**
 * Decodes and resizes every sample once per input size (sharp, several files in flight), reusing the on-disk
 * cache when the same sample list was decoded at that size before. Samples that fail to decode are flagged
 * in `ok` and logged once; training and validation skip them.
 */
export async function decodeSamples(samples: readonly ImageSample[], size: number, options: DecodeOptions): Promise<DecodedImages> {
  const log = getLogger('data');
  const file = options.cacheDir ? cacheFile(options.cacheDir, options.key, size) : undefined;
  if (file) {
    const cached = await readCache(file, samples.length, size);
    if (cached) return cached;
  }
  const stride = size * size * 3;
  const pixels = new Uint8Array(samples.length * stride);
  const ok = new Uint8Array(samples.length);
  const failures: Array<{ path: string; reason: string }> = [];
  const started = performance.now();
  await mapLimit(samples, options.concurrency ?? 4, async (sample, index) => {
    options.signal?.throwIfAborted();
    try {
      pixels.set(await decodeImageRgb(sample.path, size), index * stride);
      ok[index] = 1;
    } catch (error) {
      failures.push({ path: sample.path, reason: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '' });
    }
  });
  if (failures.length > 0) {
    log.warn({ failed: failures.length, examples: failures.slice(0, 5) }, `skipped ${failures.length} image(s) that could not be decoded`);
  }
  log.debug({ images: samples.length, size, seconds: (performance.now() - started) / 1000 }, 'decoded images');
  const images = { size, count: samples.length, pixels, ok };
  if (file && options.cacheDir) {
    await mkdir(options.cacheDir, { recursive: true });
    await writeCache(file, images);
  }
  return images;
}
