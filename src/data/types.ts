/** One labelled image of an image-folder dataset. */
export interface ImageSample {
  /** Absolute path of the image file. */
  readonly path: string;
  /** Index into {@link ImageFolderDataset.classes}. */
  readonly label: number;
  readonly width: number;
  readonly height: number;
  /** Colour channels of the source file before conversion to RGB (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA). */
  readonly channels: number;
}

/** Which of the two supported layouts a dataset folder uses. */
export type FolderLayout = 'class-folders' | 'train-val';

/**
 * Dataset meta-features, named exactly as the columns of the meta-dataset's datasets.csv so the predictor
 * encodes a user's folder the way it encoded the meta-training tasks.
 */
export interface DatasetMetaFeatures {
  /** Training images (after the validation split), as Meta-Album's num_train descriptor. */
  readonly num_samples: number;
  readonly num_classes: number;
  /** Median over all readable images of max(width, height), in pixels. */
  readonly image_size: number;
  /** 1 when every image is greyscale, 3 otherwise. */
  readonly num_channels: number;
}

/** A scanned, validated and split image-folder dataset. Pixels are decoded later, per input size. */
export interface ImageFolderDataset {
  readonly dir: string;
  readonly layout: FolderLayout;
  /** Class names (folder names), sorted; a label is an index into this list. */
  readonly classes: readonly string[];
  readonly train: readonly ImageSample[];
  readonly val: readonly ImageSample[];
  readonly metaFeatures: DatasetMetaFeatures;
  /** Files with an image extension that could not be read, with the reason. */
  readonly skipped: ReadonlyArray<{ readonly path: string; readonly reason: string }>;
  /** Validation fraction used for the seeded split; null when the folder brought its own val/. */
  readonly valFraction: number | null;
  /** Identifies the file list, labels and split: the key of decoded-pixel caches. */
  readonly fingerprint: string;
}
