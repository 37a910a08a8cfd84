import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepRecord, Suggestion } from '../../src/core/step.ts';
import { InternalError } from '../../src/errors.ts';
import { METHODS } from '../../src/optimizer/registry.ts';
import type { AskSituation, Optimizer } from '../../src/optimizer/types.ts';
import { RealClock, SimulatedClock } from '../../src/study/clock.ts';
import { runSearchLoop, type WorkerSlot } from '../../src/study/search-loop.ts';
import { pipelinesOf, ReplayTrainer } from '../../src/trainers/replay.ts';
import type { Trainer } from '../../src/trainers/types.ts';
import { Random } from '../../src/util/random.ts';
import { memoryStudy } from '../helpers/memory-study.ts';
import { makeTask, syntheticTask } from '../helpers/synthetic-metadataset.ts';

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
const slots = (trainer: Trainer, n = 1): WorkerSlot[] => Array.from({ length: n }, (_, k) => ({ id: `w${k + 1}`, trainer }));

test('the loop runs steps in order, charges recorded seconds and tracks the incumbent', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), s('c', 1), s('a', 2), s('b', 1), s('a', 3)]);
  const study = await memoryStudy(pipelines, 3);
  const outcome = await runSearchLoop({ optimizer, study, slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock: new SimulatedClock({ countOverhead: false }) });
  assert.equal(outcome.stopReason, 'exhausted');
  assert.deepEqual(
    outcome.records.map((r) => [r.configId, r.epoch, r.score, r.seconds, r.final, r.finishedAt, r.startedAt, r.worker]),
    [
      ['a', 1, 0.2, 10, false, 10, 0, 'w1'],
      ['c', 1, 0.1, 5, false, 15, 10, 'w1'],
      ['a', 2, 0.5, 11, false, 26, 15, 'w1'],
      ['b', 1, 0.6, 3, true, 29, 26, 'w1'],
      ['a', 3, 0.7, 12, true, 41, 29, 'w1'],
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
    study: await memoryStudy(pipelines, 3),
    slots: slots(new ReplayTrainer(task)),
    maxEpochs: 3,
    clock: new SimulatedClock({ countOverhead: false }),
    budgetSeconds: 15,
  });
  assert.equal(byBudget.stopReason, 'budget');
  assert.deepEqual(byBudget.records.map((r) => r.finishedAt), [10, 21]);
  const bySteps = await runSearchLoop({
    optimizer: new ScriptedOptimizer(script),
    study: await memoryStudy(pipelines, 3),
    slots: slots(new ReplayTrainer(task)),
    maxEpochs: 3,
    clock: new SimulatedClock(),
    maxSteps: 3,
  });
  assert.equal(bySteps.stopReason, 'max-steps');
  assert.equal(bySteps.records.length, 3);
});

test('a decision that takes the clock past the budget starts no step', async () => {
  const clock = new SimulatedClock();
  const optimizer = new ScriptedOptimizer([s('a', 1), s('a', 2), s('a', 3)]);
  const ask = optimizer.ask.bind(optimizer);
  // The second decision (a refit, say) takes 5 s of the clock: asked at 10 s, decided at 15 s, past the 12 s budget.
  optimizer.ask = async () => {
    if (optimizer.calls.filter((c) => c === 'ask').length === 1) clock.chargeOverhead(5, 0);
    return ask();
  };
  const outcome = await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock, budgetSeconds: 12 });
  assert.equal(outcome.stopReason, 'budget');
  assert.deepEqual(outcome.records.map((r) => [r.configId, r.epoch]), [['a', 1]]);
});

