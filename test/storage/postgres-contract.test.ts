import { after, test } from 'node:test';
import { PostgresBackend } from '../../src/storage/backends/postgres.ts';
import { storageContract } from '../../src/testing/storage-contract.ts';
import { postgresBinDir, startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';

const binaries = postgresBinDir();

if (binaries.skip !== false) {
  test('storage contract: postgresql', { skip: binaries.skip }, () => undefined);
} else {
  let server: Promise<PostgresServer> | undefined;
  let database: Promise<string> | undefined;
  const serverOnce = (): Promise<PostgresServer> => (server ??= startPostgres());
  const databaseOnce = async (): Promise<string> => (database ??= serverOnce().then((s) => s.createDatabase()));
  let studies = 0;
  const urls = new Map<string, { url: string; study: string }>();

  after(async () => {
    if (server) await (await server).dispose();
  });

  storageContract('postgresql', {
    async fresh() {
      const s = await serverOnce();
      const url = s.url(await databaseOnce());
      const study = `contract-${++studies}`;
      const backend = await PostgresBackend.connect(url, study);
      urls.set(backend.location, { url, study });
      return backend;
    },
    async reopen(backend) {
      const known = urls.get(backend.location);
      if (!known) throw new Error(`unknown backend ${backend.location}`);
      return PostgresBackend.connect(known.url, known.study);
    },
    orphansExpireOnReopen: false,
    concurrent: true,
    shortLeaseSeconds: 1.5,
  });
}
