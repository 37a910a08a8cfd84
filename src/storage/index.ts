export type { JournalBackend, JournalEntry, RunBudget, RunHeader, RunIdentity, RunRecorder, RunSession, RunSpace, RunState } from './types.ts';
export { JournalFileBackend } from './journal-file.ts';
export { RunStore, type OpenRunOptions } from './run-store.ts';
export { RunLock } from './run-lock.ts';
export { loadRun } from './load-run.ts';
export { replayJournal } from './replay-journal.ts';
export { identityDifferences } from './header-check.ts';
export { checkpointDir, JOURNAL_FILE, resolveStorage, type StorageLocation } from './storage-url.ts';
export { fingerprintFolder } from './fingerprint.ts';
