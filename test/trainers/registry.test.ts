import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/errors.ts';
import { resolveTrainer, TRAINERS } from '../../src/trainers/index.ts';
import { fixturePath } from '../helpers/paths.ts';

const setup = { dataPath: '/data', seed: 3, runDir: '/tmp/run' };

test('the command trainer is registered and needs --trainer-cmd', async () => {
  const command = await resolveTrainer('command');
  assert.equal(command, TRAINERS.get('command'));
  await assert.rejects(command.create(setup), (error: unknown) => error instanceof UsageError && /--trainer-cmd/.test(error.message));
  const trainer = await command.create({ ...setup, command: 'python3 train.py', stepTimeoutSeconds: 60 });
  assert.deepEqual(trainer.describe(), { name: 'command', command: 'python3 train.py', protocol: 1, timeout_s: 60 });
});

test('an unknown trainer name is a usage error listing the built-ins', async () => {
  await assert.rejects(resolveTrainer('pytorch'), /--trainer: unknown trainer 'pytorch' \(built-in: .*command/);
});

test('a module path loads its default-exported definition; a module without one is refused', async () => {
  const custom = await resolveTrainer(fixturePath('trainers', 'custom-trainer.mjs'));
  assert.equal(custom.name, 'constant');
  const trainer = await custom.create(setup);
  assert.deepEqual(await trainer.train({ configId: 'x', config: { model: 'm' }, epoch: 1, maxEpochs: 1, checkpointDir: undefined, signal: new AbortController().signal }), { score: 0.5, seconds: 1 });
  await assert.rejects(resolveTrainer(fixturePath('trainers', 'absent.mjs')), /--trainer: cannot load module .*absent\.mjs/);
  await assert.rejects(resolveTrainer(fixturePath('trainers', 'not-a-trainer.mjs')), /not-a-trainer\.mjs must default-export/);
});
