import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { JournalFileBackend } from './journal-file.ts';
import { replayJournal } from './replay-journal.ts';
import { JOURNAL_FILE } from './storage-url.ts';
import type { RunState } from './types.ts';

/**
 * Reads a run without locking or modifying it (report, inspection; safe while a search is writing it).
 * `location` is a run directory (its journal.jsonl) or a journal file. A missing or malformed run is an
 * InputError naming it.
 */
export async function loadRun(location: string): Promise<RunState> {
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
  const backend = JournalFileBackend.reader(journal);
  const entries = await backend.readLogs(0);
  return replayJournal(journal, entries, backend.warnings);
}
