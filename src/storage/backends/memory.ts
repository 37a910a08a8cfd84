import { InputError } from '../../errors.ts';
import { LeaseBook } from '../lease-book.ts';
import { Mutex } from '../mutex.ts';
import type { BackendTransaction, JournalEntry, StudyBackend } from '../types.ts';

/**
 * A study held in this process's memory: the simulator's storage (thousands of replayed searches) and the
 * reference implementation of the backend contract. `memory://NAME` URLs of one process share a study.
 */
export class MemoryBackend implements StudyBackend {
  readonly location: string;
  readonly shared = false;
  private readonly entries: JournalEntry[] = [];
  private readonly leases = new LeaseBook();
  private readonly mutex = new Mutex();
  private readonly clock: () => number;

  /** `clock`: ms since epoch, for lease expiry (tests move it by hand). */
  constructor(location = 'memory', clock: () => number = Date.now) {
    this.location = location;
    this.clock = clock;
  }

  async exists(): Promise<boolean> {
    return this.entries.length > 0;
  }

  create(entries: readonly JournalEntry[]): Promise<void> {
    return this.mutex.run(async () => {
      if (this.entries.length > 0) throw new InputError(`${this.location}: the study already exists`, 'study.exists');
      this.leases.check(entries, this.clock());
      this.leases.commit(entries, this.clock());
      this.entries.push(...entries);
    });
  }

  async read(from: number): Promise<readonly JournalEntry[]> {
    if (this.entries.length === 0) throw new InputError(`${this.location}: no such study`, 'study.missing');
    return this.entries.slice(from);
  }

  transaction<T>(from: number, work: (tx: BackendTransaction) => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      if (this.entries.length === 0) throw new InputError(`${this.location}: no such study`, 'study.missing');
      const queued: JournalEntry[] = [];
      const tx: BackendTransaction = {
        entries: this.entries.slice(from),
        expired: this.leases.expired(this.clock()),
        append: (entries) => void queued.push(...entries),
      };
      const result = await work(tx);
      const now = this.clock();
      this.leases.check(queued, now);
      this.leases.commit(queued, now);
      this.entries.push(...queued);
      return result;
    });
  }

  async renew(worker: string, claims: readonly string[], seconds: number): Promise<readonly string[]> {
    return this.leases.renew(worker, claims, seconds, this.clock());
  }

  async lastSeen(): Promise<ReadonlyMap<string, string>> {
    return this.leases.lastSeen();
  }

  async close(): Promise<void> {}
}
