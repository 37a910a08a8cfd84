import type { DecodedImages } from '../../../data/pixel-cache.ts';
import type { Random } from '../../../util/random.ts';
import type { TrainSettings } from '../settings.ts';
import { augment } from './augment.ts';

/** How pixels (0..255) become network input: pixel · scale + offset. */
export interface InputScaling {
  readonly scale: number;
  readonly offset: number;
}

/** Indices of the samples that decoded. */
export function usableIndices(images: DecodedImages): number[] {
  const out: number[] = [];
  for (let i = 0; i < images.count; i++) if (images.ok[i] === 1) out.push(i);
  return out;
}

/**
 * A float batch [indices.length, size, size, 3] from decoded images, each augmented on its own when the
 * settings ask for it (random resized crop + flip + TrivialAugment/RandAugment).
 */
export function pixelBatch(
  images: DecodedImages,
  indices: readonly number[],
  scaling: InputScaling,
  settings: Pick<TrainSettings, 'augmentation' | 'raNumOps' | 'raMagnitude'> | undefined,
  random: Random | undefined,
): Float32Array {
  const size = images.size;
  const stride = size * size * 3;
  const out = new Float32Array(indices.length * stride);
  indices.forEach((index, i) => {
    let data = images.pixels.subarray(index * stride, (index + 1) * stride);
    if (settings && random && settings.augmentation !== 'none') {
      data = augment({ size, data }, settings.augmentation, random, settings.raNumOps, settings.raMagnitude).data;
    }
    const base = i * stride;
    for (let k = 0; k < stride; k++) out[base + k] = (data[k] as number) * scaling.scale + scaling.offset;
  });
  return out;
}

/** Consecutive slices of `order` of at most `size` items. */
export function chunks<T>(order: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
  return out;
}
