import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { InputError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import { isTransient, messageOf, printableError, scrubbed } from './postgres-errors.ts';

const log = () => getLogger('storage');

/** How long a lost connection is retried before the operation fails (QUICKTUNE_STORAGE_RETRY_SECONDS). */
const RETRY_SECONDS = Number(process.env.QUICKTUNE_STORAGE_RETRY_SECONDS ?? '') || 600;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;

/** An error thrown by a transaction's `work`: it is the caller's, never retried. */
export class WorkFailed {
  readonly cause: unknown;
  constructor(cause: unknown) {
    this.cause = cause;
  }
}

/**
 * The one connection a PostgreSQL backend talks through: made on first use, dropped when lost (an 'error'
 * event while idle, or a query that failed for a transient reason), made again on the next use. Callers run
 * one operation at a time on it (the backend's mutex).
 */
export class PostgresConnection {
  private client: pg.Client | undefined;
  private readonly lost = new WeakSet<pg.Client>();
  private closedNow = false;
  private readonly config: pg.ClientConfig;
  /** Where errors say they come from (the study's redacted location). */
  private readonly location: string;
  /** Texts never to print (the password). */
  private readonly secrets: readonly string[];

  constructor(config: pg.ClientConfig, location: string, secrets: readonly string[]) {
    this.config = config;
    this.location = location;
    this.secrets = secrets;
  }

  get closed(): boolean {
    return this.closedNow;
  }

  /** The live connection, made when there is none. */
  async current(): Promise<pg.Client> {
    if (this.client && !this.lost.has(this.client)) return this.client;
    this.drop();
    const client = new pg.Client(this.config);
    // NOTE: a connection lost while idle is reported as an 'error' event; unheard, it would end the process.
    client.on('error', () => this.lost.add(client));
    try {
      await client.connect();
    } catch (error) {
      client.end().catch(() => undefined);
      throw error;
    }
    this.client = client;
    return client;
  }

  /** Forgets the connection (ending it quietly): the next use makes a new one. */
  drop(): void {
    const client = this.client;
    this.client = undefined;
    if (client) {
      this.lost.add(client);
      client.end().catch(() => undefined);
    }
  }

  close(): void {
    this.closedNow = true;
    this.drop();
  }

  async rollback(client: pg.Client): Promise<void> {
    if (this.lost.has(client)) return;
    try {
      await client.query('ROLLBACK');
    } catch {
      this.lost.add(client);
    }
  }

  /**
   * Runs `attempt` on the connection; when the connection is lost (or the server restarts) it reconnects with
   * backoff and runs it again, for up to QUICKTUNE_STORAGE_RETRY_SECONDS. Other errors pass through, made safe
   * to print; a {@link WorkFailed} passes its cause through untouched.
   */
  async retrying<T>(what: string, attempt: (client: pg.Client) => Promise<T>): Promise<T> {
    const deadline = Date.now() + RETRY_SECONDS * 1000;
    let delay = FIRST_DELAY_MS;
    let failures = 0;
    for (;;) {
      try {
        const result = await attempt(await this.current());
        if (failures > 0) log().warn({ storage: this.location }, `${what}: reconnected to PostgreSQL after ${failures} failed ${failures === 1 ? 'try' : 'tries'}`);
        return result;
      } catch (error) {
        if (error instanceof WorkFailed) throw error.cause;
        if (!isTransient(error) || this.closedNow) throw printableError(error, `${this.location}: ${what} failed`, this.secrets);
        this.drop();
        failures++;
        const reason = scrubbed(messageOf(error), this.secrets);
        if (Date.now() + delay > deadline) {
          throw new InputError(`${this.location}: lost the connection to PostgreSQL and could not get it back within ${RETRY_SECONDS} s (${reason})`, 'storage.unreachable');
        }
        // NOTE: the first loss and then every tenth try are logged, so a long outage does not flood the log.
        if (failures === 1 || failures % 10 === 0) {
          log().warn({ storage: this.location, err: reason, retryInSeconds: delay / 1000 }, `${what}: the connection to PostgreSQL is lost; retrying`);
        }
        await sleep(delay);
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }
}
