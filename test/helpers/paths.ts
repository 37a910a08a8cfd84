import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/..., fixtures stay in test/fixtures). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found');
    dir = parent;
  }
  return dir;
}

export function fixturePath(...parts: string[]): string {
  return join(projectRoot(), 'test', 'fixtures', ...parts);
}

/** ../shared beside the project (CI puts it there); QUICKTUNE_SHARED overrides. */
export function sharedDir(): string {
  return process.env.QUICKTUNE_SHARED ?? resolve(projectRoot(), '..', 'shared');
}

export const REAL_METADATASET = 'quicktune-extended';

/**
 * The real Quick-Tune meta-dataset, or a skip reason for `test(..., { skip })` when ../shared is absent.
 */
export function realMetadataset(): { dir: string; skip: false } | { dir: string; skip: string } {
  const dir = join(sharedDir(), 'metadatasets', REAL_METADATASET);
  if (existsSync(join(dir, 'curves.csv'))) return { dir, skip: false };
  return { dir, skip: `real meta-dataset not found at ${dir} (put the shared folder beside the project or set QUICKTUNE_SHARED)` };
}
