import type { ImageSample } from './types.ts';

/**
 * The median, over `samples`, of min(width, height): the side, in source pixels, of the centre square that
 * decoding crops out of each image (images are resized to cover the input square, then centre-cropped). An
 * input larger than this only interpolates pixels the file does not have. 0 for no samples.
 */
export function medianCropSide(samples: readonly ImageSample[]): number {
  const sides = samples.map((s) => Math.min(s.width, s.height)).sort((a, b) => a - b);
  const mid = sides.length >> 1;
  if (sides.length === 0) return 0;
  return sides.length % 2 === 1 ? (sides[mid] as number) : ((sides[mid - 1] as number) + (sides[mid] as number)) / 2;
}
