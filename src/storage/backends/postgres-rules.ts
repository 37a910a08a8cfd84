import { hostname } from 'node:os';
import type pg from 'pg';
import { StorageConflict, type JournalEntry } from '../types.ts';

/**
 * The backend rules of a PostgreSQL study, applied inside the transaction that appends the entries (with the
 * study's row locked) through the constraint tables of postgres-schema.ts: one live lease per pipeline, a step
 * only while its lease lives, at most one ok record per (pipeline, epoch); and each worker's last sighting.
 */

/**
 * Applies the rules to `entries` in order and appends them at `position` with commit id `token`; a broken rule
 * throws StorageConflict, and the caller rolls the whole transaction back.
 */
export async function appendEntries(client: pg.Client, studyId: string, position: number, entries: readonly JournalEntry[], token: string): Promise<void> {
  for (const entry of entries) await enforce(client, studyId, entry);
  await client.query(
    `INSERT INTO quicktune.entries (study_id, position, op, body, commit_id)
     SELECT $1, $2::bigint + t.ord - 1, coalesce(t.e ->> 'op', ''), t.e, $4 FROM json_array_elements($3::json) WITH ORDINALITY AS t (e, ord)`,
    [studyId, position, JSON.stringify(entries), token],
  );
  await client.query('UPDATE quicktune.studies SET entry_count = entry_count + $2 WHERE id = $1', [studyId, entries.length]);
}

async function enforce(client: pg.Client, studyId: string, entry: JournalEntry): Promise<void> {
  const claim = typeof entry.claim === 'string' ? entry.claim : undefined;
  const configId = String(entry.config_id);
  if (entry.op === 'claim' && claim !== undefined) {
    const lease = typeof entry.lease === 'number' ? entry.lease : null;
    // NOTE: an expired lease of the same pipeline is taken over in place; a live one makes the claim fail.
    const taken = await client.query(
      `INSERT INTO quicktune.leases AS l (study_id, config_id, claim, epoch, worker, expires_at)
       VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::float8 IS NULL THEN 'infinity'::timestamptz ELSE clock_timestamp() + make_interval(secs => $6::float8) END)
       ON CONFLICT (study_id, config_id) DO UPDATE
         SET claim = EXCLUDED.claim, epoch = EXCLUDED.epoch, worker = EXCLUDED.worker, expires_at = EXCLUDED.expires_at
         WHERE l.expires_at <= clock_timestamp()`,
      [studyId, configId, claim, Number(entry.epoch), String(entry.worker), lease],
    );
    if (taken.rowCount === 0) throw new StorageConflict('claim-taken', `pipeline '${configId}' is already claimed`);
    await seen(client, studyId, String(entry.worker));
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
    if (typeof entry.worker === 'string') await seen(client, studyId, entry.worker);
  }
}

async function seen(client: pg.Client, studyId: string, worker: string): Promise<void> {
  await client.query(
    `INSERT INTO quicktune.workers (study_id, worker, host, last_seen) VALUES ($1, $2, $3, clock_timestamp())
     ON CONFLICT (study_id, worker) DO UPDATE SET host = EXCLUDED.host, last_seen = EXCLUDED.last_seen`,
    [studyId, worker, hostname()],
  );
}
