import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { z } from 'zod';
import { InputError, UsageError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import { Mutex } from '../mutex.ts';
import { STUDY_NAME, STUDY_NAME_RULE } from '../study-name.ts';
import type { BackendTransaction, JournalEntry, StudyBackend } from '../types.ts';
import { PostgresConnection, WorkFailed } from './postgres-connection.ts';
import { isTransient, printableError, safeUrl } from './postgres-errors.ts';
import { appendEntries } from './postgres-rules.ts';
import { migrate, SCHEMA_VERSION } from './postgres-schema.ts';
import { passwordFile } from './postgres-password-file.ts';

const log = () => getLogger('storage');

const CONNECT_TIMEOUT_MS = 10_000;
/**
 * NOTE: a transaction holds its study's lock while the optimizer decides; a server session whose client
 * vanished without closing its socket (a partitioned network) would hold it until this ends it.
 */
const IDLE_IN_TRANSACTION_MS = 10 * 60 * 1000;

const EntryBody = z.record(z.string(), z.unknown());

/**
 * A study in a PostgreSQL database (`--storage postgres://USER@HOST/DB --study NAME`), shared by workers on
 * many machines. Each study is a row of `quicktune.studies`; its entries are rows in commit order. The backend
 * rules are table constraints (postgres-schema.ts, postgres-rules.ts), checked inside the transaction that
 * appends the entries, while the study's row is locked (`SELECT ... FOR UPDATE`): that lock is the exclusive
 * section. Lease times are the database's clock, so the workers' clocks never matter.
 *
 * Credentials come from the URL, the PG* environment variables or ~/.pgpass (PGPASSFILE). The URL's password
 * never appears in `location` or in an error message. A lost connection or a restarting server is retried with
 * backoff; a COMMIT cut off by the loss is looked up by its commit id before anything is retried, so nothing
 * is recorded twice.
 */
export class PostgresBackend implements StudyBackend {
  readonly location: string;
  readonly shared = true;
  private readonly study: string;
  private readonly secrets: readonly string[];
  private readonly mutex = new Mutex();
  private readonly connection: PostgresConnection;

  private constructor(url: string, study: string) {
    this.study = study;
    this.location = `${safeUrl(url)} (study ${study})`;
    let parsed: pg.ClientConfig;
    try {
      parsed = parseIntoClientConfig(url);
    } catch {
      throw new UsageError('--storage: not a valid postgres:// URL (postgres://USER@HOST[:PORT]/DATABASE)');
    }
    const { password: urlPassword, ...rest } = parsed;
    const given = typeof urlPassword === 'string' && urlPassword !== '' ? urlPassword : undefined;
    this.secrets = [given, process.env.PGPASSWORD].filter((s): s is string => s !== undefined && s.length >= 3);
    const config: pg.ClientConfig = {
      ...rest,
      // NOTE: a function, so that the driver never falls back to its deprecated .pgpass lookup (it warns on stderr).
      password: async () => given ?? process.env.PGPASSWORD ?? (await passwordFile(rest)) ?? '',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'quicktune',
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    };
    this.connection = new PostgresConnection(config, this.location, this.secrets);
  }

  /**
   * Connects (once: a wrong password or an unreachable server is an InputError at once), creates or migrates
   * the schema, and refuses a database whose schema is newer than this program's.
   */
  static async connect(url: string, study: string | undefined): Promise<StudyBackend> {
    if (study === undefined) throw new UsageError('--study: a study name is required with postgres storage (letters, digits, . _ -)');
    if (!STUDY_NAME.test(study)) throw new UsageError(`--study: ${STUDY_NAME_RULE}`);
    const backend = new PostgresBackend(url, study);
    try {
      const client = await backend.connection.current();
      const outcome = await migrate(client);
      if (outcome.kind === 'newer') {
        throw new InputError(
          `${backend.location}: the database's quicktune schema is version ${outcome.version}, newer than this quicktune understands (${SCHEMA_VERSION}); upgrade quicktune`,
          'storage.newer',
        );
      }
      if (outcome.kind === 'migrated' && outcome.from > 0) log().info({ storage: backend.location, from: outcome.from, to: SCHEMA_VERSION }, 'migrated the database schema');
      return backend;
    } catch (error) {
      await backend.close();
      throw backend.failure(error, 'cannot use PostgreSQL');
    }
  }

  exists(): Promise<boolean> {
    return this.locked(async () => this.connection.retrying('exists', async (client) => (await this.studyRow(client, false)) !== undefined));
  }

  create(entries: readonly JournalEntry[]): Promise<void> {
    const token = randomUUID();
    let committing = false;
    return this.locked(() =>
      this.connection.retrying('create', async (client) => {
        await client.query('BEGIN');
        try {
          const inserted = await client.query<{ id: string }>('INSERT INTO quicktune.studies (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id', [this.study]);
          const id = inserted.rows[0]?.id;
          if (id === undefined) {
            const ours = committing && (await this.committed(client, token));
            await client.query('ROLLBACK');
            if (ours) return;
            throw new InputError(`${this.location}: the study already exists (add --resume to continue it, or choose another --study)`, 'study.exists');
          }
          await appendEntries(client, id, 0, entries, token);
          committing = true;
          await client.query('COMMIT');
        } catch (error) {
          await this.connection.rollback(client);
          throw error;
        }
      }),
    );
  }

  read(from: number): Promise<readonly JournalEntry[]> {
    return this.locked(() =>
      this.connection.retrying('read', async (client) => {
        const rows = await client.query<{ position: string | null; body: unknown }>(
          `SELECT e.position, e.body FROM quicktune.studies s
             LEFT JOIN quicktune.entries e ON e.study_id = s.id AND e.position >= $2
           WHERE s.name = $1 ORDER BY e.position`,
          [this.study, from],
        );
        if (rows.rows.length === 0) throw this.missing();
        return rows.rows.flatMap((row) => (row.position === null ? [] : [this.entryOf(row.position, row.body)]));
      }),
    );
  }

  transaction<T>(from: number, work: (tx: BackendTransaction) => Promise<T>): Promise<T> {
    const token = randomUUID();
    // NOTE: set just before COMMIT: if the connection drops then, the next try looks the commit id up first.
    let committing: { readonly result: T; readonly wrote: boolean } | undefined;
    return this.locked(() =>
      this.connection.retrying('transaction', async (client) => {
        if (committing && !committing.wrote) return committing.result;
        await client.query('BEGIN');
        try {
          const study = await this.studyRow(client, true);
          if (study === undefined) throw this.missing();
          if (committing) {
            const ours = await this.committed(client, token);
            const { result } = committing;
            committing = undefined;
            if (ours) {
              await client.query('ROLLBACK');
              return result;
            }
          }
          const entries = await client.query<{ position: string; body: unknown }>(
            'SELECT position, body FROM quicktune.entries WHERE study_id = $1 AND position >= $2 ORDER BY position',
            [study.id, from],
          );
          const expired = await client.query<{ claim: string }>(
            'SELECT claim FROM quicktune.leases WHERE study_id = $1 AND expires_at <= clock_timestamp() ORDER BY expires_at, claim',
            [study.id],
          );
          const queued: JournalEntry[] = [];
          const tx: BackendTransaction = {
            entries: entries.rows.map((row) => this.entryOf(row.position, row.body)),
            expired: expired.rows.map((row) => row.claim),
            append: (more) => void queued.push(...more),
          };
          let result: T;
          try {
            result = await work(tx);
          } catch (error) {
            throw new WorkFailed(error);
          }
          if (queued.length > 0) await appendEntries(client, study.id, Number(study.entry_count), queued, token);
          committing = { result, wrote: queued.length > 0 };
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await this.connection.rollback(client);
          throw error;
        }
      }),
    );
  }

  renew(worker: string, claims: readonly string[], seconds: number): Promise<readonly string[]> {
    // NOTE: one try: heartbeats come again soon, and a renewal that waited out a long outage would only be late.
    return this.locked(async () => {
      try {
        const client = await this.connection.current();
        const renewed = await client.query<{ claim: string }>(
          `WITH study AS (SELECT id FROM quicktune.studies WHERE name = $1),
                seen AS (
                  INSERT INTO quicktune.workers (study_id, worker, host, last_seen)
                  SELECT id, $3, $4, clock_timestamp() FROM study
                  ON CONFLICT (study_id, worker) DO UPDATE SET host = EXCLUDED.host, last_seen = EXCLUDED.last_seen
                )
           UPDATE quicktune.leases l
              SET expires_at = CASE WHEN l.expires_at = 'infinity' THEN l.expires_at ELSE clock_timestamp() + make_interval(secs => $5) END
             FROM study
            WHERE l.study_id = study.id AND l.claim = ANY($2::text[]) AND l.expires_at > clock_timestamp()
           RETURNING l.claim`,
          [this.study, [...claims], worker, hostname(), seconds],
        );
        const live = new Set(renewed.rows.map((row) => row.claim));
        return claims.filter((claim) => !live.has(claim));
      } catch (error) {
        if (isTransient(error)) this.connection.drop();
        throw this.failure(error, 'cannot renew leases');
      }
    });
  }

  lastSeen(): Promise<ReadonlyMap<string, string>> {
    return this.locked(() =>
      this.connection.retrying('lastSeen', async (client) => {
        const rows = await client.query<{ worker: string; last_seen: Date }>(
          'SELECT w.worker, w.last_seen FROM quicktune.workers w JOIN quicktune.studies s ON s.id = w.study_id WHERE s.name = $1',
          [this.study],
        );
        return new Map(rows.rows.map((row) => [row.worker, row.last_seen.toISOString()]));
      }),
    );
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => this.connection.close());
  }

  /** Runs `work` alone on this backend's connection (the driver must not queue queries of overlapping callers). */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      if (this.connection.closed) throw new Error(`${this.location}: the storage is closed`);
      return work();
    });
  }

  /** The study's row (locked for the rest of the transaction when `lock`), or undefined when there is none. */
  private async studyRow(client: pg.Client, lock: boolean): Promise<{ id: string; entry_count: string } | undefined> {
    const row = await client.query<{ id: string; entry_count: string }>(
      `SELECT id, entry_count FROM quicktune.studies WHERE name = $1${lock ? ' FOR UPDATE' : ''}`,
      [this.study],
    );
    return row.rows[0];
  }

  /** True when the transaction with commit id `token` committed (with the study's row locked, none is in flight). */
  private async committed(client: pg.Client, token: string): Promise<boolean> {
    const found = await client.query(
      'SELECT 1 FROM quicktune.entries e JOIN quicktune.studies s ON s.id = e.study_id WHERE s.name = $1 AND e.commit_id = $2 LIMIT 1',
      [this.study, token],
    );
    return found.rows.length > 0;
  }

  /** An entry as stored: a JSON object (anything else was written by someone else: a corrupt study). */
  private entryOf(position: string, body: unknown): JournalEntry {
    const parsed = EntryBody.safeParse(body);
    if (!parsed.success) throw new InputError(`${this.location}: entry ${Number(position) + 1} is not a JSON object: a corrupt study`, 'run.corrupt');
    return parsed.data;
  }

  private missing(): InputError {
    return new InputError(`${this.location}: no such study (create it with 'quicktune search ... --storage URL --study ${this.study}')`, 'study.missing');
  }

  /** An error fit to print (see printableError), naming this study and what failed. */
  private failure(error: unknown, what: string): Error {
    return printableError(error, `${this.location}: ${what}`, this.secrets);
  }

}
