import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../../errors.ts';
import { JournalFile } from '../journal-file.ts';
import { LeaseBook } from '../lease-book.ts';
import { Mutex } from '../mutex.ts';
import { RunLock } from '../run-lock.ts';
import { StorageConflict, type BackendTransaction, type JournalEntry, type StudyBackend } from '../types.ts';

/**
 * A study in one JSON-lines journal file (the embedded default: `<run-dir>/journal.jsonl`). One process
 * writes it, under an exclusive lock taken at its first write and held until `close`; any process may read it
 * meanwhile (report, the dashboard). Each commit is one fsynced write of whole lines. Claims it holds never
 * expire while it lives; when a new writer takes the lock, the claims left open by the previous one (killed)
 * are reported expired, so their steps run again.
 */
export class FileBackend implements StudyBackend {
  readonly location: string;
  readonly shared = false;
  private readonly path: string;
  private readonly mutex = new Mutex();
  private writer: { file: JournalFile; lock: RunLock; entries: JournalEntry[]; leases: LeaseBook } | undefined;
  private closed = false;

  constructor(path: string) {
    this.path = path;
    this.location = path;
  }

  async exists(): Promise<boolean> {
    try {
      return (await stat(this.path)).isFile();
    } catch {
      return false;
    }
  }

  create(entries: readonly JournalEntry[]): Promise<void> {
    return this.mutex.run(async () => {
      if (this.writer) throw new InputError(`${this.path}: a run journal already exists here (use --resume to continue it, or another --run-dir)`, 'study.exists');
      await mkdir(dirname(this.path), { recursive: true });
      const lock = await RunLock.acquire(`${this.path}.lock`);
      try {
        const file = await JournalFile.create(this.path);
        const leases = new LeaseBook();
        leases.check(entries, Date.now());
        await file.appendLogs(entries);
        leases.commit(entries, Date.now());
        this.writer = { file, lock, entries: [...entries], leases };
      } catch (error) {
        await lock.release();
        throw error;
      }
    });
  }

  async read(from: number): Promise<readonly JournalEntry[]> {
    if (this.writer) return this.writer.entries.slice(from);
    if (!(await this.exists())) throw new InputError(`${this.path}: run journal not found`, 'study.missing');
    return JournalFile.reader(this.path).readLogs(from);
  }

  /** Problems tolerated while reading (a torn last line), for the caller to log. */
  async warnings(): Promise<readonly string[]> {
    if (this.writer) return this.writer.file.warnings;
    const reader = JournalFile.reader(this.path);
    await reader.readLogs(0);
    return reader.warnings;
  }

  transaction<T>(from: number, work: (tx: BackendTransaction) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      const writer = this.writer ?? (await this.openWriter());
      const queued: JournalEntry[] = [];
      const tx: BackendTransaction = {
        entries: writer.entries.slice(from),
        expired: writer.leases.expired(Date.now()),
        append: (entries) => void queued.push(...entries),
      };
      const result = await work(tx);
      if (queued.length > 0) {
        writer.leases.check(queued, Date.now());
        await writer.file.appendLogs(queued);
        writer.leases.commit(queued, Date.now());
        writer.entries.push(...queued);
      }
      return result;
    });
  }

  async renew(worker: string, claims: readonly string[], seconds: number): Promise<readonly string[]> {
    return this.writer ? this.writer.leases.renew(worker, claims, seconds, Date.now()) : [...claims];
  }

  async lastSeen(): Promise<ReadonlyMap<string, string>> {
    return this.writer?.leases.lastSeen() ?? new Map();
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      if (this.closed) return;
      this.closed = true;
      const writer = this.writer;
      this.writer = undefined;
      if (!writer) return;
      try {
        await writer.file.close();
      } finally {
        await writer.lock.release();
      }
    });
  }

  private async openWriter(): Promise<NonNullable<FileBackend['writer']>> {
    if (this.closed) throw new Error(`${this.path}: the journal is closed`);
    if (!(await this.exists())) throw new InputError(`${this.path}: run journal not found`, 'study.missing');
    const lock = await RunLock.acquire(`${this.path}.lock`);
    try {
      const file = JournalFile.appender(this.path);
      const entries = [...(await file.readLogs(0))];
      const leases = new LeaseBook();
      try {
        leases.load(entries, true);
      } catch (error) {
        if (error instanceof StorageConflict) throw new InputError(`${this.path}: corrupt run journal (${error.message})`, 'run.corrupt');
        throw error;
      }
      this.writer = { file, lock, entries, leases };
      return this.writer;
    } catch (error) {
      await lock.release();
      throw error;
    }
  }
}
