import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { SnapshotMessage, DeltaMessage } from '../../src/dashboard/view/protocol.ts';
import { tempDir } from '../helpers/image-folder.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startDashboardProcess } from './helpers/dashboard-process.ts';
import { EventReader } from './helpers/event-reader.ts';
import { finish, fixtureStudy } from './helpers/fixture-study.ts';

/** Runs `quicktune dashboard ...` expecting exit 2 with exactly one error line; returns that line. */
async function refused(args: readonly string[]): Promise<string> {
  const result = await runCli(['dashboard', ...args], { timeoutMs: 20_000 });
  const lines = result.stderr.trim().split('\n');
  assert.equal(result.code, 2, `exit 2 expected for ${args.join(' ')}; stderr: ${result.stderr}`);
  assert.equal(lines.length, 1, `one line expected; stderr: ${result.stderr}`);
  assert.equal(result.stdout, '', 'nothing on stdout: no address was printed');
  return lines[0] ?? '';
}

/** A port some other program holds. */
async function busyPort(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolvePromise) => server.listen(0, '127.0.0.1', () => resolvePromise()));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { port: address.port, close: () => new Promise((resolvePromise) => server.close(() => resolvePromise())) };
}

/** The status of a GET with this Host header (fetch does not let a caller set Host). */
function statusWithHost(url: URL, host: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const request = httpGet(url, { headers: { host } }, (response) => {
      response.resume();
      resolvePromise(response.statusCode ?? 0);
    });
    request.on('error', reject);
  });
}

test('dashboard refuses bad input with exit 2 and one line naming the problem', async () => {
  const empty = await tempDir('qt-dashboard-');
  assert.match(await refused([join(empty, 'missing')]), /missing: no such run directory/);
  assert.match(await refused([empty]), /not a run directory \(no journal\.jsonl in it\)/);
  assert.match(await refused(['--storage', pathToFileURL(join(empty, 'journal.jsonl')).href]), /--storage file:\/\/.*: no such study/);
  assert.match(await refused(['--storage', pathToFileURL(join(empty, 'journal.jsonl')).href, '--study', 'pets']), /--study pets: a journal file holds one study/);
  assert.match(await refused([]), /needs a run directory .* or --storage URL --study NAME/);
  assert.match(await refused([empty, '--port', '70000']), /--port 70000: not a port number/);
  assert.match(await refused([empty, '--port', 'http']), /--port http: not a port number/);
  const secret = await refused(['--storage', 'postgres://alice:s3cret@db.example/quicktune', '--study', 'pets']);
  assert.doesNotMatch(secret, /s3cret/, 'a password in a storage URL is never printed');

  const fixture = await fixtureStudy(join(await tempDir('qt-dashboard-'), 'run', 'journal.jsonl'));
  const busy = await busyPort();
  try {
    assert.equal(await refused([join(fixture.backend.location, '..'), '--port', String(busy.port)]), `quicktune: error: --port ${busy.port}: the port is in use`);
  } finally {
    await busy.close();
    await fixture.study.close();
  }
});

