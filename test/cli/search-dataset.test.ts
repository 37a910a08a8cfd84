import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../src/storage/index.ts';
import { tempDir, writeClassFolders } from '../helpers/image-folder.ts';
import { fixturePath, projectRoot, realMetadataset } from '../helpers/paths.ts';
import { shellQuote } from '../helpers/processes.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';

const TOY = `${shellQuote(process.execPath)} ${shellQuote(fixturePath('trainers', 'toy-trainer.mjs'))}`;
const ENV = { QUICKTUNE_MAX_EPOCHS: '5' };

async function dataset(): Promise<string> {
  return writeClassFolders(join(await tempDir('qt-search-'), 'imgs'), ['cat', 'dog'], 4);
}

/** `search --dataset` with the toy command trainer and ASHA (no predictor needed). */
function searchArgs(data: string, runDir: string, ...extra: string[]): string[] {
  return ['search', '--dataset', data, '--trainer', 'command', '--trainer-cmd', TOY, '--method', 'asha', '--run-dir', runDir, '--budget', '10m', ...extra];
}

test('a search on an image folder runs the steps, records them and answers with the best pipeline', async () => {
  const data = await dataset();
  const runDir = join(await tempDir('qt-search-'), 'run');
  const result = await runCli(searchArgs(data, runDir, '--max-steps', '8', '--json'), { env: ENV });
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(json), ['incumbent', 'steps', 'seconds', 'trajectory', 'checkpoint']);
  assert.equal(json.steps, 8);
  assert.deepEqual(Object.keys(json.incumbent), ['config_id', 'config', 'score', 'epoch']);
  const run = await loadRun(runDir);
  assert.equal(run.steps.length, 8);
  assert.equal(run.pool.length, 400, 'the shipped paper space, 400 configurations');
  assert.deepEqual(run.header.trainer, { name: 'command', command: TOY, protocol: 1, timeout_s: null });
  assert.equal(run.header.maxEpochs, 5);
  const best = Math.max(...run.steps.map((s) => s.score ?? 0));
  assert.equal(json.incumbent.score, best);
  assert.equal(json.trajectory.at(-1)[1], best);
  for (let i = 1; i < json.trajectory.length; i++) assert.ok(json.trajectory[i][1] > json.trajectory[i - 1][1]);
  assert.ok(existsSync(join(runDir, 'checkpoints', json.incumbent.config_id, `epoch-${json.incumbent.epoch}`, 'state.json')));
  assert.equal(existsSync(join(runDir, 'journal.jsonl.lock')), false, 'the lock is released');

  const text = await runCli(searchArgs(data, join(await tempDir('qt-search-'), 'run'), '--max-steps', '3'), { env: ENV });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Search stopped: the step limit is reached\./);
  assert.match(text.stdout, /Best pipeline: \S+ {2}\(id [0-9a-f]{16}\)\n {2}score 0\.\d{4} after epoch \d/);
  assert.match(text.stdout, /checkpoint: .*epoch-\d/);
  assert.match(text.stdout, /Top \d pipelines:\n\s+#\s+model\s+score\s+at epoch\s+epochs\s+pipeline/);
});

test('--resume continues a run without repeating a step; a new run refuses an existing journal; a different search is refused', async () => {
  const data = await dataset();
  const runDir = join(await tempDir('qt-search-'), 'run');
  assert.equal((await runCli(searchArgs(data, runDir, '--max-steps', '5'), { env: ENV })).code, 0);
  const again = await runCli(searchArgs(data, runDir, '--max-steps', '5'), { env: ENV });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /a study already exists here; add --resume/);

  const other = await runCli(searchArgs(data, runDir, '--max-steps', '9', '--resume', '--seed', '4'), { env: ENV });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /cannot resume: --seed: the run used 0, this invocation 4/);

  const resumed = await runCli(searchArgs(data, runDir, '--max-steps', '9', '--resume', '--json'), { env: ENV });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(JSON.parse(resumed.stdout).steps, 9);
  const run = await loadRun(runDir);
  assert.equal(run.steps.length, 9);
  assert.deepEqual(run.sessions.map((s) => [s.stepsBefore, s.stop?.reason]), [[0, 'max-steps'], [5, 'max-steps']]);
  const keys = run.steps.map((s) => `${s.configId}/${s.epoch}`);
  assert.equal(new Set(keys).size, keys.length, 'no (pipeline, epoch) twice');
});

