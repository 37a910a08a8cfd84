import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixturePath } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

const MINI = fixturePath('predictor', 'mini');

test('meta-train writes a checkpoint and prints the JSON summary; a replay search uses it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-cli-mt-'));
  try {
    const out = join(dir, 'predictor');
    const trained = await runCli(['--json', 'meta-train', '--metadataset', MINI, '--out', out, '--iterations', '30', '--exclude', 't_small', '--seed', '1']);
    assert.equal(trained.code, 0, trained.stderr);
    const summary = JSON.parse(trained.stdout);
    assert.deepEqual(Object.keys(summary).sort(), ['best_val_mse', 'datasets', 'iterations', 'out', 'seconds']);
    assert.equal(summary.out, out);
    assert.equal(summary.iterations, 30);
    assert.deepEqual([...summary.datasets].sort(), ['t_big', 't_easy', 't_hard', 't_mid']);
    assert.ok(typeof summary.best_val_mse === 'number' && summary.best_val_mse > 0);
    assert.ok(existsSync(join(out, 'weights.f64')) && existsSync(join(out, 'manifest.json')) && existsSync(join(out, 'encoder.json')));
    assert.match(trained.stderr, /iterations: 30\/30/, 'plain progress lines when stderr is not a terminal');

    const search = await runCli(['--json', 'search', '--metadataset', MINI, '--task', 't_small', '--predictor', out, '--max-steps', '6', '--seed', '2']);
    assert.equal(search.code, 0, search.stderr);
    assert.equal(JSON.parse(search.stdout).steps, 6);

    const seen = await runCli(['--json', 'benchmark', '--metadataset', MINI, '--tasks', 't_easy', '--methods', 'quicktune', '--predictor', out, '--seeds', '1', '--budgets', '60s']);
    assert.equal(seen.code, 2);
    assert.match(seen.stderr, /meta-trained on t_easy/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('meta-train refuses an unknown --exclude task and a bad --iterations with exit 2', async () => {
  const unknown = await runCli(['meta-train', '--metadataset', MINI, '--exclude', 'nope', '--iterations', '1', '--out', join(tmpdir(), 'qt-never')]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--exclude: dataset 'nope' is not in meta-dataset/);
  const bad = await runCli(['meta-train', '--metadataset', MINI, '--iterations', 'many']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--iterations: 'many' is not an integer/);
});

test('a search refuses, with exit 2 and the problems listed, a predictor whose encoding does not fit its space', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-cli-mt-'));
  try {
    // The tiny benchmark meta-dataset has only lr and batch_size: the mini one also has opt.
    const out = join(dir, 'tiny-predictor');
    const trained = await runCli(['meta-train', '--metadataset', fixturePath('benchmark', 'tiny'), '--out', out, '--iterations', '5']);
    assert.equal(trained.code, 0, trained.stderr);
    const search = await runCli(['search', '--metadataset', MINI, '--task', 't_small', '--predictor', out, '--max-steps', '3']);
    assert.equal(search.code, 2, search.stderr);
    assert.match(search.stderr, /cannot encode this search space/);
    assert.match(search.stderr, /parameter 'opt' is not in the predictor's encoding/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
