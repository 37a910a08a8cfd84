import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { InputError, UsageError } from '../../src/errors.ts';
import { PostgresBackend } from '../../src/storage/backends/postgres.ts';
import { migrate, SCHEMA_VERSION } from '../../src/storage/backends/postgres-schema.ts';
import { claimEntry, headerEntry, sessionEntry } from '../../src/storage/journal-ops.ts';
import type { JournalEntry, StudyBackend } from '../../src/storage/types.ts';
import { postgresBinDir, startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';

const binaries = postgresBinDir();

function opening(): JournalEntry[] {
  return [
    headerEntry({
      seed: 0,
      dataset: { path: 'data', fingerprint: 'sha256:0' },
      spaceHash: 'space',
      trainer: { name: 'test' },
      optimizer: { name: 'test' },
      maxEpochs: 3,
      quicktune: 'test',
      createdAt: new Date().toISOString(),
      budget: {},
    }),
    { op: 'pool', pipelines: [{ id: 'p1', config: { model: 'm1' } }, { id: 'p2', config: { model: 'm2' } }] },
    sessionEntry({ n: 1, startedAt: new Date().toISOString(), pid: 1, host: 'h', quicktune: 'test', budget: {}, role: 'search', workers: ['w1'] }),
  ];
}

const claim = (id: string, configId: string): JournalEntry => claimEntry({ claim: id, configId, epoch: 1, worker: 'w1', startedAt: 0 }, 60);

/** The driver's query method, patched by a test to simulate a connection lost around a COMMIT. */
type Query = (this: pg.Client, ...args: unknown[]) => Promise<unknown>;
const originalQuery = pg.Client.prototype.query as unknown as Query;

function patchCommit(fault: (client: pg.Client, run: () => Promise<unknown>) => Promise<unknown>): () => void {
  let armed = true;
  const patched: Query = function (this: pg.Client, ...args: unknown[]) {
    if (armed && args[0] === 'COMMIT') {
      armed = false;
      return fault(this, () => originalQuery.apply(this, args));
    }
    return originalQuery.apply(this, args);
  };
  (pg.Client.prototype as unknown as { query: Query }).query = patched;
  return () => void ((pg.Client.prototype as unknown as { query: Query }).query = originalQuery);
}

/** Cuts the client's socket, as a dropped network would (the server rolls back what was not committed). */
function cut(client: pg.Client): Error {
  (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  return Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
}

describe('PostgreSQL backend', { skip: binaries.skip === false ? false : binaries.skip }, () => {
  let server: PostgresServer;
  let database: string;
  let studies = 0;
  const open: StudyBackend[] = [];
  const connect = async (study = `s${++studies}`, url = server.url(database)): Promise<StudyBackend> => {
    const backend = await PostgresBackend.connect(url, study);
    open.push(backend);
    return backend;
  };

  before(async () => {
    server = await startPostgres();
    database = await server.createDatabase();
  });
  after(async () => {
    await Promise.all(open.map((b) => b.close()));
    await server?.dispose();
  });

  test('a new database gets the current schema; an older one is migrated with its studies; a newer one is refused', async () => {
    await connect();
    const version = await server.sql(database, 'SELECT version FROM quicktune.schema_info');
    assert.equal(version.rows[0]?.version, SCHEMA_VERSION);

    const old = await server.createDatabase();
    const client = new pg.Client({ connectionString: server.url(old) });
    await client.connect();
    try {
      assert.deepEqual(await migrate(client, 1), { kind: 'migrated', from: 0 });
      const entries = opening();
      const study = await client.query<{ id: string }>("INSERT INTO quicktune.studies (name, entry_count) VALUES ('legacy', $1) RETURNING id", [entries.length]);
      for (const [position, entry] of entries.entries()) {
        await client.query('INSERT INTO quicktune.entries (study_id, position, op, body) VALUES ($1, $2, $3, $4)', [study.rows[0]?.id, position, entry.op, JSON.stringify(entry)]);
      }
    } finally {
      await client.end();
    }
    const legacy = await connect('legacy', server.url(old));
    assert.equal((await server.sql(old, 'SELECT version FROM quicktune.schema_info')).rows[0]?.version, SCHEMA_VERSION);
    assert.deepEqual((await legacy.read(0)).map((e) => e.op), ['header', 'pool', 'session']);
    await legacy.transaction(3, async (tx) => tx.append([claim('c1', 'p1')]));
    assert.deepEqual([...(await legacy.lastSeen?.())?.keys() ?? []], ['w1'], 'the workers table of version 2 is used');

    await server.sql(old, 'UPDATE quicktune.schema_info SET version = 99');
    await assert.rejects(PostgresBackend.connect(server.url(old), 'legacy'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'storage.newer');
      assert.match(error.message, /schema is version 99, newer than this quicktune understands \(2\); upgrade quicktune/);
      assert.doesNotMatch(error.message, new RegExp(server.password));
      return true;
    });
  });

  test('study names are checked before anything reaches the database; a missing study is named', async () => {
    for (const name of ["x'; DROP TABLE quicktune.entries; --", 'a b', '', '-x']) {
      await assert.rejects(PostgresBackend.connect(server.url(database), name), (error: unknown) => error instanceof UsageError && /--study: a study name is/.test(error.message));
    }
    await assert.rejects(PostgresBackend.connect(server.url(database), undefined), /--study: a study name is required/);
    const backend = await connect('never-made');
    assert.equal(await backend.exists(), false);
    await assert.rejects(backend.read(0), (error: unknown) => error instanceof InputError && error.code === 'study.missing' && /\(study never-made\): no such study/.test(error.message));
  });

  test('an entry written by someone else that is not a JSON object makes the study corrupt, naming the entry', async () => {
    const backend = await connect('tampered');
    await backend.create(opening());
    await server.sql(database, "UPDATE quicktune.entries SET body = '42' WHERE position = 1 AND study_id = (SELECT id FROM quicktune.studies WHERE name = 'tampered')");
    await assert.rejects(backend.read(0), (error: unknown) => error instanceof InputError && error.code === 'run.corrupt' && /\(study tampered\): entry 2 is not a JSON object/.test(error.message));
  });

  test('a wrong password and an unreachable server are one line each, without the password', async () => {
    const wrong = server.url(database, 'not-the-password');
    await assert.rejects(PostgresBackend.connect(wrong, 'x'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.code, 'storage.auth');
      assert.equal(error.problems.length, 1);
      assert.match(error.message, /postgres:\/\/qt:\*\*\*@127\.0\.0\.1:\d+\/\w+ \(study x\): cannot use PostgreSQL: password authentication failed for user "qt"/);
      assert.doesNotMatch(error.message, /not-the-password/);
      return true;
    });
    await assert.rejects(PostgresBackend.connect(`postgres://qt:${server.password}@127.0.0.1:1/db`, 'x'), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.problems.length, 1);
      assert.match(error.message, /cannot use PostgreSQL: .*ECONNREFUSED/);
      assert.doesNotMatch(error.message, new RegExp(server.password));
      return true;
    });
  });

  test('credentials left out of the URL come from PGPASSWORD or a password file (PGPASSFILE, mode 0600)', async () => {
    const saved = { PGPASSWORD: process.env.PGPASSWORD, PGPASSFILE: process.env.PGPASSFILE };
    const restore = (): void => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
    const bare = server.url(database, null);
    try {
      process.env.PGPASSWORD = server.password;
      const fromEnv = await connect('from-env', bare);
      assert.equal(await fromEnv.exists(), false);
      await assert.rejects(PostgresBackend.connect(bare.replace('qt@', 'nobody@'), 'x'), (error: unknown) => {
        assert.ok(error instanceof InputError && /password authentication failed for user "nobody"/.test(error.message));
        assert.ok(!error.message.includes(server.password), 'PGPASSWORD is not printed');
        return true;
      });

      delete process.env.PGPASSWORD;
      const file = join(await mkdtemp(join(tmpdir(), 'qt-pgpass-')), 'pgpass');
      await writeFile(file, `127.0.0.1:${server.port}:*:qt:${server.password}\n`, { mode: 0o600 });
      process.env.PGPASSFILE = file;
      const fromFile = await connect('from-file', bare);
      assert.equal(await fromFile.exists(), false);

      process.env.PGPASSFILE = join(tmpdir(), 'qt-no-such-pgpass');
      await assert.rejects(PostgresBackend.connect(bare, 'x'), /\(study x\): cannot use PostgreSQL: the server asks for a password and none was given \(in the URL, PGPASSWORD or ~\/\.pgpass\)/);
    } finally {
      restore();
    }
  });

  test('a connection killed while idle or while a transaction decides is replaced: the work runs again and commits once', async () => {
    const backend = await connect();
    await backend.create(opening());
    await server.sql(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'quicktune' AND datname = $1", [database]);
    assert.equal((await backend.read(0)).length, 3, 'an idle connection killed: the next read reconnects');

    let runs = 0;
    const seen: number[] = [];
    const result = await backend.transaction(0, async (tx) => {
      runs++;
      seen.push(tx.entries.length);
      if (runs === 1) await server.sql(database, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'quicktune' AND datname = $1", [database]);
      tx.append([claim(`c${runs}`, 'p1')]);
      return runs;
    });
    assert.equal(result, 2, 'the work ran again on a new connection');
    assert.deepEqual(seen, [3, 3], 'each run saw every entry since its cursor');
    assert.deepEqual((await backend.read(3)).map((e) => e.claim), ['c2'], 'only the second run committed');
  });

  test('a COMMIT whose outcome is unknown is looked up before a retry: nothing twice, nothing lost', async () => {
    const backend = await connect();
    await backend.create(opening());

    let restore = patchCommit(async (client, run) => {
      await run();
      throw cut(client);
    });
    let runs = 0;
    try {
      await backend.transaction(0, async (tx) => {
        runs++;
        tx.append([claim('went-through', 'p1')]);
      });
    } finally {
      restore();
    }
    assert.equal(runs, 1, 'the commit went through: the work is not run again');
    assert.deepEqual((await backend.read(3)).map((e) => e.claim), ['went-through']);

    restore = patchCommit(async (client) => {
      throw cut(client);
    });
    runs = 0;
    try {
      await backend.transaction(0, async (tx) => {
        runs++;
        tx.append([claim(`lost-${runs}`, 'p2')]);
      });
    } finally {
      restore();
    }
    assert.equal(runs, 2, 'the commit never arrived: the work runs again');
    assert.deepEqual((await backend.read(3)).map((e) => e.claim), ['went-through', 'lost-2']);
  });
});
