import { loadMetaDataset } from '../../src/metadata/index.ts';
import type { MetaDataset } from '../../src/metadata/types.ts';
import { fixturePath } from './paths.ts';

let cached: Promise<MetaDataset> | undefined;

/** The synthetic meta-dataset of the predictor tests (5 tasks, 100 runs, 10 epochs). */
export function miniMetaDataset(): Promise<MetaDataset> {
  cached ??= loadMetaDataset(fixturePath('predictor', 'mini'));
  return cached;
}
