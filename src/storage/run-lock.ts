import { hostname } from 'node:os';
import { link, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { getLogger } from '../logging.ts';
import { errorCode } from './journal-file.ts';

const LockInfo = z.object({ pid: z.number().int(), host: z.string(), since: z.string() });
type LockInfo = z.infer<typeof LockInfo>;

/**
 * An exclusive lock on a run: a file created with O_EXCL holding the owner's pid and host. A lock whose
 * owner is a dead process on this host is stale and taken over (with a warning); a live owner, or one on
 * another host (whose liveness cannot be checked), makes `acquire` fail with an InputError.
 */
export class RunLock {
  readonly path: string;
  private held = false;

  private constructor(path: string) {
    this.path = path;
  }

  static async acquire(path: string): Promise<RunLock> {
    const lock = new RunLock(path);
    // NOTE: a few rounds: a round follows the removal of a stale lock, or the owner releasing it meanwhile.
    for (let round = 0; round < 3; round++) {
      if (await lock.tryCreate()) return lock;
      const owner = await readOwner(path);
      if (owner === 'absent') continue;
      if (owner === 'unreadable') {
        throw new InputError(`${path}: the run is locked by a lock file quicktune cannot read; remove it if no quicktune process uses this run`, 'run.locked');
      }
      if (isAlive(owner)) {
        throw new InputError(`${path}: the run is in use by process ${owner.pid} on ${owner.host} since ${owner.since}`, 'run.locked');
      }
      if (!(await removeStale(path, owner))) break;
    }
    throw new InputError(`${path}: another process took the run's lock`, 'run.locked');
  }

  /** Removes the lock file; a no-op when not held. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await unlink(this.path).catch(() => undefined);
  }

  /** Publishes a complete lock file atomically: written aside, then hard-linked into place (fails if taken). */
  private async tryCreate(): Promise<boolean> {
    const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    const aside = `${this.path}.${process.pid}.tmp`;
    try {
      await writeFile(aside, JSON.stringify(info));
      await link(aside, this.path);
      this.held = true;
      return true;
    } catch (error) {
      if (errorCode(error) === 'EEXIST') return false;
      throw new InputError(`${this.path}: cannot create the run's lock file (${errorCode(error) ?? String(error)})`);
    } finally {
      await unlink(aside).catch(() => undefined);
    }
  }
}

async function readOwner(path: string): Promise<LockInfo | 'absent' | 'unreadable'> {
  try {
    const parsed = LockInfo.safeParse(JSON.parse(await readFile(path, 'utf8')));
    return parsed.success ? parsed.data : 'unreadable';
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'absent' : 'unreadable';
  }
}

function isAlive(owner: LockInfo): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Takes a stale lock out of the way without removing a fresh one another process may have created in the
 * meantime: the file is renamed aside, and put back if it turns out not to be the stale one that was read.
 */
async function removeStale(path: string, stale: LockInfo): Promise<boolean> {
  const aside = `${path}.stale-${process.pid}`;
  try {
    await rename(path, aside);
  } catch {
    return true;
  }
  const moved = await readOwner(aside);
  if (moved !== 'absent' && moved !== 'unreadable' && moved.pid === stale.pid && moved.since === stale.since) {
    await unlink(aside).catch(() => undefined);
    getLogger('storage').warn({ lock: path, pid: stale.pid }, `removed a stale lock left by process ${stale.pid}, which is gone`);
    return true;
  }
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}
