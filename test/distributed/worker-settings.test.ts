import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.ts';
import { statusText, studyStatus } from '../../src/report/study-status.ts';
import { targetSettingsOf, workerSeed } from '../../src/search/study-worker.ts';
import { workerSettings } from '../../src/search/worker-settings.ts';
import { claimEntry, expireEntry, headerEntry, sessionEntry, stepEntry } from '../../src/storage/journal-ops.ts';
import { replayJournal } from '../../src/storage/replica.ts';
import type { RunHeader } from '../../src/storage/types.ts';

const URL = 'postgres://qt:s3cret@db.example/qt';

test('worker flags: shared storage and a plain study name are required; contradictions are named, all at once', () => {
  const settings = workerSettings({ storage: URL, study: 'demo', workers: '3', gpus: '0,1', timeScale: '0.1' }, {});
  assert.equal(settings.workers, 3);
  assert.deepEqual(settings.gpus, ['0', '1']);
  assert.equal(settings.timeScale, 0.1);
  assert.equal(settings.artifacts, resolve('.quicktune', 'workers', 'demo'));
  assert.throws(
    () => workerSettings({ storage: 'runs/a/journal.jsonl', study: "a'; DROP TABLE x", dataset: 'imgs', metadataset: 'md', workers: '0', trainer: 'tfjs', trainerCmd: 'x' }, {}),
    (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.deepEqual(
        error.problems.map((p) => p.split(':')[0]),
        ['--storage', '--study', '--dataset and --metadataset exclude each other', '--metadataset only applies to --trainer replay (this worker uses \'tfjs\')', '--trainer-cmd only applies to --trainer command (this worker uses \'tfjs\')', '--workers'],
      );
      assert.ok(!error.message.includes('s3cret'));
      return true;
    },
  );
});

const header = (trainer: Record<string, unknown>, path: string): RunHeader => ({
  seed: 7,
  dataset: { path, fingerprint: 'f' },
  spaceHash: 's',
  trainer,
  optimizer: { name: 'asha' },
  maxEpochs: 50,
  quicktune: 'test',
  createdAt: '2026-01-01T00:00:00.000Z',
  budget: { seconds: 60 },
});

test("a worker's target comes from its flags, else from the study; never a command or a module path read from the database", () => {
  const base = workerSettings({ storage: URL, study: 'demo' }, {});
  const replay = targetSettingsOf(base, header({ trainer: 'replay', task: 'DOG', pipelines: 3 }, '/data/md#DOG'));
  assert.deepEqual(replay.replay, { metadataset: '/data/md', task: 'DOG', timeScale: 1 });
  assert.equal(replay.seed, 7);
  const scaled = targetSettingsOf(workerSettings({ storage: URL, study: 'demo', timeScale: '0.5', task: 'CRS' }, {}), header({ trainer: 'replay' }, '/data/md#DOG'));
  assert.deepEqual(scaled.replay, { metadataset: '/data/md', task: 'CRS', timeScale: 0.5 });

  const images = targetSettingsOf(base, header({ name: 'tfjs', dataset: '/data/imgs' }, '/data/imgs'));
  assert.equal(images.trainer, 'tfjs');
  assert.equal(images.dataset, '/data/imgs');
  const mine = targetSettingsOf(workerSettings({ storage: URL, study: 'demo', dataset: 'here' }, {}), header({ name: 'tfjs' }, '/data/imgs'));
  assert.equal(mine.dataset, resolve('here'));

  assert.throws(() => targetSettingsOf(base, header({ name: 'command', command: 'rm -rf /', timeout_s: null }, '/d')), /--trainer-cmd: the study uses the command trainer/);
  const command = targetSettingsOf(workerSettings({ storage: URL, study: 'demo', trainerCmd: 'python3 t.py' }, {}), header({ name: 'command', command: 'python3 t.py', timeout_s: 30 }, '/d'));
  assert.deepEqual([command.trainerCmd, command.stepTimeoutSeconds], ['python3 t.py', 30]);
  assert.throws(() => targetSettingsOf(base, header({ name: '/tmp/evil.js' }, '/d')), /--trainer: the study does not use a built-in trainer/);
});