test('a step predicted to end past the budget is not started once the study holds a result: the budget stops the search', async () => {
  // a@1 (10 s) leaves 5 s of a 15-s budget; a@2 is predicted at 11 s, so the search ends at 10 s instead of 21.
  const optimizer = new ScriptedOptimizer([{ ...s('a', 1), predictedSeconds: 20 }, { ...s('a', 2), predictedSeconds: 11 }, s('c', 1)]);
  const outcome = await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock: new SimulatedClock({ countOverhead: false }), budgetSeconds: 15 });
  assert.equal(outcome.stopReason, 'budget');
  // The first step starts although predicted past the budget: without it the search would end with nothing.
  assert.deepEqual(outcome.records.map((r) => [r.configId, r.epoch]), [['a', 1]]);
  assert.equal(outcome.seconds, 10);
  assert.equal(optimizer.calls.filter((c) => c === 'ask').length, 2, 'no ask after the step that did not fit');
});

test('a step that fits, or one without a prediction, still starts near the end of the budget', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), { ...s('c', 1), predictedSeconds: 5 }, s('a', 2)]);
  const outcome = await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock: new SimulatedClock({ countOverhead: false }), budgetSeconds: 15 });
  // c@1 is predicted to end exactly at 15 s and starts; the budget is then spent.
  assert.equal(outcome.stopReason, 'budget');
  assert.deepEqual(outcome.records.map((r) => [r.configId, r.epoch, r.finishedAt]), [['a', 1, 10], ['c', 1, 15]]);
});

test('with two slots, one whose best step does not fit stops while the other runs on', async () => {
  // Slot 0 runs a@1 (0-10 s); slot 1 runs b@1 (0-3), c@1 (3-8), c@2 (8-13). At 10 s slot 0's a@2 (predicted 11 s)
  // does not fit the 6 s left of a 16-s budget: slot 0 stops. At 13 s slot 1's c@3 (predicted 2 s) fits and runs.
  const optimizer = new ScriptedOptimizer([s('a', 1), s('b', 1), s('c', 1), s('c', 2), { ...s('a', 2), predictedSeconds: 11 }, { ...s('c', 3), predictedSeconds: 2 }]);
  const outcome = await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task), 2), maxEpochs: 3, clock: new SimulatedClock({ countOverhead: false }), budgetSeconds: 16 });
  assert.equal(outcome.stopReason, 'budget');
  assert.deepEqual(
    outcome.records.map((r) => [r.configId, r.epoch, r.worker, r.startedAt]),
    [['b', 1, 'w2', 0], ['c', 1, 'w2', 3], ['a', 1, 'w1', 0], ['c', 2, 'w2', 8], ['c', 3, 'w2', 13]],
  );
});

test('each ask names the worker slot that will run the step, and the budget left on its clock', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), s('c', 1), s('b', 1)]);
  const situations: unknown[] = [];
  const ask = optimizer.ask.bind(optimizer);
  Object.assign(optimizer, {
    ask: async (situation: AskSituation) => {
      situations.push(situation);
      return ask();
    },
  });
  await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task), 2), maxEpochs: 1, clock: new SimulatedClock({ countOverhead: false }), budgetSeconds: 100 });
  // a@1 (10 s) on slot 0 and c@1 (5 s) on slot 1 start at 0; slot 1 is free first, at 5 s.
  assert.deepEqual(situations.slice(0, 3), [{ remainingSeconds: 100, slot: 0 }, { remainingSeconds: 100, slot: 1 }, { remainingSeconds: 95, slot: 1 }]);
});

test('the simulated clock includes the optimizer overhead in every record', async () => {
  const optimizer = new ScriptedOptimizer([s('a', 1), s('a', 2)], 25);
  const clock = new SimulatedClock();
  const outcome = await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock });
  const [first, second] = outcome.records;
  assert.ok(first && second);
  assert.ok(first.finishedAt >= 10 + 0.025, `first step finished at ${first.finishedAt}`);
  assert.ok(second.finishedAt >= 21 + 0.05, `second step finished at ${second.finishedAt}`);
  assert.ok(outcome.overheadSeconds >= 0.075);
  assert.equal(clock.trainingSeconds, 21);
  assert.ok(Math.abs(outcome.seconds - (21 + clock.overheadSeconds)) < 1e-9);
});

