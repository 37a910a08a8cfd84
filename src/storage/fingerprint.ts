import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.ts';

/**
 * A fingerprint of a folder's contents: sha256 over the sorted relative paths and sizes of its files
 * (hidden entries skipped). Cheap on large image folders, and unchanged by copying (no mtimes); a resumed
 * run compares it to catch a dataset that gained, lost or rewrote files.
 */
export async function fingerprintFolder(dir: string): Promise<{ fingerprint: string; files: number }> {
  const hash = createHash('sha256');
  let files = 0;
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const info = await stat(full);
        if (!info.isFile()) continue;
        hash.update(`${relative(dir, full).split(sep).join('/')}\t${info.size}\n`);
        files++;
      }
    }
  };
  try {
    await walk(dir);
  } catch (error) {
    throw new InputError(`${dir}: cannot read the dataset folder (${error instanceof Error ? error.message : String(error)})`);
  }
  return { fingerprint: `sha256:${hash.digest('hex')}`, files };
}
