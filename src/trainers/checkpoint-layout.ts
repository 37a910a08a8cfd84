import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointLayout } from './types.ts';

/** How a trainer names one epoch's checkpoint (a file or a folder) inside a pipeline's checkpoint folder. */
export interface EpochNaming {
  /** The entry name of epoch `epoch`. */
  name(epoch: number): string;
  /** The epoch an entry name holds, or undefined for anything else (temporary files, notes). */
  epochOf(name: string): number | undefined;
}

/** Bytes of the files under `path` (a file or a folder, recursively; links are not followed); 0 when absent. */
export async function bytesUnder(path: string): Promise<number> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const entry of await readdir(path).catch(() => [])) total += await bytesUnder(join(path, entry));
  return total;
}

/** A {@link CheckpointLayout} for trainers that keep one entry per epoch, named by `naming`. */
export function epochCheckpointLayout(naming: EpochNaming): CheckpointLayout {
  return {
    path: (dir, epoch) => join(dir, naming.name(epoch)),
    async prune(dir, keep) {
      const kept = new Set(keep);
      let freed = 0;
      for (const entry of await readdir(dir).catch(() => [])) {
        const epoch = naming.epochOf(entry);
        if (epoch === undefined || kept.has(epoch)) continue;
        const path = join(dir, entry);
        const bytes = await bytesUnder(path);
        await rm(path, { recursive: true, force: true });
        freed += bytes;
      }
      return freed;
    },
    bytes: (dir) => bytesUnder(dir),
  };
}

/** Parses `<prefix><epoch><suffix>` names (epoch a positive integer without leading zeros). */
export function epochNaming(prefix: string, suffix = ''): EpochNaming {
  const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escape(prefix)}([1-9]\\d*)${escape(suffix)}$`);
  return {
    name: (epoch) => `${prefix}${epoch}${suffix}`,
    epochOf(name) {
      const match = pattern.exec(name);
      return match ? Number(match[1]) : undefined;
    },
  };
}
