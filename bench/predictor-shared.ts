import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real meta-dataset beside the project (../shared), or QUICKTUNE_SHARED. */
export function sharedMetadataset(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  const shared = process.env.QUICKTUNE_SHARED ?? resolve(dir, '..', 'shared');
  return join(shared, 'metadatasets', 'quicktune-extended');
}
