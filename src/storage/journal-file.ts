import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.ts';
import type { JournalEntry } from './types.ts';

const NEWLINE = 0x0a;

/** The outcome of reading a journal file: its entries and how many leading bytes hold complete lines. */
interface Scan {
  readonly entries: JournalEntry[];
  readonly goodBytes: number;
  readonly totalBytes: number;
}

/**
 * A journal in one JSON-lines file. Each append is a single write of whole lines followed by fsync, so after
 * a crash the file holds every acknowledged entry plus at most one torn last line, which reading ignores
 * (with a warning) and the next writer truncates. A bad line anywhere else is corruption (InputError).
 */
export class JournalFile {
  readonly path: string;
  /** Messages about tolerated damage (a torn last line), for the caller to log or show. */
  readonly warnings: string[] = [];
  private readonly writable: boolean;
  private handle: FileHandle | undefined;
  private queue: Promise<void> = Promise.resolve();

  private constructor(path: string, writable: boolean) {
    this.path = path;
    this.writable = writable;
  }

  /** Opens an existing journal for reading only (report, inspection): never modifies the file. */
  static reader(path: string): JournalFile {
    return new JournalFile(path, false);
  }

  /** Opens an existing journal for appending; a torn last line is truncated before the first append. */
  static appender(path: string): JournalFile {
    return new JournalFile(path, true);
  }

  /** Creates a new, empty journal; fails when the file exists (a run is never overwritten). */
  static async create(path: string): Promise<JournalFile> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw new InputError(`${path}: a run journal already exists here (use --resume to continue it, or another --run-dir)`);
      throw new InputError(`${path}: cannot create the run journal (${errorCode(error) ?? String(error)})`);
    }
    await handle.sync();
    await handle.close();
    await syncDirectory(dirname(path));
    return new JournalFile(path, true);
  }

  async readLogs(from: number): Promise<readonly JournalEntry[]> {
    return (await this.scan()).entries.slice(from);
  }

  appendLogs(entries: readonly JournalEntry[]): Promise<void> {
    if (!this.writable) return Promise.reject(new Error(`${this.path}: journal opened read-only`));
    // NOTE: appends are chained so concurrent callers never interleave their bytes or fsyncs.
    const next = this.queue.then(() => this.append(entries));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.handle?.close();
    this.handle = undefined;
  }

  private async append(entries: readonly JournalEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const handle = this.handle ?? (await this.openForAppend());
    const bytes = Buffer.from(entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''), 'utf8');
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
    await handle.sync();
  }

  private async openForAppend(): Promise<FileHandle> {
    const scan = await this.scan();
    const handle = await open(this.path, 'r+');
    if (scan.totalBytes > scan.goodBytes) {
      // NOTE: drop the torn tail of an interrupted write, so new lines never follow a partial one.
      await handle.truncate(scan.goodBytes);
      await handle.sync();
    }
    await handle.close();
    this.handle = await open(this.path, 'a');
    return this.handle;
  }

  private async scan(): Promise<Scan> {
    let buffer: Buffer;
    try {
      buffer = await readFile(this.path);
    } catch (error) {
      throw new InputError(`${this.path}: run journal not found or unreadable (${errorCode(error) ?? String(error)})`);
    }
    const entries: JournalEntry[] = [];
    let start = 0;
    let line = 0;
    let goodBytes = 0;
    while (start < buffer.length) {
      line++;
      const end = buffer.indexOf(NEWLINE, start);
      const complete = end !== -1;
      const text = buffer.subarray(start, complete ? end : buffer.length).toString('utf8');
      const next = complete ? end + 1 : buffer.length;
      const entry = parseEntry(text);
      const isLast = !complete || buffer.subarray(next).every((byte) => byte === NEWLINE || byte === 0);
      if (entry && complete) {
        entries.push(entry);
        goodBytes = next;
      } else if (text.trim() === '' && complete) {
        goodBytes = next;
      } else if (isLast) {
        this.noteTorn(line, buffer.length - goodBytes);
        break;
      } else {
        throw new InputError(`${this.path}:${line}: corrupt run journal: this line is not a journal entry`);
      }
      start = next;
    }
    return { entries, goodBytes, totalBytes: buffer.length };
  }

  private noteTorn(line: number, bytes: number): void {
    const message = `${this.path}:${line}: ignored a torn last line (${bytes} bytes) left by an interrupted write`;
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}

function parseEntry(text: string): JournalEntry | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return Object.fromEntries(Object.entries(value));
  } catch {
    return undefined;
  }
}

/** Makes a new file's directory entry durable; not every platform can fsync a directory, hence best effort. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // NOTE: best effort (e.g. Windows cannot open a directory); the file's own fsync already happened.
  }
}

export function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
