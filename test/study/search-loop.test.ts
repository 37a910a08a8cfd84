import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InternalError } from '../../src/errors.ts';
import type { Optimizer, Suggestion } from '../../src/optimizer/types.ts';
import { SimulatedClock } from '../../src/study/clock.ts';
import { runSearchLoop } from '../../src/study/search-loop.ts';
import type { StepRecord } from '../../src/study/types.ts';
import { pipelinesOf, ReplayTrainer } from '../../src/trainers/replay.ts';
import type { Trainer } from '../../src/trainers/types.ts';
import { makeTask } from '../helpers/synthetic-metadataset.ts';

const task = makeTask('hand', [
  { id: 'a', model: 'm1', scores: [0.2, 0.5, 0.7], costs: [10, 11, 12] },
  { id: 'b', model: 'm2', scores: [0.6], costs: [3] },
  { id: 'c', model: 'm2', scores: [0.1, 0.3, 0.4], costs: [5, 5, 5] },
]);
const pipelines = pipelinesOf(task);

/** Plays a fixed list of suggestions and logs every call; `busyMs` burns wall time in each ask. */
class ScriptedOptimizer implements Optimizer {
  readonly name = 'scripted';
  readonly told: StepRecord[] = [];
  readonly calls: string[] = [];
  private readonly script: Suggestion[];
  private readonly busyMs: number;

  constructor(script: Suggestion[], busyMs = 0) {
    this.script = [...script];
    this.busyMs = busyMs;
  }

  describe(): Readonly<Record<string, unknown>> {
    return { method: this.name };
  }

  async ask(): Promise<Suggestion | null> {
    this.calls.push('ask');
    const until = performance.now() + this.busyMs;
    while (performance.now() < until) {
      // NOTE: a busy wait stands for the optimizer's own computation, which the simulated clock must count.
    }
    return this.script.shift() ?? null;
  }

  async tell(record: StepRecord): Promise<void> {
    this.calls.push(`tell ${record.configId}@${record.epoch}`);
    this.told.push(record);
  }
}

const s = (configId: string, epoch: number): Suggestion => ({ configId, epoch });

test('the loop runs steps in order, charges recorded seconds and tracks the incumbent', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), s('c', 1), s('a', 2), s('b', 1), s('a', 3)]);
  const clock = new SimulatedClock({ countOverhead: false });
  const outcome = await runSearchLoop({ optimizer, trainer: new ReplayTrainer(task), pipelines, maxEpochs: 3, clock });
  assert.equal(outcome.stopReason, 'exhausted');
  assert.deepEqual(
    outcome.records.map((r) => [r.configId, r.epoch, r.score, r.seconds, r.final, r.finishedAt]),
    [
      ['a', 1, 0.2, 10, false, 10],
      ['c', 1, 0.1, 5, false, 15],
      ['a', 2, 0.5, 11, false, 26],
      ['b', 1, 0.6, 3, true, 29],
      ['a', 3, 0.7, 12, true, 41],
    ],
  );
  assert.deepEqual(outcome.trajectory, [[10, 0.2], [26, 0.5], [29, 0.6], [41, 0.7]]);
  assert.deepEqual(outcome.incumbent, { configId: 'a', epoch: 3, score: 0.7 });
  assert.equal(outcome.seconds, 41);
  assert.equal(optimizer.told.length, 5);
});

test('the budget stops the search after the step that crosses it; max steps stops it too', async () => {
  const script = [s('a', 1), s('a', 2), s('a', 3), s('c', 1)];
  const byBudget = await runSearchLoop({
    optimizer: new ScriptedOptimizer(script),
    trainer: new ReplayTrainer(task),
    pipelines,
    maxEpochs: 3,
    clock: new SimulatedClock({ countOverhead: false }),
    budgetSeconds: 15,
  });
  assert.equal(byBudget.stopReason, 'budget');
  assert.deepEqual(byBudget.records.map((r) => r.finishedAt), [10, 21]);
  const bySteps = await runSearchLoop({
    optimizer: new ScriptedOptimizer(script),
    trainer: new ReplayTrainer(task),
    pipelines,
    maxEpochs: 3,
    clock: new SimulatedClock(),
    maxSteps: 3,
  });
  assert.equal(bySteps.stopReason, 'max-steps');
  assert.equal(bySteps.records.length, 3);
});

