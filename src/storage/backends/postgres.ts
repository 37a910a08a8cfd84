import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { z } from 'zod';
import { InputError, UsageError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import { Mutex } from '../mutex.ts';
import { STUDY_NAME, STUDY_NAME_RULE } from '../study-name.ts';
import { StorageConflict, type BackendTransaction, type JournalEntry, type StudyBackend } from '../types.ts';
import { codeOf, isTransient, messageOf, safeUrl } from './postgres-errors.ts';
import { migrate, SCHEMA_VERSION } from './postgres-schema.ts';
import { passwordFile } from './postgres-password-file.ts';

const log = () => getLogger('storage');

/** How long a lost connection is retried before the operation fails (QUICKTUNE_STORAGE_RETRY_SECONDS). */
const RETRY_SECONDS = Number(process.env.QUICKTUNE_STORAGE_RETRY_SECONDS ?? '') || 600;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * NOTE: a transaction holds its study's lock while the optimizer decides; a server session whose client
 * vanished without closing its socket (a partitioned network) would hold it until this ends it.
 */
const IDLE_IN_TRANSACTION_MS = 10 * 60 * 1000;

/** An error thrown by a transaction's `work`: it is the caller's, never retried. */
class WorkFailed {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

const EntryBody = z.record(z.string(), z.unknown());

/**
 * A study in a PostgreSQL database (`--storage postgres://USER@HOST/DB --study NAME`), shared by workers on
 * many machines. Each study is a row of `quicktune.studies`; its entries are rows in commit order. The backend
 * rules are table constraints (see postgres-schema.ts), checked inside the transaction that appends the
 * entries, while the study's row is locked (`SELECT ... FOR UPDATE`): that lock is the exclusive section. Lease
 * times are the database's clock, so the workers' clocks never matter.
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
  private readonly config: pg.ClientConfig;
  private readonly secrets: readonly string[];
  private readonly mutex = new Mutex();
  private client: pg.Client | undefined;
  private readonly lost = new WeakSet<pg.Client>();
  private closed = false;

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
    this.config = {
      ...rest,
      // NOTE: a function, so that the driver never falls back to its deprecated .pgpass lookup (it warns on stderr).
      password: async () => given ?? process.env.PGPASSWORD ?? (await passwordFile(rest)) ?? '',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'quicktune',
      idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    };
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
      const client = await backend.connectOnce();
      backend.client = client;
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
    return this.locked(async () => this.retrying('exists', async (client) => (await this.studyRow(client, false)) !== undefined));
  }

  create(entries: readonly JournalEntry[]): Promise<void> {
    const token = randomUUID();
    let committing = false;
    return this.locked(() =>
      this.retrying('create', async (client) => {
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
          await this.append(client, id, 0, entries, token);
          committing = true;
          await client.query('COMMIT');
        } catch (error) {
          await this.rollback(client);
          throw error;
        }
      }),
    );
  }

  read(from: number): Promise<readonly JournalEntry[]> {
    return this.locked(() =>
      this.retrying('read', async (client) => {
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
      this.retrying('transaction', async (client) => {
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
          if (queued.length > 0) await this.append(client, study.id, Number(study.entry_count), queued, token);
          committing = { result, wrote: queued.length > 0 };
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await this.rollback(client);
          throw error;
        }
      }),
    );
  }

  renew(worker: string, claims: readonly string[], seconds: number): Promise<readonly string[]> {
    // NOTE: one try: heartbeats come again soon, and a renewal that waited out a long outage would only be late.
    return this.locked(async () => {
      try {
        const client = await this.connection();
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
        if (isTransient(error)) this.drop();
        throw this.failure(error, 'cannot renew leases');
      }
    });
  }

  lastSeen(): Promise<ReadonlyMap<string, string>> {
    return this.locked(() =>
      this.retrying('lastSeen', async (client) => {
        const rows = await client.query<{ worker: string; last_seen: Date }>(
          'SELECT w.worker, w.last_seen FROM quicktune.workers w JOIN quicktune.studies s ON s.id = w.study_id WHERE s.name = $1',
          [this.study],
        );
        return new Map(rows.rows.map((row) => [row.worker, row.last_seen.toISOString()]));
      }),
    );
  }

  async close(): Promise<void> {
    await this.mutex.run(async () => {
      this.closed = true;
      this.drop();
    });
  }

  /** Runs `work` alone on this backend's connection (the driver must not queue queries of overlapping callers). */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    return this.mutex.run(async () => {
      if (this.closed) throw new Error(`${this.location}: the storage is closed`);
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

  /**
   * Applies the backend rules to `entries` in order (through the constraint tables) and appends them at
   * `position`; a broken rule throws StorageConflict, and the caller rolls the whole transaction back.
   */
  private async append(client: pg.Client, studyId: string, position: number, entries: readonly JournalEntry[], token: string): Promise<void> {
    for (const entry of entries) await this.enforce(client, studyId, entry);
    await client.query(
      `INSERT INTO quicktune.entries (study_id, position, op, body, commit_id)
       SELECT $1, $2::bigint + t.ord - 1, coalesce(t.e ->> 'op', ''), t.e, $4 FROM json_array_elements($3::json) WITH ORDINALITY AS t (e, ord)`,
      [studyId, position, JSON.stringify(entries), token],
    );
    await client.query('UPDATE quicktune.studies SET entry_count = entry_count + $2 WHERE id = $1', [studyId, entries.length]);
  }

  private async enforce(client: pg.Client, studyId: string, entry: JournalEntry): Promise<void> {
    const claim = typeof entry.claim === 'string' ? entry.claim : undefined;
    const configId = String(entry.config_id);
    if (entry.op === 'claim' && claim !== undefined) {
      const lease = typeof entry.lease === 'number' ? entry.lease : null;
      const taken = await client.query(
        `INSERT INTO quicktune.leases AS l (study_id, config_id, claim, epoch, worker, expires_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::float8 IS NULL THEN 'infinity'::timestamptz ELSE clock_timestamp() + make_interval(secs => $6::float8) END)
         ON CONFLICT (study_id, config_id) DO UPDATE
           SET claim = EXCLUDED.claim, epoch = EXCLUDED.epoch, worker = EXCLUDED.worker, expires_at = EXCLUDED.expires_at
           WHERE l.expires_at <= clock_timestamp()`,
        [studyId, configId, claim, Number(entry.epoch), String(entry.worker), lease],
      );
      if (taken.rowCount === 0) throw new StorageConflict('claim-taken', `pipeline '${configId}' is already claimed`);
      await this.seen(client, studyId, String(entry.worker));
    } else if (entry.op === 'expire' && claim !== undefined) {
      await client.query('DELETE FROM quicktune.leases WHERE study_id = $1 AND claim = $2', [studyId, claim]);
    } else if (entry.op === 'step') {
      if (claim !== undefined) {
        const ended = await client.query('DELETE FROM quicktune.leases WHERE study_id = $1 AND claim = $2 AND expires_at > clock_timestamp()', [studyId, claim]);
        if (ended.rowCount === 0) throw new StorageConflict('lease-lost', `the lease of claim '${claim}' was lost before its result arrived`);
      }
      if (entry.status === 'ok') {
        const added = await client.query('INSERT INTO quicktune.ok_steps (study_id, config_id, epoch) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          studyId,
          configId,
          Number(entry.epoch),
        ]);
        if (added.rowCount === 0) throw new StorageConflict('duplicate-step', `pipeline '${configId}' epoch ${String(entry.epoch)} is already recorded`);
      }
      if (typeof entry.worker === 'string') await this.seen(client, studyId, entry.worker);
    }
  }

  private async seen(client: pg.Client, studyId: string, worker: string): Promise<void> {
    await client.query(
      `INSERT INTO quicktune.workers (study_id, worker, host, last_seen) VALUES ($1, $2, $3, clock_timestamp())
       ON CONFLICT (study_id, worker) DO UPDATE SET host = EXCLUDED.host, last_seen = EXCLUDED.last_seen`,
      [studyId, worker, hostname()],
    );
  }

  /**
   * Runs `attempt` on a connection; when the connection is lost (or the server restarts) it reconnects with
   * backoff and runs it again, for up to QUICKTUNE_STORAGE_RETRY_SECONDS. Other errors pass through, made safe
   * to print.
   */
  private async retrying<T>(what: string, attempt: (client: pg.Client) => Promise<T>): Promise<T> {
    const deadline = Date.now() + RETRY_SECONDS * 1000;
    let delay = FIRST_DELAY_MS;
    let failures = 0;
    for (;;) {
      try {
        const result = await attempt(await this.connection());
        if (failures > 0) log().warn({ storage: this.location }, `${what}: reconnected to PostgreSQL after ${failures} failed ${failures === 1 ? 'try' : 'tries'}`);
        return result;
      } catch (error) {
        if (error instanceof WorkFailed) throw error.cause;
        if (!isTransient(error) || this.closed) throw this.failure(error, `${what} failed`);
        this.drop();
        failures++;
        if (Date.now() + delay > deadline) {
          throw new InputError(`${this.location}: lost the connection to PostgreSQL and could not get it back within ${RETRY_SECONDS} s (${this.scrub(messageOf(error))})`, 'storage.unreachable');
        }
        // NOTE: the first loss and then every tenth try are logged, so a long outage does not flood the log.
        if (failures === 1 || failures % 10 === 0) {
          log().warn({ storage: this.location, err: this.scrub(messageOf(error)), retryInSeconds: delay / 1000 }, `${what}: the connection to PostgreSQL is lost; retrying`);
        }
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  private async connection(): Promise<pg.Client> {
    if (this.client && !this.lost.has(this.client)) return this.client;
    this.drop();
    this.client = await this.connectOnce();
    return this.client;
  }

  private async connectOnce(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    // NOTE: a connection lost while idle is reported as an 'error' event; unheard, it would end the process.
    client.on('error', () => this.lost.add(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    if (client) {
      this.lost.add(client);
      client.end().catch(() => undefined);
    }
  }

  private async rollback(client: pg.Client): Promise<void> {
    if (this.lost.has(client)) return;
    try {
      await client.query('ROLLBACK');
    } catch {
      this.lost.add(client);
    }
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

  /** An error fit to print: quicktune's own pass through; the driver's and the server's become one safe line. */
  private failure(error: unknown, what: string): Error {
    if (error instanceof InputError || error instanceof UsageError || error instanceof StorageConflict) return error;
    const code = codeOf(error);
    const message = this.scrub(messageOf(error));
    if (code === '28P01' || code === '28000') {
      return new InputError(`${this.location}: ${what}: ${message} (the password comes from the URL, PGPASSWORD or ~/.pgpass)`, 'storage.auth');
    }
    if (/client password must be a (non-empty )?string/i.test(message)) {
      return new InputError(`${this.location}: ${what}: the server asks for a password and none was given (in the URL, PGPASSWORD or ~/.pgpass)`, 'storage.auth');
    }
    return new InputError(`${this.location}: ${what}: ${message}${code !== undefined && !message.includes(code) ? ` (${code})` : ''}`, isTransient(error) ? 'storage.unreachable' : 'storage.failed');
  }

  /** Removes anything secret from a message: URLs' passwords and the password itself. */
  private scrub(message: string): string {
    let safe = safeUrl(message.split('\n')[0] ?? '');
    for (const secret of this.secrets) safe = safe.split(secret).join('***');
    return safe;
  }
}
