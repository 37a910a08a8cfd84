import type { Config } from '../../../space/types.ts';
import type { EpochCostModel } from '../../types.ts';
import { parseSettings, type TrainSettings } from '../settings.ts';
import type { CostProfile, ModelCost } from './cost-profile.ts';
import { costRegime, keysPaidBy, loadKey, stepSeconds, type EpochCostData } from './epoch-cost-model.ts';

/**
 * The tfjs trainer's {@link EpochCostModel}: step seconds from the measured profile, knowing what the trainer's
 * worker process has already paid for once (models loaded, features cached), which the trainer reports after
 * each step: a model's second pipeline at the same frozen depth skips the feature pass its first one paid.
 * Undefined for an unknown model or a config the trainer would reject.
 */
export class WorkerCostModel implements EpochCostModel {
  /** The measurements it predicts from. */
  readonly profile: CostProfile;
  private readonly data: EpochCostData;
  private readonly models: ReadonlyMap<string, ModelCost>;
  private readonly paid = new Set<string>();
  /** Each config's parsed settings: a search asks for every candidate's seconds and regime at every decision. */
  private readonly parsed = new WeakMap<Config, TrainSettings | null>();

  constructor(profile: CostProfile, data: EpochCostData) {
    this.profile = profile;
    this.data = data;
    this.models = new Map(profile.models.map((m) => [m.model, m]));
  }

  seconds(config: Config, epoch: number): number | undefined {
    const parsed = this.parse(config, epoch);
    return parsed && stepSeconds(this.profile, parsed.model, parsed.settings, epoch, this.data, this.paid);
  }

  regime(config: Config, epoch: number): readonly string[] {
    const parsed = this.parse(config, epoch);
    return parsed ? costRegime(parsed.model, parsed.settings, epoch, this.data, this.paid) : [String(config.model)];
  }

  /** A step of `config` finished in the worker: what it paid once is warm from now on. */
  ran(config: Config): void {
    const parsed = this.parse(config, 1);
    if (parsed) for (const key of keysPaidBy(parsed.model, parsed.settings, this.data)) this.paid.add(key);
  }

  /** The probe loaded these models in the worker (and ran their kernels once). */
  loaded(models: Iterable<string>): void {
    for (const model of models) this.paid.add(loadKey(model));
  }

  /** A new worker process: nothing is paid for. */
  coldStart(): void {
    this.paid.clear();
  }

  private parse(config: Config, epoch: number): { model: ModelCost; settings: TrainSettings } | undefined {
    const model = this.models.get(String(config.model));
    if (!model || !Number.isInteger(epoch) || epoch < 1) return undefined;
    let settings = this.parsed.get(config);
    if (settings === undefined) {
      try {
        settings = parseSettings(config);
      } catch {
        settings = null;
      }
      this.parsed.set(config, settings);
    }
    return settings === null ? undefined : { model, settings };
  }
}
