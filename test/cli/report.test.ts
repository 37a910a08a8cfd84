import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPool, loadSpace } from '../../src/space/index.ts';
import { StudyRecorder } from '../helpers/study-recorder.ts';
import type { StepRecord } from '../../src/core/step.ts';
import { fixturePath } from '../helpers/paths.ts';
import { fixtureIdentity } from '../helpers/run-fixture.ts';
import { runCli } from '../helpers/run-cli.ts';
import { findAll, parseXml } from '../helpers/xml.ts';

/** A run written by the real store: 4 pipelines of the small fixture space, 7 steps, one failure. */
async function makeRun(): Promise<{ dir: string; steps: StepRecord[]; ids: string[]; models: string[] }> {
  const dir = join(await mkdtemp(join(tmpdir(), 'qt-report-')), 'run');
  const space = await loadSpace(fixturePath('space', 'small.yaml'));
  const pool = buildPool(space, { seed: 1, size: 10 });
  const ids = pool.map((p) => p.id);
  const at = (i: number): string => ids[i] ?? '';
  const steps: StepRecord[] = [
    { configId: at(0), epoch: 1, score: 0.41, seconds: 12, status: 'ok', final: false, finishedAt: 12 },
    { configId: at(1), epoch: 1, score: 0.55, seconds: 20, status: 'ok', final: false, finishedAt: 33 },
    { configId: at(2), epoch: 1, score: null, seconds: 2, status: 'failed', final: true, error: 'training program exited with code 1: boom', finishedAt: 35 },
    { configId: at(1), epoch: 2, score: 0.71, seconds: 19, status: 'ok', final: false, finishedAt: 55 },
    { configId: at(0), epoch: 2, score: 0.52, seconds: 11, status: 'ok', final: false, finishedAt: 67 },
    { configId: at(1), epoch: 3, score: 0.69, seconds: 19, status: 'ok', final: false, finishedAt: 87 },
    { configId: at(3), epoch: 1, score: 0.3, seconds: 5, status: 'ok', final: true, finishedAt: 93 },
  ];
  const store = await StudyRecorder.create({
    journal: join(dir, 'journal.jsonl'),
    identity: fixtureIdentity({ spaceHash: space.hash }),
    budget: { seconds: 100 },
    pool,
    space,
  });
  for (const step of steps) await store.recordStep(step);
  await store.stop('budget', 95);
  await store.close();
  return { dir, steps, ids, models: pool.map((p) => p.config.model) };
}

test('report prints the incumbent, the steps per model and the curves of a run', async () => {
  const { dir, ids, models } = await makeRun();
  const result = await runCli(['report', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`Best pipeline: ${models[1]}  \\(id ${ids[1]}\\)`));
  assert.match(result.stdout, /score 0\.7100 after epoch 2/);
  assert.match(result.stdout, /7 steps \(6 ok, 1 failed\) on 4 of 12 pipelines/);
  assert.match(result.stdout, /stopped: budget/);
  assert.match(result.stdout, /Steps per model:\n\s+model\s+pipelines\s+steps\s+failed\s+best/);
  assert.match(result.stdout, new RegExp(`${ids[1]}\\s+${models[1]}\\s+3\\s+0\\.5500 -> 0\\.6900\\s+0\\.7100 @2\\s+paused`));
  assert.match(result.stdout, new RegExp(`${ids[2]}\\s+${models[2]}\\s+0\\s+-\\s+-\\s+failed: training program exited with code 1: boom`));
});

test('report --json gives the incumbent and every step in the order they finished', async () => {
  const { dir, steps, ids } = await makeRun();
  const result = await runCli(['report', dir, '--json']);
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(json), ['incumbent', 'steps']);
  assert.deepEqual(Object.keys(json.incumbent), ['config_id', 'config', 'score', 'epoch']);
  assert.equal(json.incumbent.config_id, ids[1]);
  assert.equal(json.incumbent.score, 0.71);
  assert.equal(json.incumbent.epoch, 2);
  assert.deepEqual(
    json.steps,
    steps.map((s) => ({ config_id: s.configId, epoch: s.epoch, score: s.score, seconds: s.seconds, status: s.status })),
  );
});

test('report --plot writes a well-formed SVG with one line per pipeline and the incumbent highlighted', async () => {
  const { dir, models } = await makeRun();
  const file = join(dir, 'curves.svg');
  const result = await runCli(['report', dir, '--plot', file]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Plot of the curves written to .*curves\.svg/);
  const root = parseXml(await readFile(file, 'utf8'));
  assert.equal(root.name, 'svg');
  // Two pipelines have two or more epochs (lines); the others have one point (markers only); the failed one none.
  const paths = findAll(root, 'path');
  assert.equal(paths.length, 2);
  const best = paths.find((p) => p.attributes['stroke-width'] === '2.5');
  assert.ok(best, 'the incumbent is drawn thicker');
  assert.equal(best.attributes.stroke, '#d62728');
  assert.equal((best.attributes.d ?? '').match(/L/g)?.length, 2, 'the incumbent pipeline has three epochs');
  const texts = findAll(root, 'text').map((t) => t.text);
  assert.ok(texts.includes(`best: ${models[1]}`));
  assert.ok(texts.includes('epoch') && texts.includes('validation score'));
});

test('report names a missing or malformed run and exits 2', async () => {
  const missing = await runCli(['report', join(tmpdir(), 'qt-no-such-run')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /qt-no-such-run: no such run directory or journal file/);

  const empty = await mkdtemp(join(tmpdir(), 'qt-report-'));
  const notRun = await runCli(['report', empty]);
  assert.equal(notRun.code, 2);
  assert.match(notRun.stderr, /not a run directory \(no journal\.jsonl in it\)/);

  await writeFile(join(empty, 'journal.jsonl'), '{"op":"pool","pipelines":[]}\n{"op":"x"}\n');
  const corrupt = await runCli(['report', empty]);
  assert.equal(corrupt.code, 2);
  assert.match(corrupt.stderr, /journal\.jsonl: entry 1: a study starts with a header entry/);

  const { dir } = await makeRun();
  const badPlot = await runCli(['report', dir, '--plot', join(dir, 'no', 'such', 'dir', 'x.svg')]);
  assert.equal(badPlot.code, 2);
  assert.match(badPlot.stderr, /--plot .*x\.svg: cannot write the plot/);
});

test('report reads a journal file directly, and a run with a torn last line (warning on stderr)', async () => {
  const { dir } = await makeRun();
  await appendFile(join(dir, 'journal.jsonl'), '{"op":"step","se');
  const result = await runCli(['report', join(dir, 'journal.jsonl'), '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).steps.length, 7);
  assert.match(result.stderr, /ignored a torn last line/);
});
