import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.ts';

const COMMANDS = ['meta-train', 'search', 'benchmark', 'import', 'report', 'worker', 'status'];

test('--help lists every command and exits 0', async () => {
  const result = await runCli(['--help']);
  assert.equal(result.code, 0);
  for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
});

test('every command has its own --help', async () => {
  for (const command of COMMANDS) {
    const result = await runCli([command, '--help']);
    assert.equal(result.code, 0, `${command} --help`);
    assert.match(result.stdout, new RegExp(`Usage: quicktune ${command}`));
  }
});

test('--version prints the package version', async () => {
  const result = await runCli(['--version']);
  assert.equal(result.code, 0);
  assert.match(result.stdout.trim(), /^\d+\.\d+\.\d+/);
});

test('an unknown flag exits 2 and names the flag', async () => {
  const result = await runCli(['search', '--no-such-flag']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--no-such-flag/);
});

test('an unknown command exits 2', async () => {
  const result = await runCli(['frobnicate']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /frobnicate/);
});

test('a bad --log-level exits 2', async () => {
  const result = await runCli(['--log-level', 'loud', 'report', 'x']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--log-level/);
});
