export type { BackendTransaction, JournalEntry, RunBudget, RunHeader, RunIdentity, RunSession, RunSpace, StudyBackend, StudySnapshot } from './types.ts';
export { StorageConflict } from './types.ts';
export { loadRun, loadStudy, readStudy } from './load-run.ts';
export { replayJournal, StudyReplica, type ReplicaChanges } from './replica.ts';
export { identityDifferences } from './header-check.ts';
export { checkpointDir, isSharedStorageUrl, JOURNAL_FILE, openStorage, redactUrl, type StorageRequest } from './registry.ts';
export { fingerprintFolder } from './fingerprint.ts';
