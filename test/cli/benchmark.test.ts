import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixturePath } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

const TINY = fixturePath('benchmark', 'tiny');
const BASE = ['benchmark', '--metadataset', TINY, '--methods', 'random,asha,random-pairs', '--seeds', '2', '--budgets', '1m,5m'];

test('benchmark --json prints the keys of the CLI contract', async () => {
  const result = await runCli(['--json', ...BASE]);
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc).sort(), ['budgets', 'methods', 'seeds', 'tasks']);
  assert.deepEqual(doc.budgets, [60, 300]);
  assert.deepEqual(doc.tasks, ['alpha', 'beta', 'gamma', 'delta']);
  assert.equal(doc.seeds, 2);
  const methods = doc.methods as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(methods), ['random', 'asha', 'random-pairs']);
  for (const summary of Object.values(methods)) {
    assert.deepEqual(Object.keys(summary).sort(), ['overhead_seconds', 'rank', 'regret', 'stderr']);
    for (const key of ['regret', 'stderr', 'rank']) {
      const values = summary[key] as number[];
      assert.equal(values.length, 2);
      assert.ok(values.every((v) => Number.isFinite(v)));
    }
    const regret = summary.regret as number[];
    assert.ok((regret[1] ?? 1) <= (regret[0] ?? 0), 'regret never grows with the budget');
    assert.equal(typeof summary.overhead_seconds, 'number');
  }
});

test('benchmark --out writes results.json, trajectories.csv and regret.svg, and a second run reuses every stored run', async () => {
  const out = await mkdtemp(join(tmpdir(), 'qt-bench-cli-'));
  try {
    const first = await runCli([...BASE, '--out', out, '--tasks', 'alpha,beta']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^random\s+\d\.\d{3} ± \d\.\d{3}/m);
    assert.match(first.stderr, /12 runs made, 0 reused/);
    const second = await runCli([...BASE, '--out', out]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /12 runs made, 12 reused/);
    const files = (await readdir(out)).sort();
    assert.deepEqual(files, ['regret.svg', 'results.json', 'runs', 'trajectories.csv']);
    const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as { runs: unknown[]; tasks: string[]; settings: { metadataset: { name: string } } };
    assert.equal(results.runs.length, 24);
    assert.equal(results.tasks.length, 4);
    assert.equal(results.settings.metadataset.name, 'tiny-benchmark');
    const csv = (await readFile(join(out, 'trajectories.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv[0], 'method,task,seed,seconds,best_score,regret');
    assert.ok(csv.length > 24);
    const svg = await readFile(join(out, 'regret.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 3);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('benchmark rejects unknown tasks and methods and bad budgets with exit 2, naming the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--tasks', 'alpha,nope'], /--tasks: 'nope' not in/],
    [['--methods', 'random,magic'], /--methods: unknown method 'magic'/],
    [['--budgets', '1h,soon'], /--budgets: 'soon' is not a duration/],
    [['--seeds', '0'], /--seeds: must be at least 1/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['benchmark', '--metadataset', TINY, ...args]);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, message);
  }
  const missing = await runCli(['benchmark', '--metadataset', join(TINY, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /meta-dataset folder not found/);
});

test('benchmark with a predictor that never saw the tasks runs Quick-Tune; one that saw them is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-bench-pred-'));
  try {
    const trained = await runCli(['meta-train', '--metadataset', TINY, '--exclude', 'alpha,beta', '--iterations', '200', '--out', dir, '--log-level', 'warn']);
    assert.equal(trained.code, 0, trained.stderr);
    const args = ['benchmark', '--metadataset', TINY, '--methods', 'quicktune,asha', '--predictor', dir, '--seeds', '1', '--budgets', '2m,5m'];
    const result = await runCli(['--json', ...args, '--tasks', 'alpha,beta']);
    assert.equal(result.code, 0, result.stderr);
    const doc = JSON.parse(result.stdout) as { methods: Record<string, { regret: number[]; overhead_seconds: number }> };
    assert.deepEqual(Object.keys(doc.methods), ['quicktune', 'asha']);
    const qt = doc.methods.quicktune;
    assert.ok(qt && qt.regret.every((r) => r >= 0 && r <= 1));
    assert.ok(qt.overhead_seconds > 0, 'the optimizer time is measured');
    const seen = await runCli([...args, '--tasks', 'gamma']);
    assert.equal(seen.code, 2);
    assert.match(seen.stderr, /meta-trained on gamma/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
