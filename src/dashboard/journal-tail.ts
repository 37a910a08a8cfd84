import { open, stat } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import type { JournalEntry } from '../storage/types.ts';

const NEWLINE = 0x0a;

/**
 * Reads a journal file (one JSON entry per line, appended by one writer) incrementally: each `read` returns
 * the complete lines written since the previous one, so following a 10 000-step study costs what was appended,
 * not the whole file (about a third of a second per read at 10 000 steps; docs/dashboard.md). A line without its
 * newline yet (a write in progress, or torn by a crash) is left for a later read. Never writes.
 *
 * NOTE: a generic backend is followed with `backend.read(cursor)`; the file backend's `read` parses the whole
 * file each time, which this avoids. Entries are only parsed here; the StudyReplica validates them.
 */
export class JournalTail {
  readonly path: string;
  private offset = 0;
  private line = 0;
  private inode: bigint | undefined;
  private signature = '';
  private partial = false;

  constructor(path: string) {
    this.path = path;
  }

  /** True when the file ends with an incomplete line (not returned yet). */
  get incompleteTail(): boolean {
    return this.partial;
  }

  /** The entries appended since the last read; an empty list when the file did not change. */
  async read(): Promise<JournalEntry[]> {
    let info;
    try {
      info = await stat(this.path, { bigint: true });
    } catch {
      throw new InputError(`${this.path}: the run journal is gone`, 'run.missing');
    }
    const signature = `${info.ino}:${info.size}:${info.mtimeNs}`;
    if (signature === this.signature) return [];
    if ((this.inode !== undefined && info.ino !== this.inode) || info.size < BigInt(this.offset)) {
      throw new InputError(`${this.path}: the journal was replaced or cut short while the dashboard followed it; restart the dashboard`, 'run.replaced');
    }
    this.inode = info.ino;
    const bytes = await readFrom(this.path, this.offset, Number(info.size) - this.offset);
    const end = bytes.lastIndexOf(NEWLINE);
    const entries: JournalEntry[] = [];
    let start = 0;
    let line = this.line;
    while (start <= end) {
      const stop = bytes.indexOf(NEWLINE, start);
      const text = bytes.subarray(start, stop).toString('utf8');
      line++;
      if (text.trim() !== '') entries.push(this.parse(text, line));
      start = stop + 1;
    }
    this.line = line;
    this.offset += end + 1;
    this.partial = end + 1 < bytes.length;
    this.signature = signature;
    return entries;
  }

  private parse(text: string, line: number): JournalEntry {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new InputError(`${this.path}:${line}: corrupt run journal: this line is not a journal entry`, 'run.corrupt');
    }
    return Object.fromEntries(Object.entries(value));
  }
}

async function readFrom(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, length));
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}
