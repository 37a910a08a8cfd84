import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../src/space/types.ts';
import { slotCostModel } from '../../src/trainers/slot-cost-model.ts';
import type { EpochCostModel, Trainer } from '../../src/trainers/types.ts';

/** A trainer whose cost model says `seconds` for every step, under regime `[name]`; records when it was asked. */
function trainer(name: string, seconds: number | undefined, asked: string[], withRegime = true): Trainer & { sibling?: EpochCostModel } {
  const base: Trainer = { name, describe: () => ({}), train: async () => ({ score: 0, seconds: 0 }) };
  if (seconds === undefined) return base;
  const out: Trainer & { sibling?: EpochCostModel } = {
    ...base,
    costModel: async (options) => {
      if (options?.sibling) out.sibling = options.sibling;
      asked.push(`${name} start`);
      // NOTE: the first trainer measures for a while: the others must not start before it is done.
      await new Promise((resolve) => setTimeout(resolve, name === 'a' ? 20 : 0));
      asked.push(`${name} done`);
      const model: EpochCostModel = { seconds: () => seconds };
      return withRegime ? { ...model, regime: () => [name] } : model;
    },
  };
  return out;
}

const config: Config = { model: 'm' };

test("each worker slot's steps are costed by that slot's trainer, the first slot's where a trainer has no model", async () => {
  const asked: string[] = [];
  const [a, b] = [trainer('a', 1, asked), trainer('b', 2, asked)];
  const model = await slotCostModel([a, b, trainer('c', undefined, asked)], {});
  assert.ok(model);
  assert.equal(a.sibling, undefined, 'the first slot measures');
  assert.equal(b.sibling?.seconds(config, 1), 1, "the others are given the first slot's model, to measure no more");
  assert.deepEqual([0, 1, 2, undefined].map((slot) => model.seconds(config, 1, slot)), [1, 2, 1, 1]);
  assert.deepEqual([0, 1, 2].map((slot) => model.regime?.(config, 1, slot)), [['a'], ['b'], ['a']]);
  assert.deepEqual(asked, ['a start', 'a done', 'b start', 'b done'], 'the first trainer measures before the others are asked');
});

test('one slot: its trainer\'s own model; no model on the first trainer: none', async () => {
  const asked: string[] = [];
  const own: Trainer = trainer('a', 3, asked, false);
  const model = await slotCostModel([own], {});
  assert.equal(model?.seconds(config, 1), 3);
  assert.equal(model?.regime, undefined, 'a model without regimes keeps none');
  assert.equal(await slotCostModel([trainer('x', undefined, asked), trainer('b', 2, asked)], {}), undefined);
});
