import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The checkpoint of epoch `epoch` inside a pipeline's checkpoint folder, or the folder itself when no entry for
 * that epoch is there (deleted, not written yet, or a layout that does not name epochs).
 *
 * NOTE: each trainer names its epochs its own way (`epoch-3/` for the command trainer, `tfjs-epoch-3.qtck` for
 * tfjs) and the study does not record which layout it used, so any entry whose name holds `epoch-<k>` (not
 * followed by another digit) counts; the dashboard must not load trainer modules to ask them.
 */
export async function findEpochCheckpoint(folder: string, epoch: number): Promise<{ path: string; found: boolean }> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return { path: folder, found: false };
  }
  const pattern = new RegExp(`(^|[^A-Za-z0-9])epoch-${epoch}(?![0-9])`);
  const match = names.filter((name) => pattern.test(name)).sort()[0];
  return match === undefined ? { path: folder, found: false } : { path: join(folder, match), found: true };
}
