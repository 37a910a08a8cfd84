import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { realMetadataset } from '../helpers/paths.ts';
import { postgresBinDir, startPostgres, type PostgresServer } from '../helpers/postgres-server.ts';
import { runCli } from '../helpers/run-cli.ts';
import { checkLeases, checkTrainerRuns, readStudyEntries, startCli, type CliProcess, type LogLine } from '../helpers/study-workers.ts';

const binaries = postgresBinDir();
const real = realMetadataset();
const skip = binaries.skip !== false ? binaries.skip : real.skip;

/** A task whose epochs are short (median 17 s recorded, at most 322 s), replayed at a fraction of real time. */
const TASK = 'MED_LF';
/** Recorded seconds times this: steps of about 0.3 s (at most 6.5 s). */
const FAST = '0.02';
const LONGEST_STEP = 322 * 0.02;

/** The lines of a CLI's stderr that are errors (not log lines). */
const errorLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('quicktune: error:'));

describe('distributed search: workers of many processes share a study in PostgreSQL', { skip }, () => {
  let server: PostgresServer;

  before(async () => {
    server = await startPostgres();
  });
  after(async () => {
    await server?.dispose();
  });

  /** Creates a study with `search --workers 0`; returns its URL. */
  const createStudy = async (study: string, method: string, budget: string, ...limit: string[]): Promise<string> => {
    const url = server.url(await server.createDatabase());
    const args = ['search', '--trainer', 'replay', '--metadataset', real.dir, '--task', TASK, '--method', method, '--budget', budget, ...limit];
    const created = await runCli([...args, '--storage', url, '--study', study, '--workers', '0']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, new RegExp(`Study ready: postgres://qt:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/\\w+ \\(study ${study}\\), \\d+ pipelines, budget`));
    assert.doesNotMatch(created.stdout + created.stderr, new RegExp(server.password));
    return url;
  };

  const startWorkers = (count: number, url: string, study: string, scale: string, env: Record<string, string>): CliProcess[] =>
    Array.from({ length: count }, () => startCli(['--log-level', 'debug', '--json', 'worker', '--storage', url, '--study', study, '--time-scale', scale], env, 240_000));

  test('bad input exits 2 with one line and never the password: a study that exists, a wrong password, no server, SQL for a name, another dataset', { timeout: 240_000 }, async () => {
    const url = await createStudy('taken', 'asha', '1m');
    const again = await runCli(['search', '--trainer', 'replay', '--metadataset', real.dir, '--task', TASK, '--method', 'asha', '--storage', url, '--study', 'taken', '--workers', '0']);
    const wrong = url.replace(encodeURIComponent(server.password), 'hunter2-wrong');
    const cases: Array<[string, readonly string[], RegExp]> = [
      ['an existing study without --resume', [], /\(study taken\): a study already exists here; add --resume to continue it, or choose another --study/],
      ['a wrong password', ['worker', '--storage', wrong, '--study', 'taken'], /\(study taken\): cannot use PostgreSQL: password authentication failed for user "qt"/],
      ['no server', ['status', '--storage', `postgres://qt:${server.password}@127.0.0.1:1/nodb`, '--study', 'taken'], /postgres:\/\/qt:\*\*\*@127\.0\.0\.1:1\/nodb \(study taken\): cannot use PostgreSQL: .*ECONNREFUSED/],
      ['SQL as a study name', ['report', '--storage', url, '--study', "x'; DROP TABLE quicktune.entries; --"], /--study: a study name is 1-63 letters/],
    ];
    for (const [what, args, pattern] of cases) {
      const result = args.length === 0 ? again : await runCli(args);
      assert.equal(result.code, 2, `${what}: ${result.stderr}`);
      const errors = errorLines(result.stderr);
      assert.equal(errors.length, 1, `${what}: one error line\n${result.stderr}`);
      assert.match(errors[0] ?? '', pattern, what);
      for (const secret of [server.password, 'hunter2-wrong']) assert.ok(!result.stderr.includes(secret) && !result.stdout.includes(secret), `${what}: a password was printed`);
    }
    assert.equal((await server.sql(new URL(url).pathname.slice(1), 'SELECT count(*)::int AS n FROM quicktune.entries')).rows[0]?.n > 0, true, 'the tables are intact');

    const other = await runCli(['worker', '--storage', url, '--study', 'taken', '--metadataset', real.dir, '--task', 'ACT_410', '--time-scale', FAST]);
    assert.equal(other.code, 2, other.stderr);
    const lines = errorLines(other.stderr);
    assert.ok(lines.some((l) => /cannot join the study: dataset: the files differ from the run's/.test(l)), other.stderr);
    assert.ok(lines.some((l) => /cannot join the study: trainer task: the run used "MED_LF", this invocation "ACT_410"/.test(l)), other.stderr);
    assert.equal((await readStudyEntries(url, 'taken')).snapshot.sessions.length, 1, 'a refused worker adds no session');
  });

  test('8 worker processes share one study: no (pipeline, epoch) under two live leases or recorded twice, the incumbent is the best score, the budget holds', { timeout: 300_000 }, async () => {
    const budget = 15;
    const url = await createStudy('eight', 'asha', `${budget}s`);
    const workers = startWorkers(8, url, 'eight', FAST, { QUICKTUNE_LEASE_SECONDS: '20' });
    const ends = await Promise.all(workers.map((w) => w.done));
    for (const [k, end] of ends.entries()) {
      assert.equal(end.code, 0, `worker ${k + 1}: ${workers[k]?.stderr().slice(-3000)}`);
      assert.equal(JSON.parse(workers[k]?.stdout() ?? '{}').stop_reason, 'budget');
    }
    const { entries, snapshot } = await readStudyEntries(url, 'eight');
    const { runs } = checkTrainerRuns(entries, workers.flatMap((w) => w.lines));
    const ok = snapshot.steps.filter((s) => s.status === 'ok');
    assert.ok(ok.length >= 16, `only ${ok.length} steps`);
    assert.equal(runs, entries.filter((e) => e.op === 'claim').length, 'each claim ran its trainer once');
    // NOTE: the study's clock starts when the first worker joins; on a loaded machine the last ones join later.
    const sessions = snapshot.sessions.filter((s) => s.role === 'worker');
    const origin = Date.parse(sessions[0]?.clockOrigin ?? '');
    const stepsBy = new Set(snapshot.steps.map((s) => s.worker));
    for (const session of sessions) {
      const joinedAt = (Date.parse(session.startedAt) - origin) / 1000;
      if (joinedAt < budget - 3) assert.ok(session.workers.every((w) => stepsBy.has(w)), `the worker that joined at ${joinedAt} s recorded no step`);
    }
    assert.ok(stepsBy.size >= 2, 'several workers recorded steps');
    assert.equal(snapshot.running.length, 0);
    assert.equal(snapshot.sessions.filter((s) => s.role === 'worker' && s.stop?.reason === 'budget').length, 8);

    const best = Math.max(...ok.map((s) => s.score ?? 0));
    const report = await runCli(['--json', 'report', '--storage', url, '--study', 'eight']);
    assert.equal(report.code, 0, report.stderr);
    assert.equal(JSON.parse(report.stdout).incumbent.score, best);
    assert.equal(JSON.parse(report.stdout).steps.length, snapshot.steps.length);
    const status = await runCli(['--json', 'status', '--storage', url, '--study', 'eight']);
    assert.equal(status.code, 0, status.stderr);
    const json = JSON.parse(status.stdout);
    assert.deepEqual(Object.keys(json), ['steps', 'workers', 'incumbent', 'budget']);
    assert.deepEqual(json.steps, { running: 0, ok: ok.length, failed: snapshot.steps.length - ok.length, expired: 0 });
    assert.equal(json.incumbent.score, best);
    assert.equal(json.budget.seconds_total, budget);
    assert.deepEqual(json.workers, [], 'every worker stopped');
    const text = await runCli(['status', '--storage', url, '--study', 'eight']);
    assert.match(text.stdout, new RegExp(`steps: 0 running, ${ok.length} ok`));

    // NOTE: a step starts only while the study's clock is under budget (the wait for the study's lock aside, a
    // few seconds at most on a loaded machine); the steps running then finish, the longest in LONGEST_STEP.
    for (const entry of entries) if (entry.op === 'claim') assert.ok(Number(entry.started_at) < budget + 5, `a step started at ${String(entry.started_at)} s`);
    const last = Math.max(...snapshot.steps.map((s) => s.finishedAt));
    assert.ok(last <= budget + LONGEST_STEP + 10, `the last step finished at ${last} s`);
  });

  test('kill -9 of a worker mid-step: its lease expires, another worker runs the step again, one ok record', { timeout: 300_000 }, async () => {
    // NOTE: a step limit rather than a time budget: the test does not depend on how fast a loaded machine is.
    const url = await createStudy('killed', 'random', '10m', '--max-steps', '30');
    // NOTE: random search continues a started curve whose claim expired before drawing a new one.
    const workers = startWorkers(2, url, 'killed', '0.05', { QUICKTUNE_LEASE_SECONDS: '2' });
    // NOTE: the first worker to start a second epoch is killed (on a loaded machine the others join later).
    const midStep = (line: LogLine): boolean => line.msg === 'step started' && Number(line.epoch) >= 2;
    const { victim, started } = await Promise.any(workers.map(async (victim) => ({ victim, started: await victim.waitForLine(midStep, 150_000) })));
    victim.kill('SIGKILL');
    const survivors = workers.filter((w) => w !== victim);
    const ends = await Promise.all(workers.map((w) => w.done));
    assert.equal(ends[workers.indexOf(victim)]?.signal, 'SIGKILL');
    for (const w of survivors) assert.equal((await w.done).code, 0, w.stderr().slice(-3000));

    const { entries, snapshot } = await readStudyEntries(url, 'killed');
    checkTrainerRuns(entries, workers.flatMap((w) => w.lines));
    const target = (e: { config_id?: unknown; epoch?: unknown }): boolean => e.config_id === started.configId && e.epoch === started.epoch;
    const claims = entries.filter((e) => e.op === 'claim' && target(e));
    const killedClaim = claims.find((c) => c.worker === started.worker);
    assert.ok(killedClaim, 'the killed worker claimed the step');
    assert.ok(!snapshot.steps.some((s) => target({ config_id: s.configId, epoch: s.epoch }) && s.worker === started.worker), 'the kill came after the step was recorded');
    assert.ok(
      snapshot.expired.some((e) => e.claim === killedClaim.claim && /lease/.test(e.reason)),
      'the killed worker claim expired',
    );
    const rerun = claims.filter((c) => c.worker !== started.worker);
    assert.equal(rerun.length, 1, `the step was claimed again by another worker (claims: ${JSON.stringify(claims)})`);
    const records = snapshot.steps.filter((s) => target({ config_id: s.configId, epoch: s.epoch }));
    assert.deepEqual(records.map((s) => [s.status, s.worker]), [['ok', rerun[0]?.worker]], 'exactly one ok record, by the worker that ran it again');
    assert.equal(snapshot.sessions.find((s) => s.pid === victim.pid)?.stop, undefined, 'the killed session never stopped');
  });

  test('PostgreSQL stopped and restarted mid-study: workers wait, reconnect and finish; nothing recorded is lost or doubled', { timeout: 300_000 }, async () => {
    const url = await createStudy('restart', 'asha', '10m', '--max-steps', '50');
    const workers = startWorkers(2, url, 'restart', FAST, { QUICKTUNE_LEASE_SECONDS: '5' });
    let before = await readStudyEntries(url, 'restart');
    for (const deadline = Date.now() + 150_000; before.snapshot.steps.length < 6; ) {
      assert.ok(Date.now() < deadline, `no progress before the restart: ${workers[0]?.stderr().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      before = await readStudyEntries(url, 'restart');
    }
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await server.start();
    const ends = await Promise.all(workers.map((w) => w.done));
    for (const [k, end] of ends.entries()) assert.equal(end.code, 0, `worker ${k + 1}: ${workers[k]?.stderr().slice(-3000)}`);

    const { entries, snapshot } = await readStudyEntries(url, 'restart');
    checkLeases(entries);
    assert.deepEqual(entries.slice(0, before.entries.length), before.entries, 'every entry committed before the restart is kept as it was');
    assert.ok(snapshot.steps.length > before.snapshot.steps.length, 'steps were recorded after the restart');
    const stderr = workers.map((w) => w.stderr()).join('\n');
    assert.match(stderr, /the connection to PostgreSQL is lost; retrying/);
    assert.match(stderr, /reconnected to PostgreSQL/);
    assert.match(stderr, /postgres:\/\/qt:\*\*\*@127\.0\.0\.1/);
    assert.ok(!stderr.includes(server.password), 'a password was logged');
  });
});