test('each worker session draws with a seed of its own, reproducible from the study seed', () => {
  assert.equal(workerSeed(0, 2), workerSeed(0, 2));
  const seeds = new Set([2, 3, 4, 5, 6, 7, 8, 9].map((session) => workerSeed(0, session)));
  assert.equal(seeds.size, 8);
  assert.notEqual(workerSeed(0, 2), workerSeed(1, 2));
  for (const seed of seeds) assert.ok(Number.isInteger(seed) && seed >= 0);
});

test('status: steps by state, the workers of open sessions with what they run, the incumbent, the clock against the budget', () => {
  // NOTE: claim and expiry entries carry the real time of their making; the study's times are around now.
  const t0 = Math.floor(Date.now() / 1000) * 1000;
  const at = (s: number): string => new Date(t0 + s * 1000).toISOString();
  const session = (n: number, role: 'search' | 'worker', workers: string[], host: string) => ({
    ...sessionEntry({ n, startedAt: at(n), pid: n, host, quicktune: 'test', budget: role === 'search' ? { seconds: 600 } : {}, role, workers, clockOrigin: at(1) }),
  });
  const entries = [
    headerEntry({ ...header({ name: 'test' }, 'd'), budget: { seconds: 600 } }),
    { op: 'pool', pipelines: [{ id: 'p1', config: { model: 'm1' } }, { id: 'p2', config: { model: 'm2' } }, { id: 'p3', config: { model: 'm3' } }] },
    session(1, 'search', [], 'creator'),
    { op: 'stop', session: 1, reason: 'created', seconds: 0, at: at(1) },
    session(2, 'worker', ['a:1:1'], 'a'),
    session(3, 'worker', ['b:2:1'], 'b'),
    claimEntry({ claim: 'c1', configId: 'p1', epoch: 1, worker: 'a:1:1', startedAt: 2 }, 60),
    stepEntry(0, { configId: 'p1', epoch: 1, score: 0.6, seconds: 3, status: 'ok', final: false, finishedAt: 5, worker: 'a:1:1', startedAt: 2 }, 'c1'),
    claimEntry({ claim: 'c2', configId: 'p2', epoch: 1, worker: 'b:2:1', startedAt: 3 }, 60),
    expireEntry('c2', 'its worker stopped renewing the lease'),
    claimEntry({ claim: 'c3', configId: 'p1', epoch: 2, worker: 'a:1:1', startedAt: 6 }, 60),
  ];
  const run = replayJournal('postgres://qt:***@db/qt (study demo)', entries);
  const status = studyStatus(run, new Map([['a:1:1', at(30)]]), t0 + 61_000);
  assert.deepEqual(status.steps, { running: 1, ok: 1, failed: 0, expired: 1 });
  assert.deepEqual(status.workers, [
    { id: 'a:1:1', host: 'a', running: { config_id: 'p1', epoch: 2 }, last_seen: at(30) },
    { id: 'b:2:1', host: 'b', running: null, last_seen: at(3) },
  ]);
  assert.deepEqual(status.incumbent, { config_id: 'p1', config: { model: 'm1' }, score: 0.6, epoch: 1 });
  assert.deepEqual(status.budget, { seconds_used: 60, seconds_total: 600 });
  const text = statusText(run.location, status, t0 + 61_000);
  assert.match(text, /steps: 1 running, 1 ok, 0 failed, 1 expired/);
  assert.match(text, /clock: 1m00s of 10m00s/);
  assert.match(text, /a:1:1 {2}running p1 epoch 2, last seen 31s ago/);
  assert.equal(studyStatus(run, new Map(), t0 + 3600_000).budget.seconds_used, 5, 'a study quiet for an hour is not running: its recorded clock');
});
