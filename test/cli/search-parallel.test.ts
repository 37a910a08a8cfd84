import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadRun } from '../../src/storage/index.ts';
import type { StudySnapshot } from '../../src/storage/types.ts';
import { tempDir, writeClassFolders } from '../helpers/image-folder.ts';
import { fixturePath, projectRoot } from '../helpers/paths.ts';
import { shellQuote } from '../helpers/processes.ts';
import { runCli } from '../helpers/run-cli.ts';

const TOY = `${shellQuote(process.execPath)} ${shellQuote(fixturePath('trainers', 'toy-trainer.mjs'))}`;
const ENV = { QUICKTUNE_MAX_EPOCHS: '5' };

function args(data: string, runDir: string, ...extra: string[]): string[] {
  return ['search', '--dataset', data, '--trainer', 'command', '--trainer-cmd', TOY, '--method', 'random-pairs', '--run-dir', runDir, '--budget', '10m', ...extra];
}

/** Starts a search and SIGKILLs it once `ready(run)` holds for its journal. */
function killWhen(argv: string[], runDir: string, env: Record<string, string>, ready: (run: StudySnapshot) => boolean): Promise<StudySnapshot> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(projectRoot(), 'bin', 'quicktune.js'), ...argv], { env: { ...process.env, ...env }, stdio: 'ignore' });
    let seen: StudySnapshot | undefined;
    const poll = setInterval(() => {
      loadRun(runDir)
        .then((run) => {
          if (seen === undefined && ready(run)) {
            seen = run;
            child.kill('SIGKILL');
          }
        })
        .catch(() => undefined);
    }, 40);
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('close', () => {
      clearInterval(poll);
      clearTimeout(guard);
      if (seen === undefined) reject(new Error('the search ended before three steps were running'));
      else resolve(seen);
    });
  });
}

test('--workers 3: kill -9 while 3 steps run, then --resume: nothing recorded is lost or recorded twice, the 3 steps run again', { timeout: 150_000 }, async () => {
  const data = await writeClassFolders(join(await tempDir('qt-parallel-'), 'imgs'), ['cat', 'dog'], 3);
  const runDir = join(await tempDir('qt-parallel-'), 'run');
  const env = { ...ENV, QT_TOY_DELAY_MS: '700' };
  const killed = await killWhen(args(data, runDir, '--workers', '3', '--max-steps', '60'), runDir, env, (run) => run.steps.length >= 3 && run.running.length === 3);
  const before = await loadRun(runDir);
  assert.ok(before.steps.length >= killed.steps.length);
  const interrupted = before.running.map((r) => `${r.configId}@${r.epoch}`);
  assert.ok(interrupted.length >= 1 && interrupted.length <= 3, `${interrupted.length} claims open after the kill`);

  const total = before.steps.length + 9;
  const resumed = await runCli(args(data, runDir, '--workers', '3', '--max-steps', String(total), '--resume', '--json'), { env: ENV });
  assert.equal(resumed.code, 0, resumed.stderr);
  const run = await loadRun(runDir);
  assert.equal(run.steps.length, total);
  assert.deepEqual(run.steps.slice(0, before.steps.length), before.steps, 'every step recorded before the kill is kept as it was');
  const keys = run.steps.map((s) => `${s.configId}@${s.epoch}`);
  assert.equal(new Set(keys).size, keys.length, 'no (pipeline, epoch) recorded twice');
  assert.deepEqual(
    run.expired.map((e) => `${e.configId}@${e.epoch}`).sort(),
    [...interrupted].sort(),
    'the steps running at the kill expired when the run was resumed',
  );
  assert.equal(run.running.length, 0);
  assert.ok(run.steps.every((s) => s.status === 'ok'), 'no step failed: each rerun found its input checkpoint');
  const workers = new Set(run.steps.slice(before.steps.length).map((s) => s.worker));
  assert.equal(workers.size, 3, 'three worker slots ran steps after the resume');
});

test('--workers and --gpus are checked: bad values exit 2 naming the flag', async () => {
  const data = await writeClassFolders(join(await tempDir('qt-parallel-'), 'imgs'), ['cat', 'dog'], 2);
  for (const [extra, pattern] of [
    [['--workers', 'many'], /--workers: 'many' is not an integer/],
    [['--workers', '0'], /--workers 0 only makes sense with shared storage/],
    [['--gpus', '0,;rm'], /--gpus: ';rm' is not a device id/],
    [['--study', 'x'], /--study names a study in shared storage/],
  ] as const) {
    const result = await runCli(args(data, join(await tempDir('qt-parallel-'), 'run'), ...extra), { env: ENV });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, pattern);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test("--workers 2 --gpus 3,5: each slot's steps get their device in the request, QT_DEVICES and CUDA_VISIBLE_DEVICES", { timeout: 120_000 }, async () => {
  const data = await writeClassFolders(join(await tempDir('qt-gpus-'), 'imgs'), ['cat', 'dog'], 3);
  const root = await tempDir('qt-gpus-');
  const log = join(root, 'devices.jsonl');
  const env = { ...ENV, QT_TOY_DELAY_MS: '300', QT_TOY_DEVICE_LOG: log, CUDA_VISIBLE_DEVICES: '' };
  const result = await runCli(args(data, join(root, 'run'), '--workers', '2', '--gpus', '3,5', '--max-steps', '8', '--json'), { env });
  assert.equal(result.code, 0, result.stderr);
  const seen = (await readFile(log, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { request: string[]; qt: string; cuda: string | null });
  assert.equal(seen.length, 8);
  for (const step of seen) {
    assert.equal(step.request.length, 1, JSON.stringify(step));
    assert.equal(step.qt, step.request.join(','));
    assert.equal(step.cuda, step.request.join(','));
  }
  assert.deepEqual([...new Set(seen.map((s) => s.cuda))].sort(), ['3', '5'], 'both slots ran steps, each on its own device');
  const plain = await runCli(args(data, join(root, 'plain'), '--max-steps', '2', '--json'), { env: { ...env, QT_TOY_DEVICE_LOG: join(root, 'plain.jsonl'), CUDA_VISIBLE_DEVICES: '7' } });
  assert.equal(plain.code, 0, plain.stderr);
  for (const line of (await readFile(join(root, 'plain.jsonl'), 'utf8')).trim().split('\n')) {
    assert.deepEqual(JSON.parse(line), { request: [], qt: '', cuda: '7' }, "without --gpus the machine's own setting is left alone");
  }
});
