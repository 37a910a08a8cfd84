import { createRequire } from 'node:module';
import type pg from 'pg';

/** `pgpass` (the driver's own dependency) reads ~/.pgpass or PGPASSFILE as libpq does (and warns when it is readable by others). */
type PgPassLookup = (connection: Readonly<Record<string, unknown>>, done: (password: string | undefined) => void) => void;

/** The password ~/.pgpass (or PGPASSFILE) has for this connection, with the defaults libpq and the driver use. */
export async function passwordFile(config: pg.ClientConfig): Promise<string | undefined> {
  const lookup: unknown = createRequire(import.meta.url)('pgpass');
  if (typeof lookup !== 'function') return undefined;
  const env = process.env;
  const user = config.user || env.PGUSER || env.USER;
  const connection = {
    host: config.host || env.PGHOST || 'localhost',
    port: Number(config.port || env.PGPORT || 5432),
    database: config.database || env.PGDATABASE || user,
    user,
  };
  return new Promise((resolve) => (lookup as PgPassLookup)(connection, resolve));
}
