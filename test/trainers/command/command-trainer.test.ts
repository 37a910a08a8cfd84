import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { TrainerError } from '../../../src/errors.ts';
import { setRootLogger } from '../../../src/logging.ts';
import { CommandTrainer, type CommandTrainerOptions } from '../../../src/trainers/command/command-trainer.ts';
import type { TrainStep } from '../../../src/trainers/types.ts';
import { fixturePath } from '../../helpers/paths.ts';
import { shellQuote, waitGone } from '../../helpers/processes.ts';

const TOY = `${shellQuote(process.execPath)} ${shellQuote(fixturePath('trainers', 'toy-trainer.mjs'))}`;
const CONFIG = { model: 'net_a', lr: 0.001, opt: 'adam' };

/** Log lines written by quicktune during the tests, parsed. */
const logged: Array<Record<string, unknown>> = [];
setRootLogger(
  pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    }),
  ),
);

async function trainer(mode: string, extra: Partial<CommandTrainerOptions> = {}): Promise<{ trainer: CommandTrainer; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'qt-cmd-'));
  const options = { command: `${TOY} ${mode}`, dataPath: join(root, 'data'), seed: 0, checkpointRoot: join(root, 'ckpt'), ...extra };
  return { trainer: new CommandTrainer(options), root };
}

function step(epoch: number, checkpointDir?: string, signal = new AbortController().signal): TrainStep {
  return { configId: 'p-alpha', config: CONFIG, epoch, maxEpochs: 10, checkpointDir, signal };
}

async function rejection(promise: Promise<unknown>): Promise<TrainerError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TrainerError, String(error));
    return error;
  }
  throw new assert.AssertionError({ message: 'expected the step to be rejected' });
}

test('an ok step returns the score and seconds the program printed, and leaves its checkpoint', async () => {
  const { trainer: toy, root } = await trainer('ok');
  const outcome = await toy.train(step(1));
  assert.ok(outcome.score > 0 && outcome.score < 1);
  assert.ok(outcome.seconds >= 1 && outcome.seconds <= 10, 'seconds reported by the program, not the process wall time');
  const state = JSON.parse(await readFile(join(root, 'ckpt', 'p-alpha', 'epoch-1', 'state.json'), 'utf8'));
  assert.equal(state.epoch, 1);
  assert.deepEqual(toy.describe(), { name: 'command', command: `${TOY} ok`, protocol: 1, timeout_s: null });
  assert.ok(logged.some((l) => l.level === 20 && typeof l.msg === 'string' && l.msg.startsWith('toy-trainer: config p-alpha epoch 1/10')), 'program output is logged at debug');
});

test('later epochs resume from the previous checkpoint: the curve rises and depends on what the checkpoint holds', async () => {
  const { trainer: toy, root } = await trainer('ok');
  const dir = join(root, 'run', 'p-alpha');
  const scores: number[] = [];
  for (let epoch = 1; epoch <= 4; epoch++) scores.push((await toy.train(step(epoch, dir))).score);
  for (let i = 1; i < scores.length; i++) assert.ok((scores[i] ?? 0) > (scores[i - 1] ?? 1), `scores rise: ${scores.join(', ')}`);
  assert.deepEqual((await readdir(dir)).sort(), ['epoch-1', 'epoch-2', 'epoch-3', 'epoch-4'], 'the trainer deletes no checkpoint: the search prunes');

  // Same config, fresh folder: the same curve (deterministic), so a changed checkpoint must change the score.
  const other = join(root, 'run2', 'p-alpha');
  assert.equal((await toy.train(step(1, other))).score, scores[0]);
  await writeFile(join(other, 'epoch-1', 'state.json'), JSON.stringify({ epoch: 1, config_id: 'p-alpha', progress: 0.999 }));
  assert.ok((await toy.train(step(2, other))).score > (scores[3] ?? 1));
});

test('the program writes into epoch-<k>.partial; a re-run of an epoch replaces the old folder whole', async () => {
  const { trainer: toy, root } = await trainer('ok');
  const dir = join(root, 'run', 'p-alpha');
  await toy.train(step(1, dir));
  const second = await toy.train(step(2, dir));
  // Epoch 2 ran before (say, a crash before it was recorded) and left a file the new run does not write.
  await writeFile(join(dir, 'epoch-2', 'stale.txt'), 'from the unrecorded run');
  await writeFile(join(dir, 'epoch-2', 'state.json'), JSON.stringify({ epoch: 2, config_id: 'p-alpha', progress: 0.5 }));
  assert.equal((await toy.train(step(2, dir))).score, second.score);
  assert.deepEqual((await readdir(join(dir, 'epoch-2'))).sort(), ['state.json']);
  assert.deepEqual((await readdir(dir)).sort(), ['epoch-1', 'epoch-2']);
  assert.ok(toy.checkpoints.path(dir, 2).endsWith(join('p-alpha', 'epoch-2')));
});

