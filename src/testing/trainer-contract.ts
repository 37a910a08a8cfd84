import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Config } from '../space/types.ts';
import type { Trainer, TrainStep } from '../trainers/types.ts';

/** What a trainer under test provides. */
export interface TrainerHarness {
  /** A fresh trainer (the suite closes it). */
  make(): Promise<Trainer>;
  /** A pipeline it can train for two epochs, quickly. */
  readonly config: Config;
  readonly maxEpochs: number;
  /** True when steps need a checkpoint folder to continue a pipeline (trainers that train for real). */
  readonly checkpointed: boolean;
  /** Per-test time limit in ms (real trainers are slow on a CPU). */
  readonly timeoutMs?: number;
}

async function withTrainer<T>(harness: TrainerHarness, work: (trainer: Trainer) => Promise<T>): Promise<T> {
  const trainer = await harness.make();
  try {
    return await work(trainer);
  } finally {
    await trainer.close?.();
  }
}

function step(harness: TrainerHarness, epoch: number, checkpointDir: string | undefined, signal = new AbortController().signal, configId = 'contract'): TrainStep {
  return { configId, config: harness.config, epoch, maxEpochs: harness.maxEpochs, checkpointDir, signal };
}

/**
 * The contract every trainer passes (run by the tests of each built-in trainer): a step returns a score in
 * [0, 1] and its seconds, and the next epoch continues it; an aborted step rejects; `describe()` identifies it
 * the same way each time; where it keeps checkpoints, each epoch has its own, `prune` keeps exactly what it is
 * told and `bytes` counts them, and an epoch whose input checkpoint is missing fails; its cost model, if any,
 * answers with positive seconds.
 */
export function trainerContract(name: string, harness: TrainerHarness): void {
  const options = { timeout: harness.timeoutMs ?? 60_000 };
  describe(`trainer contract: ${name}`, () => {
    test('two epochs of a pipeline: scores in [0, 1], seconds, a checkpoint per epoch that prune and bytes manage', options, async () => {
      const dir = harness.checkpointed ? join(await mkdtemp(join(tmpdir(), 'qt-trainer-contract-')), 'pipeline') : undefined;
      await withTrainer(harness, async (trainer) => {
        const first = await trainer.train(step(harness, 1, dir));
        const second = await trainer.train(step(harness, 2, dir));
        for (const outcome of [first, second]) {
          assert.ok(outcome.score >= 0 && outcome.score <= 1, `score ${outcome.score}`);
          assert.ok(outcome.seconds >= 0 && Number.isFinite(outcome.seconds), `seconds ${outcome.seconds}`);
        }
        const layout = trainer.checkpoints;
        if (!harness.checkpointed || dir === undefined) return;
        assert.ok(layout, `${name} keeps checkpoints but does not describe their layout`);
        assert.ok(existsSync(layout.path(dir, 1)) && existsSync(layout.path(dir, 2)), 'each epoch has its own checkpoint; the trainer deletes none');
        const before = await layout.bytes(dir);
        assert.ok(before > 0);
        const freed = await layout.prune(dir, [2]);
        assert.ok(freed > 0 && freed < before, `freed ${freed} of ${before} bytes`);
        assert.equal(existsSync(layout.path(dir, 1)), false);
        assert.ok(existsSync(layout.path(dir, 2)));
        assert.equal(await layout.bytes(dir), before - freed);
        assert.equal(await layout.prune(join(dir, 'missing'), []), 0, 'a missing folder frees nothing');
      });
    });

    if (harness.checkpointed) {
      test('an epoch whose input checkpoint is missing fails the step', options, async () => {
        const dir = join(await mkdtemp(join(tmpdir(), 'qt-trainer-contract-')), 'empty');
        await withTrainer(harness, async (trainer) => {
          await assert.rejects(trainer.train(step(harness, 2, dir, undefined, 'never-trained')));
        });
      });
    }

    test('an aborted step rejects', options, async () => {
      await withTrainer(harness, async (trainer) => {
        const controller = new AbortController();
        controller.abort(new Error('stop'));
        const dir = harness.checkpointed ? join(await mkdtemp(join(tmpdir(), 'qt-trainer-contract-')), 'aborted') : undefined;
        await assert.rejects(trainer.train(step(harness, 1, dir, controller.signal)));
      });
    });

    test('describe() is plain JSON and the same for two trainers made alike; a cost model answers in seconds', options, async () => {
      const [a, b] = [await withTrainer(harness, async (t) => t.describe()), await withTrainer(harness, async (t) => t.describe())];
      assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
      assert.deepEqual(a, b);
      await withTrainer(harness, async (trainer) => {
        if (!trainer.costModel) return;
        // NOTE: told the one model the test trains, a trainer that probes costs measures no other.
        const cost = await trainer.costModel({ models: [String(harness.config.model)] });
        for (const epoch of [1, 2]) {
          const seconds = cost.seconds(harness.config, epoch);
          assert.ok(seconds === undefined || (seconds > 0 && Number.isFinite(seconds)), `epoch ${epoch}: ${seconds}`);
        }
      });
    });
  });
}
