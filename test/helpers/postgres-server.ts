import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server for tests: its own data directory in a temporary folder, a free port on
 * 127.0.0.1, its unix socket in the same folder, fsync off. Password authentication over TCP (user `qt`), so
 * tests can also try a wrong password. initdb and postgres refuse to run as root: as root (CI) they run as the
 * `postgres` system user (or `nobody`), which gets the temporary folder.
 */
export interface PostgresServer {
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** A URL for `database` (with this server's password unless `password` says otherwise; null: none). */
  url(database: string, password?: string | null): string;
  /** A new empty database; returns its name. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser on `database`. */
  sql(database: string, text: string, values?: readonly unknown[]): Promise<pg.QueryResult>;
  /** Fast shutdown (clients are disconnected); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its folder. */
  dispose(): Promise<void>;
}

const USER = 'qt';
const PASSWORD = 'qt-test-secret-4711';

/** Where initdb and postgres live: QUICKTUNE_PG_BIN, the newest /usr/lib/postgresql/N/bin, or PATH. */
export function postgresBinDir(): { dir: string; skip: false } | { dir: undefined; skip: string } {
  const candidates: string[] = [];
  if (process.env.QUICKTUNE_PG_BIN) candidates.push(process.env.QUICKTUNE_PG_BIN);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(':').filter((p) => p !== ''));
  const dir = candidates.find((c) => existsSync(join(c, 'initdb')) && existsSync(join(c, 'postgres')));
  if (dir !== undefined) return { dir, skip: false };
  return { dir: undefined, skip: 'no PostgreSQL server binaries (initdb, postgres) found: install postgresql (Debian: postgresql-15) or set QUICKTUNE_PG_BIN' };
}

/** The user initdb and postgres run as: ourselves, or an unprivileged system user when we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  for (const name of ['postgres', 'nobody']) {
    const entry = passwd.find((fields) => fields[0] === name);
    if (entry && entry[2] !== undefined && entry[3] !== undefined) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('running as root, but neither a postgres nor a nobody user exists to run the test server as');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  // NOTE: a test process that dies must not leave servers behind.
  for (const child of running) child.kill('SIGKILL');
});

/** Initializes and starts a server; throws with initdb's or postgres's output when that fails. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (bin.skip !== false) throw new Error(bin.skip);
  const binDir = bin.dir;
  const root = await mkdtemp(join(tmpdir(), 'qt-pg-'));
  const owner = serverUser();
  const data = join(root, 'data');
  const pwfile = join(root, 'pwfile');
  const logFile = join(root, 'server.log');
  writeFileSync(pwfile, `${PASSWORD}\n`);
  writeFileSync(logFile, '');
  if (owner) {
    chmodSync(root, 0o700);
    for (const path of [root, pwfile, logFile]) chownSync(path, owner.uid, owner.gid);
  }
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C', HOME: root };
  const init = spawnSync(
    join(binDir, 'initdb'),
    ['-D', data, '-U', USER, `--pwfile=${pwfile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { ...asOwner, env, encoding: 'utf8', timeout: 120_000 },
  );
  if (init.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout || init.error?.message}`);
  }
  let port = await freePort();
  let child: ChildProcess | undefined;

  const adminUrl = (database: string): string => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  const sql = async (database: string, text: string, values: readonly unknown[] = []): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: adminUrl(database) });
    await client.connect();
    try {
      return await client.query(text, [...values]);
    } finally {
      await client.end();
    }
  };

  const start = async (): Promise<void> => {
    if (child) return;
    const log = createWriteStream(logFile, { flags: 'a' });
    const server = spawn(
      join(binDir, 'postgres'),
      ['-D', data, '-p', String(port), '-k', root, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'shared_buffers=32MB', '-c', 'max_connections=60'],
      { ...asOwner, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    server.stdout?.pipe(log);
    server.stderr?.pipe(log);
    running.add(server);
    child = server;
    server.once('exit', () => {
      running.delete(server);
      if (child === server) child = undefined;
    });
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child !== server) throw new Error(`the test PostgreSQL server stopped while starting:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      try {
        await sql('postgres', 'SELECT 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`the test PostgreSQL server did not accept connections within 60 s (${String(error)}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  const stop = async (): Promise<void> => {
    const server = child;
    if (!server) return;
    const gone = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGINT');
    const timer = setTimeout(() => server.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
  };

  try {
    await start();
  } catch {
    // NOTE: the free port may have been taken meanwhile: one more try on another.
    await stop();
    port = await freePort();
    await start();
  }

  let databases = 0;
  return {
    get port() {
      return port;
    },
    user: USER,
    password: PASSWORD,
    url: (database, password = PASSWORD) => `postgres://${USER}${password === null ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/${database}`,
    async createDatabase() {
      const name = `qt_test_${process.pid}_${++databases}`;
      await sql('postgres', `CREATE DATABASE ${name}`);
      return name;
    },
    sql,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
