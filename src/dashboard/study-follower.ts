import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { InputError, UsageError } from '../errors.ts';
import { JOURNAL_FILE, openStorage, redactUrl } from '../storage/registry.ts';
import { StudyReplica } from '../storage/replica.ts';
import type { JournalEntry, StudyBackend, StudySnapshot } from '../storage/types.ts';
import { JournalTail } from './journal-tail.ts';

/** Which study the dashboard shows: a run directory, or a study in any storage. */
export type DashboardTarget =
  | { readonly kind: 'run'; readonly dir: string }
  | { readonly kind: 'storage'; readonly url: string; readonly study: string | undefined };

/** The study as last read, with what storage knows about its workers. */
export interface FollowedStudy {
  readonly snapshot: StudySnapshot;
  /** When each worker last showed a sign of life (ISO), where the storage keeps track. */
  readonly lastSeen: ReadonlyMap<string, string>;
  /** The last problem reading storage (the dashboard keeps showing what it read before); undefined when fine. */
  readonly problem: string | undefined;
}

export interface FollowOptions {
  readonly log: Logger;
  /** Shortest pause between two reads (ms). */
  readonly pollMs?: number;
}

const DEFAULT_POLL_MS = 500;
/**
 * NOTE: a read that costs much CPU (a huge study) stretches the pause so that polling stays near a fifth of a
 * core, up to a limit that keeps pages within about two seconds of a new step. CPU time, not wall time, is
 * measured: on a machine busy with other work, a slow read is no reason to look less often.
 */
const POLL_COST_FACTOR = 4;
const MAX_POLL_MS = 1500;
const NO_WORKERS: ReadonlyMap<string, string> = new Map();

/**
 * Follows a study read-only: reads all its entries once, then polls its storage for the entries committed since,
 * keeping a {@link StudyReplica} up to date and telling a listener after each change. Any backend is followed
 * through its contract (`backend.read(replica.cursor)`); a journal file is tailed instead ({@link JournalTail}:
 * no lock, only the appended bytes, and one `stat` per poll while nothing changes).
 */
export class StudyFollower {
  readonly location: string;
  /** The journal file, when the study is one (its folder is where checkpoints usually are). */
  readonly journalPath: string | undefined;
  /** Undefined for a run directory: its journal is only ever tailed. */
  private readonly backend: StudyBackend | undefined;
  private readonly tail: JournalTail | undefined;
  private readonly replica: StudyReplica;
  private readonly log: Logger;
  private readonly pollMs: number;
  private lastSeen: ReadonlyMap<string, string> = NO_WORKERS;
  private problem: string | undefined;
  /** Set when the study turned out corrupt: what was read before stays on show, nothing more is read. */
  private broken: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private listener: ((study: FollowedStudy) => void) | undefined;

