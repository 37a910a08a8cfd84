import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NotAvailableError, UsageError } from '../errors.ts';

/** The journal's file name inside a run directory. */
export const JOURNAL_FILE = 'journal.jsonl';

/** Where a run is stored: today always a journal file (a server-backed store is a later version). */
export interface StorageLocation {
  readonly kind: 'journal';
  /** Absolute path of the journal file. */
  readonly path: string;
}

/**
 * Resolves `--storage`: absent -> `<run-dir>/journal.jsonl`; a path or a file:// URL -> that journal file;
 * any other scheme (postgres://, redis://, ...) -> exit 2, not available yet. The URL itself is never echoed,
 * since it may hold a password.
 */
export function resolveStorage(url: string | undefined, runDir: string): StorageLocation {
  if (url === undefined) return { kind: 'journal', path: resolve(runDir, JOURNAL_FILE) };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'file') {
    try {
      return { kind: 'journal', path: fileURLToPath(url) };
    } catch {
      throw new UsageError(`--storage: not a valid file:// URL`);
    }
  }
  if (scheme !== undefined) throw new NotAvailableError(`--storage with a ${scheme}:// URL (use a journal file path)`);
  if (url.trim() === '') throw new UsageError('--storage: empty path');
  return { kind: 'journal', path: resolve(url) };
}

/** The checkpoint folder of one pipeline inside a run directory. */
export function checkpointDir(runDir: string, configId: string): string {
  return join(resolve(runDir), 'checkpoints', configId);
}
