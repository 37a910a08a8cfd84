import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError } from '../errors.ts';
import type { StudyBackend } from './types.ts';

/** The journal's file name inside a run directory. */
export const JOURNAL_FILE = 'journal.jsonl';

/** Where `--storage` (and `--run-dir`, `--study`) say a study lives. */
export interface StorageRequest {
  /** `--storage`: absent, a journal file path, or a URL (file://, memory://, postgres://). */
  readonly url: string | undefined;
  /** The run directory: the journal's home when `--storage` is absent. */
  readonly runDir?: string;
  /** `--study`: the study's name inside a shared storage (required by server backends). */
  readonly study?: string;
}

/** A storage backend as data: adding one is one module and one entry here. */
interface BackendDefinition {
  readonly schemes: readonly string[];
  readonly description: string;
  open(url: string, request: StorageRequest): Promise<StudyBackend>;
}

const memoryStudies = new Map<string, StudyBackend>();

const BACKENDS: readonly BackendDefinition[] = [
  {
    schemes: ['file'],
    description: 'a JSON-lines journal file, written by one process (the default: <run-dir>/journal.jsonl)',
    async open(url) {
      const { FileBackend } = await import('./backends/file.ts');
      return new FileBackend(journalPath(url));
    },
  },
  {
    schemes: ['memory'],
    description: "this process's memory (the simulator; tests)",
    async open(url) {
      const { MemoryBackend } = await import('./backends/memory.ts');
      const known = memoryStudies.get(url);
      if (known) return known;
      const backend = new MemoryBackend(url);
      memoryStudies.set(url, backend);
      return backend;
    },
  },
  {
    schemes: ['postgres', 'postgresql'],
    description: 'a PostgreSQL database shared by workers on many machines (docs/distributed.md)',
    async open(url, request) {
      const { PostgresBackend } = await import('./backends/postgres.ts');
      return PostgresBackend.connect(url, request.study);
    },
  },
];

/** The URL scheme of `url`, lower case, or undefined for a plain path. */
function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Opens the backend `--storage` names: absent -> `<run-dir>/journal.jsonl`; a path or file:// URL -> that
 * journal file; memory:// and postgres:// URLs -> those backends. An unknown scheme is a usage error that
 * never echoes the URL (it may hold a password).
 */
export async function openStorage(request: StorageRequest): Promise<StudyBackend> {
  const url = request.url ?? pathToFileURL(resolve(request.runDir ?? '.', JOURNAL_FILE)).href;
  if (url.trim() === '') throw new UsageError('--storage: empty path');
  const scheme = schemeOf(url) ?? 'file';
  const definition = BACKENDS.find((d) => d.schemes.includes(scheme));
  if (!definition) {
    const known = BACKENDS.flatMap((d) => d.schemes.map((s) => `${s}://`)).join(', ');
    throw new UsageError(`--storage: unknown storage scheme '${scheme}://' (known: ${known}, or a journal file path)`);
  }
  return definition.open(url, request);
}

/** True when `--storage` names a backend that workers of other processes can share. */
export function isSharedStorageUrl(url: string | undefined): boolean {
  const scheme = url === undefined ? undefined : schemeOf(url);
  return scheme === 'postgres' || scheme === 'postgresql';
}

/** The journal file a file:// URL or a plain path names. */
function journalPath(url: string): string {
  if (schemeOf(url) !== 'file') return resolve(url);
  try {
    return fileURLToPath(url);
  } catch {
    throw new UsageError('--storage: not a valid file:// URL');
  }
}

/** The checkpoint folder of one pipeline inside an artifacts folder (by default the run directory). */
export function checkpointDir(artifacts: string, configId: string): string {
  return join(resolve(artifacts), 'checkpoints', configId);
}

/**
 * A URL safe to print: the password (if any) replaced by `***`. Used for every message that names a storage.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
