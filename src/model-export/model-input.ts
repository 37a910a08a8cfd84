import { decodeImageRgb, mapLimit } from '../data/image-io.ts';
import { InputError } from '../errors.ts';

/** How an image becomes a model's input (the `input` record of quicktune-model.json). */
export interface Preprocessing {
  /** Side of the square input, in pixels. */
  readonly size: number;
  /** Each 0..255 RGB value becomes value · scale + offset. */
  readonly scale: number;
  readonly offset: number;
}

/**
 * Decodes, resizes and scales images into one NHWC float batch, as the trainer fed them: EXIF orientation
 * applied, alpha dropped, resized to cover the square (Lanczos3) and centre-cropped. An unreadable file is
 * an InputError naming it.
 */
export async function preprocessImages(paths: readonly string[], input: Preprocessing): Promise<Float32Array> {
  const per = input.size * input.size * 3;
  const out = new Float32Array(paths.length * per);
  await mapLimit(paths, 4, async (path, index) => {
    let rgb: Uint8Array;
    try {
      rgb = await decodeImageRgb(path, input.size);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unreadable';
      throw new InputError(`${path}: not a readable image (${reason})`, 'input.image');
    }
    const base = index * per;
    for (let k = 0; k < per; k++) out[base + k] = (rgb[k] as number) * input.scale + input.offset;
  });
  return out;
}
