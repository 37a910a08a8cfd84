import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixturePath } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

const TINY = fixturePath('benchmark', 'tiny');

test('search --metadataset --task replays a task and prints the contract JSON', async () => {
  const result = await runCli(['--json', 'search', '--metadataset', TINY, '--task', 'beta', '--method', 'asha', '--budget', '10m', '--seed', '3']);
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as {
    incumbent: { config_id: string; config: Record<string, unknown>; score: number; epoch: number };
    steps: number;
    seconds: number;
    trajectory: Array<[number, number]>;
  };
  assert.deepEqual(Object.keys(doc).sort(), ['incumbent', 'seconds', 'steps', 'trajectory']);
  assert.deepEqual(Object.keys(doc.incumbent).sort(), ['config', 'config_id', 'epoch', 'score']);
  assert.equal(typeof doc.incumbent.config.model, 'string');
  assert.ok('lr' in doc.incumbent.config);
  assert.ok(doc.seconds >= 600 || doc.steps > 0);
  assert.equal(doc.trajectory.at(-1)?.[1], doc.incumbent.score);
  const again = await runCli(['--json', 'search', '--metadataset', TINY, '--task', 'beta', '--method', 'asha', '--budget', '10m', '--seed', '3']);
  const second = JSON.parse(again.stdout) as typeof doc;
  assert.equal(second.incumbent.config_id, doc.incumbent.config_id);
  assert.equal(second.steps, doc.steps);
});

test('search replay prints a human summary by default', async () => {
  const result = await runCli(['search', '--metadataset', TINY, '--task', 'alpha', '--method', 'random', '--max-steps', '5']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /replayed alpha of tiny-benchmark with random/);
  assert.match(result.stdout, /steps: 5,/);
  assert.match(result.stdout, /normalized regret: \d\.\d{4}/);
});

test('search replay usage errors exit 2 and name the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['search', '--metadataset', TINY], /--task is required/],
    [['search', '--metadataset', TINY, '--task', 'omega'], /--task: 'omega' is not a task/],
    [['search', '--metadataset', TINY, '--task', 'alpha', '--method', 'magic'], /--method: unknown method 'magic'/],
    [['search', '--metadataset', TINY, '--task', 'alpha', '--resume'], /--resume only applies/],
    [['search', '--metadataset', TINY, '--dataset', TINY], /exclude each other/],
    [['search'], /search needs --dataset DIR/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, message);
  }
});

test('search replay with Quick-Tune uses the given predictor and finds a pipeline', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-replay-pred-'));
  try {
    const trained = await runCli(['meta-train', '--metadataset', TINY, '--exclude', 'delta', '--iterations', '200', '--out', dir, '--log-level', 'warn']);
    assert.equal(trained.code, 0, trained.stderr);
    const result = await runCli(['--json', 'search', '--metadataset', TINY, '--task', 'delta', '--predictor', dir, '--budget', '5m']);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { incumbent: { score: number }; steps: number; seconds: number };
    // NOTE: the search may end before the 5 minutes when no step fits in what is left; never far past them.
    assert.ok(doc.steps > 0 && doc.seconds > 0 && doc.seconds <= 330, `${doc.steps} steps in ${doc.seconds} s`);
    assert.ok(doc.incumbent.score > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
