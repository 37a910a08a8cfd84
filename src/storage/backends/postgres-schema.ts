import type pg from 'pg';

/**
 * The tables of the PostgreSQL backend, as numbered migrations in the `quicktune` schema of the database.
 * The database records the version it is at; a program migrates an older database forward on first use and
 * refuses a newer one (a newer quicktune wrote it: its rules may differ).
 *
 * - studies: one row per study (its name is unique); the row is the study's lock, and counts its entries;
 * - entries: the journal entries of each study by position (commit order), verbatim JSON;
 * - leases: the live claim of each pipeline: its primary key (study, pipeline) makes "never two live claims on
 *   one pipeline" a database constraint; a claim ends by deleting its row;
 * - ok_steps: (study, pipeline, epoch) of every ok step: its primary key keeps one ok record per epoch;
 * - workers (2): when each worker last showed a sign of life, and on which host (status);
 * - entries.commit_id (2): the transaction that wrote an entry, so a client whose COMMIT was cut off can tell
 *   whether it went through before it retries.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'studies, entries, leases and ok steps',
    statements: [
      'CREATE SCHEMA IF NOT EXISTS quicktune',
      `CREATE TABLE quicktune.schema_info (
         singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
         version integer NOT NULL,
         migrated_at timestamptz NOT NULL DEFAULT clock_timestamp()
       )`,
      `CREATE TABLE quicktune.studies (
         id bigserial PRIMARY KEY,
         name text NOT NULL UNIQUE,
         created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
         entry_count bigint NOT NULL DEFAULT 0
       )`,
      `CREATE TABLE quicktune.entries (
         study_id bigint NOT NULL REFERENCES quicktune.studies (id) ON DELETE CASCADE,
         position bigint NOT NULL,
         op text NOT NULL,
         body json NOT NULL,
         PRIMARY KEY (study_id, position)
       )`,
      `CREATE TABLE quicktune.leases (
         study_id bigint NOT NULL REFERENCES quicktune.studies (id) ON DELETE CASCADE,
         config_id text NOT NULL,
         claim text NOT NULL,
         epoch integer NOT NULL,
         worker text NOT NULL,
         expires_at timestamptz NOT NULL,
         PRIMARY KEY (study_id, config_id),
         UNIQUE (study_id, claim)
       )`,
      `CREATE TABLE quicktune.ok_steps (
         study_id bigint NOT NULL REFERENCES quicktune.studies (id) ON DELETE CASCADE,
         config_id text NOT NULL,
         epoch integer NOT NULL,
         PRIMARY KEY (study_id, config_id, epoch)
       )`,
    ],
  },
  {
    version: 2,
    description: 'commit ids of entries (a COMMIT cut off by a lost connection is looked up) and workers seen',
    statements: [
      'ALTER TABLE quicktune.entries ADD COLUMN commit_id uuid',
      'CREATE INDEX entries_commit_id ON quicktune.entries (study_id, commit_id)',
      `CREATE TABLE quicktune.workers (
         study_id bigint NOT NULL REFERENCES quicktune.studies (id) ON DELETE CASCADE,
         worker text NOT NULL,
         host text NOT NULL,
         last_seen timestamptz NOT NULL,
         PRIMARY KEY (study_id, worker)
       )`,
    ],
  },
];

/** The schema version this program reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** Serializes migrations of one database across processes (a transaction-scoped advisory lock). */
const MIGRATION_LOCK = 0x71_75_69_63_6b; // 'quick'

/** The schema version the database is at: 0 where quicktune never used it. */
export async function schemaVersion(client: pg.ClientBase): Promise<number> {
  const table = await client.query<{ present: boolean }>("SELECT to_regclass('quicktune.schema_info') IS NOT NULL AS present");
  if (table.rows[0]?.present !== true) return 0;
  const row = await client.query<{ version: number }>('SELECT version FROM quicktune.schema_info');
  return row.rows[0]?.version ?? 0;
}

/** What `migrate` found and did. */
export type MigrationOutcome = { readonly kind: 'current' | 'migrated'; readonly from: number } | { readonly kind: 'newer'; readonly version: number };

/**
 * Brings the database to version `upTo` (default: this program's) in one transaction, under a lock that makes
 * concurrent starters wait for the first. Returns 'newer' (and changes nothing) when the database is ahead.
 */
export async function migrate(client: pg.ClientBase, upTo = SCHEMA_VERSION): Promise<MigrationOutcome> {
  const before = await schemaVersion(client);
  if (before === upTo) return { kind: 'current', from: before };
  if (before > upTo) return { kind: 'newer', version: before };
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    const from = await schemaVersion(client);
    if (from > upTo) {
      await client.query('ROLLBACK');
      return { kind: 'newer', version: from };
    }
    for (const migration of MIGRATIONS) {
      if (migration.version <= from || migration.version > upTo) continue;
      for (const statement of migration.statements) await client.query(statement);
    }
    await client.query(
      `INSERT INTO quicktune.schema_info (singleton, version) VALUES (true, $1)
       ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version, migrated_at = clock_timestamp()`,
      [upTo],
    );
    await client.query('COMMIT');
    return { kind: from === upTo ? 'current' : 'migrated', from };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
