import { loadImageFolder, type LoadImageFolderOptions } from '../../../data/load-image-folder.ts';
import { decodeSamples, type DecodedImages } from '../../../data/pixel-cache.ts';
import type { ImageFolderDataset } from '../../../data/types.ts';

export interface DecodedSplit {
  readonly train: DecodedImages;
  readonly val: DecodedImages;
}

/**
 * One dataset folder for the life of a trainer: scanned once, decoded once per input size (kept in memory for
 * the two most recent sizes, and on disk under `cacheDir` so a restarted worker does not decode again).
 */
export class DatasetStore {
  private readonly dir: string;
  private readonly cacheDir: string | undefined;
  private readonly options: LoadImageFolderOptions;
  private scanned: Promise<ImageFolderDataset> | undefined;
  private readonly decoded = new Map<number, Promise<DecodedSplit>>();

  constructor(dir: string, cacheDir: string | undefined, options: LoadImageFolderOptions = {}) {
    this.dir = dir;
    this.cacheDir = cacheDir;
    this.options = options;
  }

  dataset(): Promise<ImageFolderDataset> {
    this.scanned ??= loadImageFolder(this.dir, this.options);
    return this.scanned;
  }

  async pixels(size: number, signal?: AbortSignal): Promise<DecodedSplit> {
    let entry = this.decoded.get(size);
    if (!entry) {
      entry = this.decode(size, signal);
      this.decoded.set(size, entry);
      entry.catch(() => this.decoded.delete(size));
      while (this.decoded.size > 2) this.decoded.delete(this.decoded.keys().next().value as number);
    }
    return entry;
  }

  private async decode(size: number, signal?: AbortSignal): Promise<DecodedSplit> {
    const ds = await this.dataset();
    const common = { cacheDir: this.cacheDir, ...(signal ? { signal } : {}) };
    const train = await decodeSamples(ds.train, size, { ...common, key: `${ds.fingerprint}-train` });
    const val = await decodeSamples(ds.val, size, { ...common, key: `${ds.fingerprint}-val` });
    return { train, val };
  }
}
