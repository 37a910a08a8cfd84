import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { assignFolds } from '../../src/benchmark/folds.ts';
import { foldwisePredictorSource, type FoldTrainer } from '../../src/benchmark/predictor-source.ts';
import { RunStore } from '../../src/benchmark/run-store.ts';
import { runBenchmark, type BenchmarkPlan } from '../../src/benchmark/runner.ts';
import { InputError } from '../../src/errors.ts';
import { METHODS, resolveMethods } from '../../src/optimizer/registry.ts';
import type { Predictor } from '../../src/predictor/types.ts';
import { CurveMeanPredictor } from '../helpers/curve-mean-predictor.ts';
import { makeMetaDataset, syntheticTask } from '../helpers/synthetic-metadataset.ts';

const T = 12;
const metaDataset = makeMetaDataset(['t1', 't2', 't3', 't4'].map((name, i) => syntheticTask(name, 10 + i, 20, T)), T);

function plan(store: RunStore | undefined, tasks: string[], budgets = [600, 2400]): BenchmarkPlan {
  return { metaDataset, tasks, methods: resolveMethods(['random', 'asha'], '--methods'), seeds: 2, budgets, ...(store ? { store } : {}) };
}

test('folds are contiguous blocks of the task order, sizes differing by at most one', () => {
  assert.deepEqual(assignFolds(['a', 'b', 'c', 'd', 'e'], 2), [['a', 'b', 'c'], ['d', 'e']]);
  assert.deepEqual(assignFolds(['a', 'b', 'c'], 5), [['a'], ['b'], ['c']]);
  assert.equal(assignFolds(Array.from({ length: 20 }, (_, i) => `t${i}`), 5).every((f) => f.length === 4), true);
});

test('stored runs are reused, and a benchmark split by tasks merges into the full one without re-running', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-bench-'));
  try {
    const store = new RunStore(dir);
    const first = await runBenchmark(plan(store, ['t1', 't2']));
    assert.deepEqual([first.ran, first.reused], [8, 0]);
    const second = await runBenchmark(plan(store, ['t3', 't4']));
    assert.deepEqual([second.ran, second.reused], [8, 0]);
    const merged = await runBenchmark(plan(store, ['t1', 't2', 't3', 't4']));
    assert.deepEqual([merged.ran, merged.reused], [0, 16]);
    assert.deepEqual(merged.runs.slice(0, 8), first.runs);
    const fresh = await runBenchmark(plan(undefined, ['t1', 't2']));
    // NOTE: times differ by the measured optimizer overhead; the scores found, in order, do not.
    const scores = (runs: typeof first.runs) => runs.map((r) => r.trajectory.map(([, y]) => y));
    assert.deepEqual(scores(fresh.runs), scores(first.runs), 'same seeds, same trajectories');
    // NOTE: a longer budget cannot be answered by a shorter stored search (unless its pool was exhausted).
    const longer = await runBenchmark(plan(store, ['t1'], [600, 100_000]));
    assert.equal(longer.reused + longer.ran, 4);
    assert.ok(longer.runs.every((r) => r.budget_seconds === 100_000));
    const random = longer.runs.find((r) => r.method === 'random');
    assert.ok(random && random.steps > 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('smoke benchmark with 1 and 4 simulated workers: no run records a (pipeline, epoch) twice; 4 workers run 4 steps at once', async () => {
  const methods = resolveMethods(['quicktune', 'qt-pending-exclude', 'asha', 'random-pairs', 'random'], '--methods');
  const predictors = { tagFor: () => 'curve-mean', forTask: async () => new CurveMeanPredictor(T) };
  for (const workers of [1, 4]) {
    const { runs } = await runBenchmark({ metaDataset, tasks: ['t1', 't2'], methods, seeds: 2, workers, budgets: [3000], predictors });
    assert.equal(runs.length, 2 * methods.length * 2);
    for (const run of runs) {
      assert.equal(run.parallel?.duplicate_steps, 0, `${run.method} ${run.task} seed ${run.seed}: a step recorded twice`);
      assert.ok((run.parallel?.max_running ?? 0) <= workers, `${run.method}: ${run.parallel?.max_running} steps at once with ${workers} workers`);
    }
    const most = Math.max(...runs.map((r) => r.parallel?.max_running ?? 0));
    assert.equal(most, workers, `${workers} workers`);
  }
});

test('a damaged stored run is reported with its path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-bench-'));
  try {
    const store = new RunStore(dir);
    await runBenchmark(plan(store, ['t1']));
    const file = store.pathOf('asha', 't1', 1);
    const stored: unknown = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify({ ...(stored as object), steps: 'many' }));
    await assert.rejects(runBenchmark(plan(store, ['t1'])), (e: unknown) => e instanceof InputError && e.message.includes(file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fold-wise predictors: a task is searched with a predictor meta-trained without its fold, each fold trained once', async () => {
  const folds = assignFolds([...metaDataset.tasks.keys()], 2);
  const trained: string[][] = [];
  const given = new Map<Predictor, readonly string[]>();
  const trainer: FoldTrainer = {
    recipe: 'test',
    encoding: 'test encoding',
    load: async () => undefined,
    train: async (_fold, exclude) => {
      trained.push([...exclude]);
      const predictor = new CurveMeanPredictor(T);
      given.set(predictor, exclude);
      return predictor;
    },
  };
  const source = foldwisePredictorSource(folds, trainer);
  const method = METHODS.get('quicktune');
  assert.ok(method);
  const seen: Array<[string, readonly string[]]> = [];
  const result = await runBenchmark({
    metaDataset,
    tasks: ['t1', 't2', 't3', 't4'],
    methods: [method],
    seeds: 1,
    budgets: [400],
    predictors: {
      tagFor: (task, metaLearned) => source.tagFor(task, metaLearned),
      forTask: async (task) => {
        const predictor = await source.forTask(task);
        seen.push([task, given.get(predictor) ?? []]);
        return predictor;
      },
    },
  });
  assert.equal(result.ran, 4);
  assert.deepEqual(trained, [['t1', 't2'], ['t3', 't4']]);
  for (const [task, exclude] of seen) assert.ok(exclude.includes(task), `${task} searched with a predictor that excluded ${exclude}`);
  assert.deepEqual(result.runs.map((r) => r.predictor), ['fold 1/2 (test)', 'fold 1/2 (test)', 'fold 2/2 (test)', 'fold 2/2 (test)']);
  // A fresh-weights method (DyHPO) is labelled by the encoding only: its runs survive a new meta-training recipe.
  assert.equal(source.tagFor('t3', false), 'fold 2/2 (test encoding)');
});
