import type { DatasetMetaFeatures, ImageSample } from './types.ts';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The four meta-features of the meta-dataset's datasets.csv for an image folder. num_samples counts the training
 * images (Meta-Album's num_train); image_size is the median of max(width, height), rounded (Meta-Album images
 * are square, so this is their side length); num_channels is 1 only when every image is greyscale.
 */
export function computeMetaFeatures(
  train: readonly ImageSample[],
  val: readonly ImageSample[],
  numClasses: number,
): DatasetMetaFeatures {
  const all = [...train, ...val];
  const grey = all.every((s) => s.channels <= 2);
  return {
    num_samples: train.length,
    num_classes: numClasses,
    image_size: Math.round(median(all.map((s) => Math.max(s.width, s.height)))),
    num_channels: grey ? 1 : 3,
  };
}