  private constructor(source: { backend: StudyBackend | undefined; location: string; journalPath: string | undefined }, replica: StudyReplica, options: FollowOptions) {
    this.backend = source.backend;
    this.location = source.location;
    this.journalPath = source.journalPath;
    this.tail = source.journalPath === undefined ? undefined : new JournalTail(source.journalPath);
    this.replica = replica;
    this.log = options.log;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /**
   * Opens the study and reads it whole. A missing run directory, a study that does not exist or cannot be read
   * is an InputError naming it (a storage URL is never printed with its password).
   */
  static async open(target: DashboardTarget, options: FollowOptions): Promise<StudyFollower> {
    const source = target.kind === 'run' ? await openRunDir(target.dir) : await openStudy(target);
    try {
      const follower = new StudyFollower(source, new StudyReplica(source.location), options);
      follower.replica.apply(await follower.newEntries());
      if (follower.tail?.incompleteTail) {
        follower.replica.noteWarnings([`${source.location}: ignored an incomplete last line (a write in progress, or one torn by a crash)`]);
      }
      follower.replica.snapshot(); // NOTE: throws InputError for a study without a header or pool, before anything is served.
      follower.lastSeen = (await source.backend?.lastSeen?.()) ?? NO_WORKERS;
      return follower;
    } catch (error) {
      await source.backend?.close();
      throw error;
    }
  }

  /** The study as last read. */
  current(): FollowedStudy {
    return { snapshot: this.replica.snapshot(), lastSeen: this.lastSeen, problem: this.problem };
  }

  /** Starts polling; `listener` hears of every change (new entries, worker signs of life, a storage problem). */
  start(listener: (study: FollowedStudy) => void): void {
    this.listener = listener;
    this.schedule(this.pollMs);
  }

  /** Reads what was committed since the last read and tells the listener if anything changed. */
  async poll(): Promise<void> {
    if (this.broken !== undefined) return;
    const cursor = this.replica.cursor;
    const problem = this.problem;
    let lastSeenChanged = false;
    try {
      const entries = await this.newEntries();
      try {
        this.replica.apply(entries);
      } catch (error) {
        // NOTE: a corrupt entry will not heal; polling on would only repeat (or skip past) it.
        this.broken = error instanceof Error ? error.message : String(error);
        throw error;
      }
      if (entries.length > 0) this.log.debug({ entries: entries.length, cursor: this.replica.cursor }, 'read new study entries');
      if (this.backend?.lastSeen) {
        const seen = await this.backend.lastSeen();
        lastSeenChanged = !sameMap(seen, this.lastSeen);
        this.lastSeen = seen;
      }
      this.problem = undefined;
    } catch (error) {
      const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      this.problem = message.startsWith(this.location) || message.startsWith(this.journalPath ?? '\0') ? message : `${this.location}: ${message}`;
      if (this.problem !== problem) {
        this.log.warn(`${this.problem} (${this.broken === undefined ? 'the dashboard keeps showing what it read before and tries again' : 'the dashboard shows the study up to there'})`);
      }
    }
    // NOTE: entries applied before a bad one still count, so the listener hears of them even when reading failed.
    if (this.replica.cursor !== cursor || lastSeenChanged || this.problem !== problem) this.listener?.(this.current());
  }

  private newEntries(): Promise<readonly JournalEntry[]> {
    if (this.tail) return this.tail.read();
    if (this.backend) return this.backend.read(this.replica.cursor);
    return Promise.resolve([]);
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.backend?.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = process.cpuUsage();
      void this.poll().finally(() => {
        const used = process.cpuUsage(started);
        const costMs = (used.user + used.system) / 1000;
        this.schedule(Math.min(MAX_POLL_MS, Math.max(this.pollMs, costMs * POLL_COST_FACTOR)));
      });
    }, delayMs);
    this.timer.unref();
  }
}

/** A run directory (or a journal file), as `report` accepts it. */
async function openRunDir(location: string): Promise<{ backend: undefined; location: string; journalPath: string }> {
  let journal = resolve(location);
  try {
    if ((await stat(journal)).isDirectory()) journal = join(journal, JOURNAL_FILE);
  } catch {
    throw new InputError(`${location}: no such run directory or journal file`, 'run.missing');
  }
  try {
    await stat(journal);
  } catch {
    throw new InputError(`${location}: not a run directory (no ${JOURNAL_FILE} in it)`, 'run.missing');
  }
  return { backend: undefined, location: journal, journalPath: journal };
}

/** A study in any storage, through `openStorage` and the backend contract only (so every backend works). */
async function openStudy(target: { readonly url: string; readonly study: string | undefined }): Promise<{ backend: StudyBackend; location: string; journalPath: string | undefined }> {
  let url = target.url;
  let journalPath = journalPathOf(url);
  if (journalPath !== undefined) {
    if (target.study !== undefined) {
      throw new UsageError(`--study ${target.study}: a journal file holds one study; --study names a study in shared storage (--storage postgres://...)`);
    }
    // NOTE: a run directory given as --storage means its journal, as for the RUN_DIR argument.
    if (await isDirectory(journalPath)) {
      journalPath = join(journalPath, JOURNAL_FILE);
      url = pathToFileURL(journalPath).href;
    }
  }
  const backend = await openStorage({ url, ...(target.study === undefined ? {} : { study: target.study }) });
  try {
    if (!(await backend.exists())) {
      const what = target.study === undefined ? `--storage ${redactUrl(target.url)}` : `--study ${target.study}`;
      throw new InputError(`${what}: no such study (nothing at ${backend.location})`, 'study.missing');
    }
  } catch (error) {
    await backend.close();
    throw error;
  }
  return { backend, location: backend.location, journalPath };
}

/** The journal file a plain path or a file:// URL names; undefined for server storage. */
function journalPathOf(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return resolve(url);
  if (scheme !== 'file') return undefined;
  try {
    return fileURLToPath(url);
  } catch {
    throw new UsageError('--storage: not a valid file:// URL');
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function sameMap(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

/** The folder checkpoints are in by default: a run directory, or the folder of a journal file. */
export function defaultArtifacts(target: DashboardTarget, journalPath: string | undefined): string | undefined {
  if (target.kind === 'run') return journalPath === undefined ? resolve(target.dir) : dirname(journalPath);
  return journalPath === undefined ? undefined : dirname(journalPath);
}