test('a step is durable in storage before the optimizer is told of it and before the next step starts', async () => {
  const study = await memoryStudy(pipelines, 3);
  const stored: string[] = [];
  const optimizer = new ScriptedOptimizer([s('a', 1), s('a', 2)]);
  const tell = optimizer.tell.bind(optimizer);
  optimizer.tell = async (record) => {
    const entries = await study.backend.read(0);
    stored.push(entries.some((e) => e.op === 'step' && e.config_id === record.configId && e.epoch === record.epoch) ? 'durable' : 'not yet');
    await tell(record);
  };
  await runSearchLoop({ optimizer, study, slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock: new SimulatedClock() });
  assert.deepEqual(optimizer.calls, ['ask', 'tell a@1', 'ask', 'tell a@2', 'ask']);
  assert.deepEqual(stored, ['durable', 'durable']);
});

test('previous records are told to the optimizer, not re-run, and the search continues after them', async () => {
  const previous: StepRecord[] = [{ configId: 'a', epoch: 1, score: 0.2, seconds: 10, status: 'ok', final: false, finishedAt: 10 }];
  const optimizer = new ScriptedOptimizer([s('a', 2)]);
  const trained: string[] = [];
  const counting: Trainer = {
    name: 'counting',
    describe: () => ({}),
    train: async (step) => {
      trained.push(`${step.configId}@${step.epoch}`);
      return { score: 0.5, seconds: 10 };
    },
  };
  const outcome = await runSearchLoop({
    optimizer,
    study: await memoryStudy(pipelines, 3, { previous }),
    slots: slots(counting),
    maxEpochs: 3,
    clock: new SimulatedClock({ startAt: 10, countOverhead: false }),
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
  const outcome = await runSearchLoop({ optimizer, study: await memoryStudy(pipelines, 3), slots: slots(failing), maxEpochs: 3, clock: new SimulatedClock() });
  const [failed, ok] = outcome.records;
  assert.equal(failed?.status, 'failed');
  assert.equal(failed?.score, null);
  assert.equal(failed?.final, true);
  assert.equal(failed?.error, 'out of memory');
  assert.equal(ok?.status, 'ok');
  assert.equal(optimizer.told.length, 2);
});

test("a suggestion that is not a pipeline's next epoch, or a running pipeline, is an internal error", async () => {
  for (const bad of [s('a', 2), s('nope', 1)]) {
    await assert.rejects(
      runSearchLoop({ optimizer: new ScriptedOptimizer([bad]), study: await memoryStudy(pipelines, 3), slots: slots(new ReplayTrainer(task)), maxEpochs: 3, clock: new SimulatedClock() }),
      InternalError,
    );
  }
  await assert.rejects(
    runSearchLoop({
      optimizer: new ScriptedOptimizer([s('b', 1), s('b', 2)]),
      study: await memoryStudy(pipelines, 3),
      slots: slots(new ReplayTrainer(task)),
      maxEpochs: 3,
      clock: new SimulatedClock(),
    }),
    /finished and cannot be continued/,
  );
  await assert.rejects(
    runSearchLoop({
      optimizer: new ScriptedOptimizer([s('a', 1), s('a', 1)]),
      study: await memoryStudy(pipelines, 3, { workers: 2 }),
      slots: slots(new ReplayTrainer(task), 2),
      maxEpochs: 3,
      clock: new SimulatedClock(),
    }),
    /already running/,
  );
});

test('an abort interrupts the running step, which is given back unrecorded to run again', async () => {
  const controller = new AbortController();
  const slow: Trainer = {
    name: 'slow',
    describe: () => ({}),
    train: async (step) => {
      if (step.configId === 'a' && step.epoch === 2) {
        controller.abort(new Error('Ctrl-C'));
        await sleep(5_000, undefined, { signal: step.signal });
      }
      return { score: 0.5, seconds: 1 };
    },
  };
  const study = await memoryStudy(pipelines, 3);
  const outcome = await runSearchLoop({
    optimizer: new ScriptedOptimizer([s('a', 1), s('a', 2)]),
    study,
    slots: slots(slow),
    maxEpochs: 3,
    clock: new RealClock(),
    signal: controller.signal,
  });
  assert.equal(outcome.stopReason, 'aborted');
  assert.equal(outcome.records.length, 1);
  const snapshot = study.snapshot();
  assert.equal(snapshot.running.length, 0);
  assert.deepEqual(snapshot.expired.map((e) => [e.configId, e.epoch, e.reason]), [['a', 2, 'the search was interrupted']]);
  assert.equal(study.state.candidates().includes(study.state.indexOf('a') ?? -1), true, 'pipeline a can run epoch 2 again');
});

test('simulated workers finish at their own times and each is charged its own steps', async () => {
  // Two workers: a (10 s) and c (5 s) start at 0; c finishes first, then w2 runs c@2 (5 s) from 5 to 10.
  const optimizer = new ScriptedOptimizer([s('a', 1), s('c', 1), s('c', 2), s('b', 1)]);
  const outcome = await runSearchLoop({
    optimizer,
    study: await memoryStudy(pipelines, 3, { workers: 2 }),
    slots: slots(new ReplayTrainer(task), 2),
    maxEpochs: 3,
    clock: new SimulatedClock({ countOverhead: false }),
  });
  assert.deepEqual(
    outcome.records.map((r) => [r.configId, r.epoch, r.worker, r.startedAt, r.finishedAt]),
    [
      ['c', 1, 'w2', 0, 5],
      ['a', 1, 'w1', 0, 10],
      ['c', 2, 'w2', 5, 10],
      ['b', 1, 'w1', 10, 13],
    ],
  );
  assert.equal(outcome.seconds, 13);
});

test('4 concurrent steps with random durations: no pipeline runs twice at once, each step is recorded once, the budget holds', async () => {
  const big = syntheticTask('concurrent', 3, 40, 6);
  const pool = pipelinesOf(big);
  const random = new Random(11);
  const running = new Set<string>();
  let overlaps = 0;
  let peak = 0;
  const trainer: Trainer = {
    name: 'random-durations',
    describe: () => ({}),
    train: async (step) => {
      if (running.has(step.configId)) overlaps++;
      running.add(step.configId);
      peak = Math.max(peak, running.size);
      try {
        await sleep(5 + random.next() * 45);
        return { score: random.next(), seconds: 0.01 };
      } finally {
        running.delete(step.configId);
      }
    },
  };
  const method = METHODS.get('asha');
  assert.ok(method);
  const study = await memoryStudy(pool, 6, { workers: 4 });
  const optimizer = method.create({ pipelines: pool, state: study.state, maxEpochs: 6, seed: 2, metaFeatures: {} });
  const budget = 1.5;
  const outcome = await runSearchLoop({ optimizer, study, slots: slots(trainer, 4), maxEpochs: 6, clock: new RealClock(), budgetSeconds: budget });
  assert.equal(outcome.stopReason, 'budget');
  assert.equal(overlaps, 0, 'a pipeline ran twice at once');
  assert.equal(peak, 4, 'four steps ran at once');
  const keys = outcome.records.map((r) => `${r.configId}@${r.epoch}`);
  assert.equal(new Set(keys).size, keys.length, 'a step was recorded twice');
  const snapshot = study.snapshot();
  assert.equal(snapshot.steps.length, outcome.records.length);
  assert.equal(snapshot.running.length, 0);
  assert.ok(outcome.records.every((r) => (r.startedAt ?? 0) < budget), 'no step started after the budget');
  assert.ok(outcome.seconds < budget + 0.2, `ended at ${outcome.seconds} s`);
  assert.ok(outcome.records.length > 40, `${outcome.records.length} steps`);
});
