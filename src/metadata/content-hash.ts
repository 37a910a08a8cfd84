import { createHash, type Hash } from 'node:crypto';

/** The canonical files, in the order their digests enter the content hash. */
export const CANONICAL_FILES = ['metadataset.json', 'datasets.csv', 'configs.csv', 'curves.csv'] as const;
export type CanonicalFile = (typeof CANONICAL_FILES)[number];

/** One sha256 per canonical file, fed while the file is read. */
export function fileHashes(): Record<CanonicalFile, Hash> {
  return {
    'metadataset.json': createHash('sha256'),
    'datasets.csv': createHash('sha256'),
    'configs.csv': createHash('sha256'),
    'curves.csv': createHash('sha256'),
  };
}

/**
 * The meta-dataset's identity: sha256 over `<file>:<sha256 of its bytes>` lines in canonical order. It
 * depends on the bytes only, never on the folder's path or the files' dates.
 */
export function combineHashes(hashes: Record<CanonicalFile, Hash>): string {
  const lines = CANONICAL_FILES.map((file) => `${file}:${hashes[file].digest('hex')}\n`).join('');
  return createHash('sha256').update(lines).digest('hex');
}