test('input problems exit 2 naming the folder or the flag, never echoing a storage URL', async () => {
  const data = await dataset();
  const expectations: Array<[string[], RegExp]> = [
    [['search', '--dataset', join(data, 'nope'), '--trainer', 'command', '--trainer-cmd', 'x'], /--dataset .*nope: no such folder/],
    [['search', '--dataset', data, '--storage', 'postgres://u:pw@db/q', '--trainer', 'command', '--trainer-cmd', 'x'], /--study: a study name is required with shared storage/],
    [
      ['search', '--dataset', data, '--storage', 'postgres://u:pw@127.0.0.1:1/q', '--study', 's', '--trainer', 'command', '--trainer-cmd', 'x'],
      /postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/q \(study s\): cannot use PostgreSQL: .*ECONNREFUSED/,
    ],
    [['search', '--dataset', data, '--space', join(data, 'space.yaml'), '--trainer', 'command', '--trainer-cmd', 'x', '--method', 'asha'], /space\.yaml: search space file not found/],
  ];
  for (const [args, pattern] of expectations) {
    const result = await runCli(args, { cwd: await tempDir('qt-search-') });
    assert.equal(result.code, 2, `${args.join(' ')}\n${result.stderr}`);
    assert.match(result.stderr, pattern);
    assert.doesNotMatch(result.stderr, /pw@/);
  }
});

/** Starts a search, waits until its journal holds `steps` steps, then sends `signal` to quicktune itself. */
function searchUntil(args: string[], journalDir: string, steps: number, signal: NodeJS.Signals, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'quicktune.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // NOTE: reads still in flight when the first one sees enough steps must not send a second signal (a second
    // Ctrl-C quits at once); on a loaded machine several overlap.
    let sent = false;
    const poll = setInterval(() => {
      loadRun(journalDir)
        .then((run) => {
          if (!sent && run.steps.length >= steps) {
            sent = true;
            clearInterval(poll);
            child.kill(signal);
          }
        })
        .catch(() => undefined);
    }, 50);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

test('Ctrl-C stops the search cleanly: the interrupted step is not recorded as failed, and --resume continues', { timeout: 120_000 }, async () => {
  const data = await dataset();
  const runDir = join(await tempDir('qt-search-'), 'run');
  const slow = { ...ENV, QT_TOY_DELAY_MS: '400' };
  const interrupted = await searchUntil(searchArgs(data, runDir, '--max-steps', '40'), runDir, 2, 'SIGINT', slow);
  assert.equal(interrupted.code, 0, interrupted.stderr);
  assert.match(interrupted.stdout, /Search stopped: interrupted \(continue with --resume\)/);
  let run = await loadRun(runDir);
  assert.ok(run.steps.length >= 2);
  assert.ok(run.steps.every((s) => s.status === 'ok'), 'no step failed because of the interruption');
  assert.equal(run.sessions[0]?.stop?.reason, 'aborted');

  const resumed = await runCli(searchArgs(data, runDir, '--max-steps', String(run.steps.length + 4), '--resume'), { env: ENV });
  assert.equal(resumed.code, 0, resumed.stderr);
  run = await loadRun(runDir);
  assert.ok(run.steps.every((s) => s.status === 'ok'));
  assert.equal(run.sessions.length, 2);
});

test('kill -9 in the middle of a step: --resume takes over the stale lock and goes on with a consistent journal', { timeout: 120_000 }, async () => {
  const data = await dataset();
  const runDir = join(await tempDir('qt-search-'), 'run');
  const killed = await searchUntil(searchArgs(data, runDir, '--max-steps', '40'), runDir, 3, 'SIGKILL', { ...ENV, QT_TOY_DELAY_MS: '150' });
  assert.equal(killed.code, null);
  const before = await loadRun(runDir);
  assert.ok(existsSync(join(runDir, 'journal.jsonl.lock')), 'a killed process leaves its lock behind');
  assert.equal(before.sessions[0]?.stop, undefined);

  const total = before.steps.length + 6;
  const resumed = await runCli(searchArgs(data, runDir, '--max-steps', String(total), '--resume', '--json'), { env: ENV });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /removed a stale lock/);
  const run = await loadRun(runDir);
  assert.equal(run.steps.length, total);
  assert.deepEqual(run.steps.slice(0, before.steps.length), before.steps, 'the recorded steps are kept as they were');
  assert.ok(run.steps.every((s) => s.status === 'ok'), 'a step cut short by the kill was retrained from its checkpoint input');
});

const real = realMetadataset();

test('the quicktune method searches with a meta-trained predictor (a short one, trained on the real meta-dataset)', { skip: real.skip, timeout: 120_000 }, async () => {
  const work = await tempDir('qt-search-');
  const predictor = join(work, 'predictor');
  const trained = await runCli(['meta-train', '--metadataset', real.dir, '--iterations', '20', '--out', predictor]);
  assert.equal(trained.code, 0, trained.stderr);
  const runDir = join(work, 'run');
  const args = ['search', '--dataset', await dataset(), '--trainer', 'command', '--trainer-cmd', TOY, '--predictor', predictor, '--run-dir', runDir, '--max-steps', '3', '--json'];
  const result = await runCli(args, { env: ENV });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).steps, 3);
  const run = await loadRun(runDir);
  assert.equal(run.header.optimizer.name, 'quicktune');
  assert.ok(run.steps.every((s) => s.status === 'ok'));
});