test('the simulated clock includes the optimizer overhead in every record', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), s('a', 2)], 25);
  const clock = new SimulatedClock();
  const outcome = await runSearchLoop({ optimizer, trainer: new ReplayTrainer(task), pipelines, maxEpochs: 3, clock });
  const [first, second] = outcome.records;
  assert.ok(first && second);
  assert.ok(first.finishedAt >= 10 + 0.025, `first step finished at ${first.finishedAt}`);
  assert.ok(second.finishedAt >= 21 + 0.05, `second step finished at ${second.finishedAt}`);
  assert.ok(outcome.overheadSeconds >= 0.075);
  assert.equal(clock.trainingSeconds, 21);
  assert.ok(Math.abs(outcome.seconds - (21 + clock.overheadSeconds)) < 1e-9);
});

test('onStep is awaited before the optimizer is told and before the next step starts', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), s('a', 2)]);
  const events: string[] = [];
  await runSearchLoop({
    optimizer,
    trainer: new ReplayTrainer(task),
    pipelines,
    maxEpochs: 3,
    clock: new SimulatedClock(),
    onStep: async (record) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      optimizer.calls.push(`stored ${record.configId}@${record.epoch}`);
    },
  });
  events.push(...optimizer.calls);
  assert.deepEqual(events, ['ask', 'stored a@1', 'tell a@1', 'ask', 'stored a@2', 'tell a@2', 'ask']);
});

test('previous records are told to the optimizer, not re-run, and the search continues after them', async () => {
  const previous: StepRecord[] = [
    { configId: 'a', epoch: 1, score: 0.2, seconds: 10, status: 'ok', final: false, finishedAt: 10 },
  ];
  const optimizer = new ScriptedOptimizer([s('a', 2)]);
  const trained: string[] = [];
  const outcome = await runSearchLoop({
    optimizer,
    trainer: {
      name: 'counting',
      describe: () => ({}),
      train: async (step) => {
        trained.push(`${step.configId}@${step.epoch}`);
        return { score: 0.5, seconds: 10 };
      },
    },
    pipelines,
    maxEpochs: 3,
    clock: new SimulatedClock({ startAt: 10, countOverhead: false }),
    previous,
  });
  assert.deepEqual(trained, ['a@2']);
  assert.deepEqual(optimizer.calls, ['tell a@1', 'ask', 'tell a@2', 'ask']);
  assert.equal(outcome.records.length, 2);
  assert.equal(outcome.records[1]?.finishedAt, 20);
});

test('a trainer failure is recorded as a failed, final step and the search goes on', async () => {
  const failing: Trainer = {
    name: 'failing',
    describe: () => ({}),
    train: async (step) => {
      if (step.configId === 'c') throw new Error('out of memory\nstack...');
      return { score: 0.4, seconds: 1 };
    },
  };
  const optimizer = new ScriptedOptimizer([s('c', 1), s('a', 1)]);
  const outcome = await runSearchLoop({ optimizer, trainer: failing, pipelines, maxEpochs: 3, clock: new SimulatedClock() });
  const [failed, ok] = outcome.records;
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.score, null);
  assert.equal(failed?.final, true);
  assert.equal(failed?.error, 'out of memory');
  assert.equal(ok?.status, 'ok');
  assert.equal(optimizer.told.length, 2);
});

test('a suggestion that is not a pipeline\'s next epoch is an internal error', async () => {
  for (const bad of [s('a', 2), s('nope', 1)]) {
    await assert.rejects(
      runSearchLoop({ optimizer: new ScriptedOptimizer([bad]), trainer: new ReplayTrainer(task), pipelines, maxEpochs: 3, clock: new SimulatedClock() }),
      InternalError,
    );
  }
  await assert.rejects(
    runSearchLoop({
      optimizer: new ScriptedOptimizer([s('b', 1), s('b', 2)]),
      trainer: new ReplayTrainer(task),
      pipelines,
      maxEpochs: 3,
      clock: new SimulatedClock(),
    }),
    /finished and cannot be continued/,
  );
});

test('an aborted signal stops the search before the next step', async () => {
  const controller = new AbortController();
  const optimizer = new ScriptedOptimizer([s('a', 1), s('a', 2)]);
  const outcome = await runSearchLoop({
    optimizer,
    trainer: new ReplayTrainer(task),
    pipelines,
    maxEpochs: 3,
    clock: new SimulatedClock(),
    signal: controller.signal,
    onStep: () => controller.abort(),
  });
  assert.equal(outcome.stopReason, 'aborted');
  assert.equal(outcome.records.length, 1);
});
