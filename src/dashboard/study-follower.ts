import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { InputError, UsageError } from '../errors.ts';
import { FileBackend } from '../storage/backends/file.ts';
import { JOURNAL_FILE, openStorage, redactUrl } from '../storage/registry.ts';
import { StudyReplica } from '../storage/replica.ts';
import type { StudyBackend, StudySnapshot } from '../storage/types.ts';

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
 * Follows a study read-only: reads all its entries once, then polls its storage for the entries committed since
 * (`backend.read(replica.cursor)`, which every backend provides and which a journal file serves without its
 * lock), keeping a {@link StudyReplica} up to date and telling a listener after each change. For a journal
 * file it first compares the file's size and modification time, so an idle study costs one `stat` per poll.
 */
export class StudyFollower {
  readonly location: string;
  /** The journal file, when the study is one (its folder is where checkpoints usually are). */
  readonly journalPath: string | undefined;
  private readonly backend: StudyBackend;
  private readonly replica: StudyReplica;
  private readonly log: Logger;
  private readonly pollMs: number;
  private lastSeen: ReadonlyMap<string, string> = NO_WORKERS;
  private problem: string | undefined;
  private signature = '';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private listener: ((study: FollowedStudy) => void) | undefined;

  private constructor(backend: StudyBackend, journalPath: string | undefined, replica: StudyReplica, options: FollowOptions) {
    this.backend = backend;
    this.location = backend.location;
    this.journalPath = journalPath;
    this.replica = replica;
    this.log = options.log;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  }

  /**
   * Opens the study and reads it whole. A missing run directory, a study that does not exist or cannot be read
   * is an InputError naming it (a storage URL is never printed with its password).
   */
  static async open(target: DashboardTarget, options: FollowOptions): Promise<StudyFollower> {
    const { backend, journalPath } = target.kind === 'run' ? await openRunDir(target.dir) : await openStudy(target);
    try {
      const replica = new StudyReplica(backend.location);
      const signature = journalPath === undefined ? '' : await fileSignature(journalPath);
      if (backend instanceof FileBackend) replica.noteWarnings(await backend.warnings());
      replica.apply(await backend.read(0));
      replica.snapshot(); // NOTE: throws InputError for a study without a header or pool, before anything is served.
      const follower = new StudyFollower(backend, journalPath, replica, options);
      follower.signature = signature;
      follower.lastSeen = (await backend.lastSeen?.()) ?? NO_WORKERS;
      return follower;
    } catch (error) {
      await backend.close();
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
    const cursor = this.replica.cursor;
    const problem = this.problem;
    let lastSeenChanged = false;
    try {
      const signature = this.journalPath === undefined ? '' : await fileSignature(this.journalPath);
      if (this.journalPath === undefined || signature !== this.signature) {
        const entries = await this.backend.read(cursor);
        this.replica.apply(entries);
        this.signature = signature;
        if (entries.length > 0) this.log.debug({ entries: entries.length, cursor: this.replica.cursor }, 'read new study entries');
      }
      if (this.backend.lastSeen) {
        const seen = await this.backend.lastSeen();
        lastSeenChanged = !sameMap(seen, this.lastSeen);
        this.lastSeen = seen;
      }
      this.problem = undefined;
    } catch (error) {
      this.problem = `${this.location}: ${error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error)}`;
      if (this.problem !== problem) this.log.warn(`${this.problem} (the dashboard keeps showing what it read before and tries again)`);
    }
    // NOTE: entries applied before a bad one still count, so the listener hears of them even when reading failed.
    if (this.replica.cursor !== cursor || lastSeenChanged || this.problem !== problem) this.listener?.(this.current());
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.backend.close();
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
async function openRunDir(location: string): Promise<{ backend: StudyBackend; journalPath: string }> {
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
  return { backend: new FileBackend(journal), journalPath: journal };
}

/** A study in any storage, through `openStorage` and the backend contract only (so every backend works). */
async function openStudy(target: { readonly url: string; readonly study: string | undefined }): Promise<{ backend: StudyBackend; journalPath: string | undefined }> {
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
  return { backend, journalPath };
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

/** Size, modification time and inode: any append (or a replaced file) changes it. */
async function fileSignature(path: string): Promise<string> {
  try {
    const info = await stat(path, { bigint: true });
    return `${info.ino}:${info.size}:${info.mtimeNs}`;
  } catch {
    return 'missing';
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
