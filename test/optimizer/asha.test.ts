import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Asha } from '../../src/optimizer/asha.ts';
import { SimulatedClock } from '../../src/study/clock.ts';
import { runSearchLoop } from '../../src/study/search-loop.ts';
import { pipelinesOf, ReplayTrainer } from '../../src/trainers/replay.ts';
import { memoryStudy } from '../helpers/memory-study.ts';
import { makeTask } from '../helpers/synthetic-metadataset.ts';

const T = 10;
// NOTE: pipeline i scores (i + 1) / 40 at every epoch, so its rank is known at every rung.
const task = makeTask(
  'rungs',
  Array.from({ length: 30 }, (_, i) => ({
    id: `p${i}`,
    model: 'm',
    scores: Array.from({ length: i === 29 ? 2 : T }, () => (i + 1) / 40),
    costs: Array.from({ length: T }, () => 1),
  })),
);

test('ASHA promotes only the top third of a rung, runs each job to its rung, and uses rungs 1, 3, 9, T', async () => {
  const pipelines = pipelinesOf(task);
  const study = await memoryStudy(pipelines, T);
  const optimizer = new Asha({ pipelines, state: study.state, maxEpochs: T, seed: 3, metaFeatures: {} });
  assert.deepEqual(optimizer.describe().rungs, [1, 3, 9, 10]);
  const outcome = await runSearchLoop({
    optimizer,
    study,
    slots: [{ id: 'w1', trainer: new ReplayTrainer(task) }],
    maxEpochs: T,
    clock: new SimulatedClock({ countOverhead: false }),
    maxSteps: 50,
  });
  const reached = new Map<string, number>();
  const rungOf = (epoch: number): number => [1, 3, 9, 10].filter((r) => r <= epoch).at(-1) ?? 0;
  let previous: string | undefined;
  for (const record of outcome.records) {
    const epoch = record.epoch;
    if (epoch > 1 && [2, 4, 10].includes(epoch)) {
      // NOTE: the first epoch past a rung is a promotion: the pipeline must be in the top third of that rung.
      const rung = epoch - 1;
      const atRung = [...reached].filter(([, e]) => e >= rung).map(([id]) => Number(id.slice(1)));
      const rank = atRung.filter((j) => j > Number(record.configId.slice(1))).length;
      assert.ok(rank < Math.floor(atRung.length / 3), `${record.configId} promoted from rung ${rung} with rank ${rank} of ${atRung.length}`);
    } else if (epoch > 1) {
      assert.equal(previous, record.configId, `epoch ${epoch} of ${record.configId} continues its job`);
    }
    reached.set(record.configId, epoch);
    previous = rungOf(epoch) === epoch || record.final ? undefined : record.configId;
  }
  assert.ok([...reached.values()].some((e) => e >= 9), 'someone reached rung 9 within 50 steps');
});

test('with the pool exhausted ASHA keeps promoting the best pipelines until every curve is finished', async () => {
  const pipelines = pipelinesOf(task);
  const study = await memoryStudy(pipelines, T);
  const outcome = await runSearchLoop({
    optimizer: new Asha({ pipelines, state: study.state, maxEpochs: T, seed: 1, metaFeatures: {} }),
    study,
    slots: [{ id: 'w1', trainer: new ReplayTrainer(task) }],
    maxEpochs: T,
    clock: new SimulatedClock({ countOverhead: false }),
  });
  assert.equal(outcome.stopReason, 'exhausted');
  const total = task.configs.reduce((s, c) => s + c.scores.length, 0);
  assert.equal(outcome.records.length, total);
  assert.deepEqual(outcome.incumbent, { configId: 'p29', epoch: 1, score: 0.75 });
});
