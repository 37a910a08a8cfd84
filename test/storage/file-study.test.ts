import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { loadRun } from '../../src/storage/index.ts';
import { StudyRecorder } from '../helpers/study-recorder.ts';
import { failedStep, FIXTURE_POOL, fixtureIdentity, okStep } from '../helpers/run-fixture.ts';

const tempJournal = async (): Promise<string> => join(await mkdtemp(join(tmpdir(), 'qt-run-')), 'run', 'journal.jsonl');
const budget = { seconds: 3600 };

test('a created run replays to the same header, pool and steps, in order', async () => {
  const journal = await tempJournal();
  const store = await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL });
  const steps = [okStep('p-alpha', 1, 0.5, 10), okStep('p-beta', 1, 0.6, 20), failedStep('p-gamma', 1, 23), okStep('p-alpha', 2, 0.7, 33)];
  for (const step of steps) await store.recordStep(step);
  await store.stop('budget', 40);
  await store.close();

  const run = await loadRun(join(journal, '..'));
  assert.equal(run.location, journal);
  assert.deepEqual(run.pool, FIXTURE_POOL);
  assert.deepEqual(run.steps, steps);
  assert.equal(run.header.seed, 0);
  assert.deepEqual(run.header.trainer, fixtureIdentity().trainer);
  assert.deepEqual(run.header.budget, budget);
  assert.equal(run.sessions.length, 1);
  assert.equal(run.sessions[0]?.stop?.reason, 'budget');
  assert.equal(run.elapsedSeconds, 40);
  assert.equal(run.warnings.length, 0);
  assert.ok(Object.isFrozen(run.steps[0]), 'records handed out are frozen');
});

test('a run cannot be created twice; resume continues it with a new session and the previous steps', async () => {
  const journal = await tempJournal();
  const first = await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL });
  await first.recordStep(okStep('p-alpha', 1, 0.5, 10));
  await first.close();
  await assert.rejects(StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL }), /already exists.*--resume/);

  const second = await StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget: { seconds: 7200 } });
  assert.deepEqual(second.previousSteps, [okStep('p-alpha', 1, 0.5, 10)]);
  assert.equal(second.run.elapsedSeconds, 10);
  await second.recordStep(okStep('p-alpha', 2, 0.55, 25));
  await second.close();
  const run = await loadRun(journal);
  assert.equal(run.steps.length, 2);
  assert.deepEqual(run.sessions.map((s) => [s.n, s.stepsBefore, s.budget.seconds]), [[1, 0, 3600], [2, 1, 7200]]);
});

test('resume refuses an invocation that differs from the run, naming every difference', async () => {
  const journal = await tempJournal();
  await (await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL })).close();
  const other = fixtureIdentity({
    seed: 1,
    spaceHash: 'e'.repeat(64),
    trainer: { name: 'command', command: 'python3 other.py' },
    dataset: { path: '/data/imgs', fingerprint: 'sha256:ffff' },
  });
  await assert.rejects(StudyRecorder.resume({ journal, identity: other, budget }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.exitCode, 2);
    assert.equal(error.problems.length, 4, error.message);
    assert.match(error.problems[0] ?? '', /cannot resume: --seed: the run used 0, this invocation 1/);
    assert.match(error.message, /cannot resume: dataset: the files differ/);
    assert.match(error.message, /cannot resume: search space: differs/);
    assert.match(error.message, /cannot resume: trainer command: the run used "python3 train\.py", this invocation "python3 other\.py"/);
    return true;
  });
  // The refused attempt released its lock and wrote nothing.
  const again = await StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget });
  await again.close();
  assert.equal((await loadRun(journal)).sessions.length, 2);
});

test('resume tolerates a torn last line (warning) and the next step follows the last complete one', async () => {
  const journal = await tempJournal();
  const store = await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL });
  await store.recordStep(okStep('p-alpha', 1, 0.5, 10));
  await store.close();
  await appendFile(journal, '{"op":"step","seq":1,"config_id":"p-al');
  const torn = await loadRun(journal);
  assert.equal(torn.steps.length, 1);
  assert.match(torn.warnings[0] ?? '', /torn last line/);
  const resumed = await StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget });
  await resumed.recordStep(okStep('p-alpha', 2, 0.6, 20));
  await resumed.close();
  const run = await loadRun(journal);
  assert.deepEqual(run.steps.map((s) => s.epoch), [1, 2]);
  assert.deepEqual(run.warnings, []);
});

test('a journal with a lost or repeated step, a foreign pipeline or no pool is rejected as corrupt', async () => {
  const journal = await tempJournal();
  const store = await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL });
  await store.recordStep(okStep('p-alpha', 1, 0.5, 10));
  await store.close();
  const good = await readFile(journal, 'utf8');
  const line = (seq: number, id: string, epoch: number): string =>
    `${JSON.stringify({ op: 'step', seq, config_id: id, epoch, score: 0.5, seconds: 1, status: 'ok', final: false, finished_at: 11 })}\n`;
  await writeFile(journal, good + line(0, 'p-alpha', 2) + line(2, 'p-alpha', 3));
  await assert.rejects(loadRun(journal), /entry 6: step number 0 where 1 was expected/);
  await writeFile(journal, good + line(1, 'p-zeta', 1) + line(2, 'p-alpha', 2));
  await assert.rejects(loadRun(journal), /entry 6: step for pipeline 'p-zeta', which is not in the pool/);
  await writeFile(journal, good + line(1, 'p-alpha', 1) + line(2, 'p-alpha', 2));
  await assert.rejects(loadRun(journal), /entry 6: pipeline 'p-alpha' epoch 1 follows epoch 1/);
  await writeFile(journal, `${good.split('\n')[0] ?? ''}\n`);
  await assert.rejects(loadRun(journal), /has no candidate pool/);
  await writeFile(journal, '{"op":"step"}\n{"op":"x"}\n');
  await assert.rejects(loadRun(journal), /entry 1: not a valid journal entry/);
});

test('a second process cannot open a run while the first holds it; the lock is freed on close', async () => {
  const journal = await tempJournal();
  const store = await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL });
  await assert.rejects(StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget }), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, new RegExp(`journal\\.jsonl\\.lock: the run is in use by process ${process.pid} on `));
    return true;
  });
  await store.close();
  await (await StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget })).close();
});

test('a lock left by a dead process is stale and taken over; one from another host is respected', async () => {
  const journal = await tempJournal();
  await (await StudyRecorder.create({ journal, identity: fixtureIdentity(), budget, pool: FIXTURE_POOL })).close();
  const dead = await new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0']);
    child.on('error', reject);
    child.on('exit', () => resolve(child.pid ?? -1));
  });
  await writeFile(`${journal}.lock`, JSON.stringify({ pid: dead, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
  const store = await StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget });
  assert.equal(JSON.parse(await readFile(`${journal}.lock`, 'utf8')).pid, process.pid);
  await store.close();

  await writeFile(`${journal}.lock`, JSON.stringify({ pid: dead, host: 'elsewhere.example', since: '2026-01-01T00:00:00.000Z' }));
  await assert.rejects(StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget }), /in use by process \d+ on elsewhere\.example/);
  await writeFile(`${journal}.lock`, 'garbage');
  await assert.rejects(StudyRecorder.resume({ journal, identity: fixtureIdentity(), budget }), /lock file quicktune cannot read/);
});

test('loadRun names a missing run directory or one without a journal', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-run-'));
  await assert.rejects(loadRun(join(dir, 'nope')), /nope: no such run directory or journal file/);
  await assert.rejects(loadRun(dir), /not a run directory \(no journal\.jsonl in it\)/);
});