test('dashboard serves the study read-only, matches report --json, streams new steps within two seconds and stops cleanly on SIGTERM', async () => {
  const runDir = join(await tempDir('qt-dashboard-'), 'run');
  await mkdir(runDir, { recursive: true });
  const fixture = await fixtureStudy(join(runDir, 'journal.jsonl'));
  const dashboard = await startDashboardProcess([runDir]);
  let stream: EventReader | undefined;
  let stopped: Awaited<ReturnType<typeof dashboard.stop>>;
  try {
    assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(dashboard.url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(await page.text(), /<script type="module" src="\/app\/page\/main\.js">/);
    for (const asset of ['app/page/main.js', 'app/view/study-model.js', 'vendor/uplot.js', 'vendor/uplot.css', 'style.css']) {
      const response = await fetch(new URL(asset, dashboard.url));
      assert.equal(response.status, 200, asset);
      await response.arrayBuffer();
    }
    assert.equal((await fetch(new URL('app/page/../../dashboard.js', dashboard.url))).status, 404);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['', 'api/snapshot', 'api/events']) {
        const response = await fetch(new URL(path, dashboard.url), { method });
        assert.equal(response.status, 405, `${method} /${path}`);
        assert.equal(response.headers.get('allow'), 'GET, HEAD');
        await response.arrayBuffer();
      }
    }
    assert.equal(await statusWithHost(new URL('api/snapshot', dashboard.url), 'attacker.example'), 421, 'a page of another site reaching the loopback server (DNS rebinding) is refused');
    assert.equal(await statusWithHost(new URL('api/snapshot', dashboard.url), `localhost:${new URL(dashboard.url).port}`), 200);

    const report = await runCli(['report', runDir, '--json']);
    assert.equal(report.code, 0, report.stderr);
    const expected = JSON.parse(report.stdout) as { incumbent: { config_id: string; epoch: number; score: number }; steps: Array<{ config_id: string; status: string; score: number | null }> };
    const snapshot = (await (await fetch(new URL('api/snapshot', dashboard.url))).json()) as SnapshotMessage;
    const incumbent = snapshot.live.incumbent;
    assert.ok(incumbent);
    assert.deepEqual(
      { config_id: snapshot.pool[incumbent.pipeline]?.id, epoch: incumbent.epoch, score: incumbent.score },
      { config_id: expected.incumbent.config_id, epoch: expected.incumbent.epoch, score: expected.incumbent.score },
    );
    assert.deepEqual(
      snapshot.steps.map(([, pipeline, , score, , failed]) => ({ config_id: snapshot.pool[pipeline]?.id, status: failed ? 'failed' : 'ok', score })),
      expected.steps.map((s) => ({ config_id: s.config_id, status: s.status, score: s.score })),
    );

    const events = await fetch(new URL('api/events', dashboard.url));
    assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.ok(events.body);
    stream = new EventReader(events.body);
    const first = await stream.next(5000);
    assert.equal(first.event, 'snapshot');
    assert.equal((JSON.parse(first.data) as SnapshotMessage).cursor.steps, 6);

    const committed = Date.now();
    await finish(fixture.study, fixture.running, { score: 0.93, status: 'ok', final: false, finishedAt: 61 });
    const next = await stream.next(2000);
    const latency = Date.now() - committed;
    assert.equal(next.event, 'delta');
    const delta = JSON.parse(next.data) as DeltaMessage;
    assert.deepEqual([delta.from.steps, delta.cursor.steps, delta.steps.length], [6, 7, 1]);
    assert.equal(delta.live.incumbent?.score, 0.93);
    assert.ok(latency < 2000, `the new step reached the page ${latency} ms after it was committed`);

    // NOTE: a page that reconnects with the id of its last event gets only what it missed.
    const resumed = await fetch(new URL('api/events', dashboard.url), { headers: { 'last-event-id': next.id } });
    assert.ok(resumed.body);
    const again = new EventReader(resumed.body);
    const catchUp = await again.next(5000);
    assert.equal(catchUp.event, 'delta');
    assert.equal((JSON.parse(catchUp.data) as DeltaMessage).steps.length, 0);
    await again.cancel();
  } finally {
    await stream?.cancel();
    await fixture.study.close();
    stopped = await dashboard.stop('SIGTERM');
  }
  assert.equal(stopped.code, 0, `SIGTERM ends the dashboard with exit 0; stderr: ${stopped.stderr}`);
  assert.equal(stopped.stdout.split('\n')[0], dashboard.url, 'the address is the first line on stdout');
});

test('dashboard --storage reads a study through the storage registry (a file:// URL or its folder)', async () => {
  const runDir = join(await tempDir('qt-dashboard-'), 'run');
  await mkdir(runDir, { recursive: true });
  const fixture = await fixtureStudy(join(runDir, 'journal.jsonl'));
  await fixture.study.close();
  for (const storage of [pathToFileURL(join(runDir, 'journal.jsonl')).href, runDir]) {
    const dashboard = await startDashboardProcess(['--storage', storage, '--host', 'localhost']);
    try {
      assert.match(dashboard.url, /^http:\/\/localhost:\d+\/$/);
      const snapshot = (await (await fetch(new URL('api/snapshot', dashboard.url))).json()) as SnapshotMessage;
      assert.equal(snapshot.steps.length, 6);
      assert.equal(snapshot.study.location, join(runDir, 'journal.jsonl'));
    } finally {
      const stopped = await dashboard.stop('SIGINT');
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  }
});
