import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixturePath } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

const work = await mkdtemp(join(tmpdir(), 'qt-cli-meta-'));
after(() => rm(work, { recursive: true, force: true }));

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.length > 0);
}

test('meta-train on a missing folder exits 2 with exactly one stderr line naming the path', async () => {
  const missing = join(work, 'no-such-metadataset');
  const result = await runCli(['meta-train', '--metadataset', missing]);
  assert.equal(result.code, 2);
  assert.deepEqual(stderrLines(result.stderr), [`quicktune: error: ${missing}: meta-dataset folder not found`]);
  assert.equal(result.stdout, '');
});

test('meta-train on an invalid meta-dataset exits 2 naming file, line and column', async () => {
  const dir = fixturePath('metadata', 'epoch-gap');
  const result = await runCli(['meta-train', '--metadataset', dir]);
  assert.equal(result.code, 2);
  assert.deepEqual(stderrLines(result.stderr), [`quicktune: error: ${join(dir, 'curves.csv')}:12:2: config_id 'b1': epoch 3 is missing (the epochs go from 2 to 4)`]);
});

test('meta-train --exclude with unknown datasets exits 2 naming them', async () => {
  const result = await runCli(['meta-train', '--metadataset', fixturePath('metadata', 'valid'), '--exclude', 'alpha,zeta,omega']);
  assert.equal(result.code, 2);
  const lines = stderrLines(result.stderr);
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /--exclude: dataset 'zeta' is not in meta-dataset 'tiny'/);
  assert.match(lines[1] ?? '', /--exclude: dataset 'omega' is not in meta-dataset 'tiny'/);
});

test('meta-train on a valid meta-dataset trains and writes the checkpoint', async () => {
  const out = join(work, 'predictor');
  const result = await runCli(['--log-level', 'warn', 'meta-train', '--metadataset', fixturePath('metadata', 'valid'), '--exclude', 'gamma', '--iterations', '3', '--out', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`predictor written to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
});

test('import with a wrong SRC exits 2 and says what it looked for', async () => {
  const result = await runCli(['import', '--from', 'quicktune', fixturePath('metadata', 'valid'), '--out', join(work, 'x')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /not a Quick-Tune release folder/);
  assert.match(result.stderr, /eval_top1\.json/);
  assert.match(result.stderr, /table\.csv/);
});

test('import --from another format exits 2 naming the flag', async () => {
  const result = await runCli(['import', '--from', 'syne-tune', fixturePath('importers', 'table'), '--out', join(work, 'y')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--from syne-tune: unknown source format \(known: quicktune\)/);
});

test('import end to end through the binary: --json summary, and the result is a meta-dataset', async () => {
  const out = join(work, 'imported');
  const result = await runCli(['--log-level', 'warn', 'import', '--from', 'quicktune', fixturePath('importers', 'release'), '--out', out, '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), { out, datasets: 2, configs: 4, curve_points: 8, variant: 'release', dropped_runs: 2 });
  const human = await runCli(['--log-level', 'silent', 'import', '--from', 'quicktune', fixturePath('importers', 'table'), '--out', out]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /^Imported 2 datasets, 3 runs and 8 curve points into .* \(table\.csv layout; 2 runs without a usable curve left out\)\.\n$/);
  const train = await runCli(['--log-level', 'silent', 'meta-train', '--metadataset', out, '--iterations', '3', '--out', join(work, 'imported-predictor')]);
  assert.equal(train.code, 0, train.stderr);
});
