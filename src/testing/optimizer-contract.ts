import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runReplaySearch } from '../benchmark/replay-search.ts';
import { PoolState } from '../core/pool-state.ts';
import type { RunningStep, StepRecord } from '../core/step.ts';
import type { MetaTask } from '../metadata/types.ts';
import type { MethodDefinition } from '../optimizer/registry.ts';
import type { Optimizer } from '../optimizer/types.ts';
import type { Predictor } from '../predictor/types.ts';
import { pipelinesOf } from '../trainers/replay.ts';
import { Random } from '../util/random.ts';

/** What the suite runs a method on: a task to replay and a predictor for model-based methods. */
export interface OptimizerHarness {
  /** A task with a few dozen pipelines and curves of several epochs. */
  readonly task: MetaTask;
  readonly maxEpochs: number;
  /** A fresh predictor (methods that need one get it; it should be cheap). */
  predictor(): Predictor;
}

/** The pipeline `default` trains in the suite: the one with the longest recorded curve. */
function longestCurve(task: MetaTask): string {
  return [...task.configs].sort((a, b) => b.scores.length - a.scores.length)[0]?.id ?? '';
}

/** A driver that plays the study's part by hand: claims, results in any order, as several workers make them. */
class Driver {
  readonly state: PoolState;
  readonly optimizer: Optimizer;
  private readonly task: MetaTask;
  private claims = 0;
  private clock = 0;

  constructor(method: MethodDefinition, harness: OptimizerHarness, seed: number, previous: readonly StepRecord[] = []) {
    this.task = harness.task;
    const pipelines = pipelinesOf(harness.task);
    this.state = new PoolState(pipelines.map((p) => p.id), harness.maxEpochs);
    for (const record of previous) this.state.observe(record);
    this.optimizer = method.create({
      pipelines,
      state: this.state,
      maxEpochs: harness.maxEpochs,
      seed,
      metaFeatures: harness.task.metaFeatures,
      ...(method.needsPredictor ? { predictor: harness.predictor() } : {}),
      defaultPipeline: longestCurve(harness.task),
      // NOTE: as with a real trainer (the path image-folder searches take): model-based methods correct scores.
      correctScores: true,
    });
  }

  /** Asks and claims; returns the running step, or null when the method has nothing to run now. */
  async next(worker: string): Promise<RunningStep | null> {
    const suggestion = await this.optimizer.ask({ remainingSeconds: 1e9 });
    if (suggestion === null) return null;
    const problem = this.state.problemWith(suggestion);
    assert.equal(problem, undefined, `${this.optimizer.name} proposed an invalid step: ${problem}`);
    const step: RunningStep = { claim: `c${++this.claims}`, configId: suggestion.configId, epoch: suggestion.epoch, worker, startedAt: this.clock };
    this.state.claim(step);
    return step;
  }

  /** Finishes a running step with its recorded score, as the study does: the state first, then `tell`. */
  async finish(step: RunningStep): Promise<StepRecord> {
    const run = this.task.configs.find((c) => c.id === step.configId);
    const score = run?.scores[step.epoch - 1];
    this.clock += run?.costs[step.epoch - 1] ?? 1;
    const record: StepRecord =
      score === undefined
        ? { configId: step.configId, epoch: step.epoch, score: null, seconds: 1, status: 'failed', final: true, error: 'no such epoch', finishedAt: this.clock }
        : {
            configId: step.configId,
            epoch: step.epoch,
            score,
            seconds: run?.costs[step.epoch - 1] ?? 1,
            status: 'ok',
            final: step.epoch >= (run?.scores.length ?? 0),
            finishedAt: this.clock,
            worker: step.worker,
          };
    this.state.observe(record);
    await this.optimizer.tell(record);
    return record;
  }
}

/**
 * The contract every search method passes (as Syne Tune runs every scheduler through one script): with
 * steps pending on several workers it never proposes a running, finished or out-of-order step; results may
 * arrive in any order; a method built on a resumed study's records goes on from them; it says null only when
 * nothing can run; it completes a replayed search deterministically for a seed.
 */
export function optimizerContract(methods: readonly MethodDefinition[], harness: OptimizerHarness): void {
  for (const method of methods) {
    describe(`optimizer contract: ${method.name}`, () => {
      test('with 4 workers and results in random order it only proposes free, unfinished next epochs', async () => {
        const driver = new Driver(method, harness, 3);
        const random = new Random(17);
        const running: RunningStep[] = [];
        const finished = new Set<string>();
        for (let round = 0; round < 60; round++) {
          while (running.length < 4) {
            const step = await driver.next(`w${running.length + 1}`);
            if (step === null) break;
            assert.ok(!running.some((r) => r.configId === step.configId), `${step.configId} proposed while running`);
            running.push(step);
          }
          if (running.length === 0) break;
          const [done] = running.splice(random.int(running.length), 1);
          if (!done) break;
          const record = await driver.finish(done);
          const key = `${record.configId}@${record.epoch}`;
          assert.ok(!finished.has(key), `${key} ran twice`);
          finished.add(key);
        }
        assert.ok(finished.size >= 5, `${finished.size} steps`);
      });

      test('it answers null only when every pipeline is finished or running', async () => {
        const driver = new Driver(method, harness, 1);
        const running: RunningStep[] = [];
        for (;;) {
          const step = await driver.next('w');
          if (step === null) break;
          running.push(step);
          if (running.length > driver.state.size) assert.fail('more claims than pipelines');
        }
        const free = driver.state.candidates().length;
        if (method.name === 'default') assert.equal(running.length, 1, 'one pipeline, one step at a time');
        else assert.equal(free, 0, `${method.name} said null with ${free} pipelines free`);
        for (const step of running) await driver.finish(step);
        assert.notEqual(await driver.optimizer.ask(), null, 'after results come back it proposes again');
      });

      test('built on a resumed study it goes on from the recorded steps', async () => {
        const first = new Driver(method, harness, 5);
        const previous: StepRecord[] = [];
        for (let k = 0; k < 12; k++) {
          const step = await first.next('w1');
          if (step === null) break;
          previous.push(await first.finish(step));
        }
        const resumed = new Driver(method, harness, 5, previous);
        for (const record of previous) await resumed.optimizer.tell(record);
        const step = await resumed.next('w1');
        if (step !== null) await resumed.finish(step);
        assert.ok(previous.length > 0);
      });

      test('a replayed search with one worker completes and repeats itself for a seed (overhead left out)', async () => {
        const run = () =>
          runReplaySearch({
            task: harness.task,
            maxEpochs: harness.maxEpochs,
            method,
            seed: 4,
            budgetSeconds: 1500,
            countOverhead: false,
            ...(method.needsPredictor ? { predictor: harness.predictor() } : {}),
            defaultPipeline: longestCurve(harness.task),
          });
        const [a, b] = [await run(), await run()];
        assert.ok(a.records.length >= 1);
        assert.ok(a.records.every((r) => r.status === 'ok'));
        assert.deepEqual(a.records, b.records);
      });
    });
  }
}
