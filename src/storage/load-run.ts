import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { FileBackend } from './backends/file.ts';
import { openStorage, JOURNAL_FILE, type StorageRequest } from './registry.ts';
import { StudyReplica } from './replica.ts';
import type { StudyBackend, StudySnapshot } from './types.ts';

/**
 * Reads a run directory (its journal.jsonl) or a journal file without locking or modifying it (report,
 * evaluate, the dashboard; safe while a search is writing it). A missing or malformed run is an InputError
 * naming it.
 */
export async function loadRun(location: string): Promise<StudySnapshot> {
  let journal = location;
  try {
    if ((await stat(location)).isDirectory()) journal = join(location, JOURNAL_FILE);
  } catch {
    throw new InputError(`${location}: no such run directory or journal file`, 'run.missing');
  }
  try {
    await stat(journal);
  } catch {
    throw new InputError(`${location}: not a run directory (no ${JOURNAL_FILE} in it)`, 'run.missing');
  }
  const backend = new FileBackend(journal);
  return readStudy(backend, await backend.warnings());
}

/** Reads a study from any storage (`--storage URL --study NAME`), without writing to it. */
export async function loadStudy(request: StorageRequest): Promise<StudySnapshot> {
  const backend = await openStorage(request);
  try {
    return await readStudy(backend);
  } finally {
    await backend.close();
  }
}

/** The study a backend holds, rebuilt from all its entries. */
export async function readStudy(backend: StudyBackend, warnings: readonly string[] = []): Promise<StudySnapshot> {
  const replica = new StudyReplica(backend.location);
  replica.noteWarnings(warnings);
  replica.apply(await backend.read(0));
  return replica.snapshot();
}