test('checkpoints.prune deletes every epoch folder but the kept ones and counts the bytes; bytes() sums the folder', async () => {
  const { trainer: toy, root } = await trainer('ok');
  const dir = join(root, 'run', 'p-alpha');
  for (let epoch = 1; epoch <= 4; epoch++) await toy.train(step(epoch, dir));
  await mkdir(join(dir, 'epoch-5.partial'));
  await writeFile(join(dir, 'epoch-5.partial', 'half.bin'), Buffer.alloc(1000));
  const sizeOf = async (epoch: number): Promise<number> => (await stat(join(dir, `epoch-${epoch}`, 'state.json'))).size;
  const before = await toy.checkpoints.bytes(dir);
  assert.equal(before, (await sizeOf(1)) + (await sizeOf(2)) + (await sizeOf(3)) + (await sizeOf(4)) + 1000);
  const expected = (await sizeOf(1)) + (await sizeOf(3));
  assert.equal(await toy.checkpoints.prune(dir, [2, 4]), expected);
  assert.deepEqual((await readdir(dir)).sort(), ['epoch-2', 'epoch-4', 'epoch-5.partial'], 'a step still writing is left alone');
  assert.equal(await toy.checkpoints.bytes(dir), before - expected);
  assert.equal(await toy.checkpoints.prune(join(root, 'absent'), []), 0);
  assert.equal(await toy.checkpoints.bytes(join(root, 'absent')), 0);
});

test('a step whose input checkpoint is missing is rejected before the program runs', async () => {
  const { trainer: toy, root } = await trainer('ok');
  const error = await rejection(toy.train(step(3, join(root, 'nothing-here'))));
  assert.match(error.message, /checkpoint of epoch 2 missing/);
});

test('a crash is rejected with the exit code and last stderr line; the stderr tail goes to the log', async () => {
  const { trainer: toy, root } = await trainer('crash');
  const error = await rejection(toy.train(step(1)));
  assert.equal(error.message, 'training program exited with code 1: RuntimeError: CUDA out of memory');
  const warning = logged.find((l) => l.level === 40 && typeof l.stderr === 'string' && l.stderr.includes('Traceback (most recent call last):'));
  assert.ok(warning, 'a warning with the stderr tail');
  assert.deepEqual(await readdir(join(root, 'ckpt', 'p-alpha')), [], 'a failed epoch leaves no checkpoint, nor its scratch folder');
});

test('a hanging program is killed with its whole process tree when the step times out', { timeout: 30_000 }, async () => {
  // NOTE: 3 s leaves a loaded machine time to start node and write the pids before the step times out.
  const { trainer: toy, root } = await trainer('hang', { timeoutSeconds: 3, killGraceSeconds: 0.3 });
  const dir = join(root, 'ckpt', 'p-alpha');
  const pidsFile = join(dir, 'epoch-1.partial', 'pids');
  const pending = toy.train(step(1));
  let settled = false;
  const outcome = rejection(pending).finally(() => (settled = true));
  // Read the pids while the step runs: a failed step's checkpoint folder is removed afterwards.
  let pids: number[] = [];
  while (pids.length < 2 && !settled) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (existsSync(pidsFile)) pids = (await readFile(pidsFile, 'utf8').catch(() => '')).trim().split(' ').filter(Boolean).map(Number);
  }
  const error = await outcome;
  assert.equal(pids.length, 2, "the program wrote its pid and its child's before the step timed out");
  assert.equal(error.message, 'training step timed out after 3s (process tree killed)');
  assert.deepEqual(await waitGone(pids), [], 'the program (which ignores SIGTERM) and its child are gone');
});

test('an abort (shutdown) stops the running program and rejects', { timeout: 30_000 }, async () => {
  const { trainer: toy } = await trainer('hang', { killGraceSeconds: 0.2 });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const error = await rejection(toy.train(step(1, undefined, controller.signal)));
  assert.match(error.message, /aborted/);
});

test('garbage output is rejected: no result line, or a score outside [0, 1]', async () => {
  const garbage = await rejection((await trainer('garbage')).trainer.train(step(1)));
  assert.equal(garbage.message, 'training program printed no result line (a JSON object with "score" on stdout)');
  const percent = await rejection((await trainer('percent')).trainer.train(step(1)));
  assert.equal(percent.message, 'training program reported score 87.5, not in [0, 1] (report a fraction, not a percentage)');
  const missing = await rejection((await trainer('x', { command: 'exec /nonexistent/trainer' })).trainer.train(step(1)));
  assert.match(missing.message, /exited with code 127/);
});

test('a successful program leaves no process behind either', { timeout: 30_000 }, async () => {
  const { trainer: toy, root } = await trainer('straggler');
  await toy.train(step(1));
  const pids = (await readFile(join(root, 'ckpt', 'p-alpha', 'epoch-1', 'pids'), 'utf8')).trim().split(' ').map(Number);
  assert.deepEqual(await waitGone(pids), []);
});
