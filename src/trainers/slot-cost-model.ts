import type { Config } from '../space/types.ts';
import type { CostModelOptions, EpochCostModel, Trainer } from './types.ts';

/**
 * The cost model of a session's worker slots, each slot answered by its own trainer's model: what a trainer's
 * worker has already paid for (a model loaded, features cached) is that slot's, so a model's first step on
 * the second slot is not predicted as cheap as a continuing one on the first. A slot whose trainer has no
 * model is answered by the first slot's. The first trainer measures; the others are given its model as their
 * `sibling`, so that every slot costs from one measurement of the machine.
 */
export async function slotCostModel(trainers: readonly Trainer[], options: CostModelOptions): Promise<EpochCostModel | undefined> {
  const [first, ...others] = trainers;
  const base = await first?.costModel?.(options);
  if (base === undefined || others.length === 0) return base;
  const bySlot: EpochCostModel[] = [base];
  for (const trainer of others) bySlot.push((await trainer.costModel?.({ ...options, sibling: base })) ?? base);
  const of = (slot: number | undefined): EpochCostModel => bySlot[slot ?? 0] ?? base;
  const model: EpochCostModel = {
    seconds: (config: Config, epoch: number, slot?: number) => of(slot).seconds(config, epoch),
  };
  if (base.regime === undefined) return model;
  return {
    ...model,
    regime: (config: Config, epoch: number, slot?: number) => {
      const own = of(slot);
      return own.regime ? own.regime(config, epoch) : (base.regime?.(config, epoch) ?? []);
    },
  };
}
