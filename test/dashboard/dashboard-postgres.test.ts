import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DeltaMessage, SnapshotMessage } from '../../src/dashboard/view/protocol.ts';
import { PostgresBackend } from '../../src/storage/backends/postgres.ts';
import { postgresBinDir, startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startDashboardProcess } from './helpers/dashboard-process.ts';
import { EventReader } from './helpers/event-reader.ts';
import { finish, fixtureStudy } from './helpers/fixture-study.ts';

/** The dashboard reads server storage through openStorage and the backend contract only: it works unchanged. */
describe('the dashboard on a study in PostgreSQL', { skip: postgresBinDir().skip }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.dispose();
  });

  test('--storage postgres://... --study NAME serves the study and streams its new steps; no password is printed', async () => {
    assert.ok(server);
    const url = server.url(await server.createDatabase());
    const fixture = await fixtureStudy(await PostgresBackend.connect(url, 'pets'));
    const dashboard = await startDashboardProcess(['--storage', url, '--study', 'pets']);
    let stopped: Awaited<ReturnType<typeof dashboard.stop>>;
    try {
      const snapshot = (await (await fetch(new URL('api/snapshot', dashboard.url))).json()) as SnapshotMessage;
      assert.equal(snapshot.steps.length, 6);
      assert.doesNotMatch(snapshot.study.location, new RegExp(server.password), 'the location is redacted');
      assert.equal(snapshot.live.incumbent?.checkpoint, null, 'server storage does not say where checkpoints are');
      const events = await fetch(new URL('api/events', dashboard.url));
      assert.ok(events.body);
      const stream = new EventReader(events.body);
      assert.equal((await stream.next(5000)).event, 'snapshot');
      const committed = Date.now();
      await finish(fixture.study, fixture.running, { score: 0.93, status: 'ok', final: false, finishedAt: 61 });
      const next = await stream.next(2000);
      assert.equal(next.event, 'delta');
      assert.equal((JSON.parse(next.data) as DeltaMessage).steps.length, 1);
      assert.ok(Date.now() - committed < 2000);
      await stream.cancel();
    } finally {
      await fixture.study.close();
      stopped = await dashboard.stop();
    }
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.doesNotMatch(stopped.stdout + stopped.stderr, new RegExp(server.password), 'no password in the output');

    const missing = await runCli(['dashboard', '--storage', url, '--study', 'nope'], { timeoutMs: 20_000 });
    assert.equal(missing.code, 2, missing.stderr);
    assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
    assert.match(missing.stderr, /--study nope: no such study/);
    assert.doesNotMatch(missing.stderr, new RegExp(server.password));
  });
});
