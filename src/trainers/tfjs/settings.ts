import { TrainerError } from '../../errors.ts';
import type { Config, ParamValue } from '../../space/types.ts';

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'adamp'] as const;
export const SCHEDULES = ['none', 'cosine', 'step', 'multistep', 'plateau'] as const;
export const AUGMENTATIONS = ['none', 'trivial_augment', 'random_augment', 'auto_augment'] as const;

export type OptimizerName = (typeof OPTIMIZERS)[number];
export type ScheduleName = (typeof SCHEDULES)[number];
export type AugmentationName = (typeof AUGMENTATIONS)[number];

/** A pipeline's hyperparameters as the tfjs trainer uses them (the names of the shipped search space, docs/search-space.md). */
export interface TrainSettings {
  readonly model: string;
  readonly lr: number;
  readonly batchSize: number;
  readonly opt: OptimizerName;
  readonly betas: readonly [number, number];
  readonly momentum: number;
  readonly weightDecay: number;
  /** Global gradient-norm limit; null = no clipping. */
  readonly clipGrad: number | null;
  /** Layer-wise learning-rate decay; null = none. */
  readonly layerDecay: number | null;
  readonly sched: ScheduleName;
  readonly warmupLr: number;
  readonly warmupEpochs: number;
  readonly decayRate: number;
  readonly decayEpochs: number;
  readonly patienceEpochs: number;
  readonly smoothing: number;
  readonly drop: number;
  readonly mixup: number;
  readonly cutmix: number;
  readonly mixupProb: number;
  readonly pctToFreeze: number;
  readonly spReg: number;
  readonly augmentation: AugmentationName;
  readonly raNumOps: number;
  readonly raMagnitude: number;
  /** One line per configured value the trainer does not implement (logged once per pipeline). */
  readonly ignored: readonly string[];
}

/** Parameters the trainer reads; anything else in a config is reported as ignored. */
const USED = new Set([
  'model', 'lr', 'batch_size', 'opt', 'opt_betas', 'momentum', 'weight_decay', 'clip_grad', 'layer_decay', 'sched',
  'warmup_lr', 'warmup_epochs', 'decay_rate', 'decay_epochs', 'patience_epochs', 'smoothing', 'drop', 'mixup',
  'cutmix', 'mixup_prob', 'pct_to_freeze', 'sp_reg', 'data_augmentation', 'ra_num_ops', 'ra_magnitude',
]);

/** Parameters that are accepted as long as they keep their "off" value. */
const OFF_ONLY: Readonly<Record<string, string>> = {
  linear_probing: 'linear probing (then finetuning) is not implemented; set pct_to_freeze 1 for a linear probe',
  amp: 'mixed precision does not exist on the CPU/wasm backend',
  stoch_norm: 'StochNorm needs batch statistics; batch norm runs in inference mode',
  bss_reg: 'batch spectral shrinkage needs an SVD, which tfjs lacks',
  delta_reg: 'DELTA feature regularization is not implemented',
  cotuning_reg: 'co-tuning is not implemented',
};

function isNone(v: ParamValue | undefined): boolean {
  return v === null || v === undefined || (typeof v === 'string' && ['none', 'null', ''].includes(v.trim().toLowerCase()));
}

function isOff(v: ParamValue | undefined): boolean {
  return isNone(v) || v === false || v === 0 || v === '0' || (typeof v === 'string' && ['false', '0.0'].includes(v.trim().toLowerCase()));
}

class Reader {
  readonly problems: string[] = [];
  private readonly config: Config;
  constructor(config: Config) {
    this.config = config;
  }

  number(key: string, fallback: number, check: (v: number) => boolean, what: string): number {
    const raw = this.config[key];
    if (isNone(raw)) return fallback;
    const v = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(v) || !check(v)) {
      this.problems.push(`${key}: ${JSON.stringify(raw)} is not ${what}`);
      return fallback;
    }
    return v;
  }

  /** A number where none, -1 (the meta-dataset's sentinel) and absence mean "off". */
  optional(key: string, check: (v: number) => boolean, what: string): number | null {
    const raw = this.config[key];
    if (isNone(raw) || raw === -1 || raw === '-1' || raw === '-1.0') return null;
    return this.number(key, 0, check, what);
  }

  choice<T extends string>(key: string, options: readonly T[], fallback: T): T {
    const raw = this.config[key];
    if (isNone(raw)) return options.includes('none' as T) ? ('none' as T) : fallback;
    const v = String(raw).trim().toLowerCase();
    if (!options.includes(v as T)) {
      this.problems.push(`${key}: ${JSON.stringify(raw)} is not one of ${options.join(', ')}`);
      return fallback;
    }
    return v as T;
  }

  betas(): [number, number] {
    const raw = this.config.opt_betas;
    if (isNone(raw)) return [0.9, 0.999];
    const parts = String(raw).replace(/[[\](),]/g, ' ').trim().split(/\s+/).map(Number);
    const [b1, b2] = parts;
    if (parts.length !== 2 || b1 === undefined || b2 === undefined || !(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) {
      this.problems.push(`opt_betas: ${JSON.stringify(raw)} is not two numbers in [0, 1) like "0.9 0.999"`);
      return [0.9, 0.999];
    }
    return [b1, b2];
  }
}

const positive = (v: number): boolean => v > 0;
const nonNegative = (v: number): boolean => v >= 0;
const fraction = (v: number): boolean => v >= 0 && v <= 1;
const positiveInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
const nonNegativeInt = (v: number): boolean => Number.isInteger(v) && v >= 0;

/**
 * Reads a pipeline config. Invalid values reject the step (TrainerError naming the parameter); values the
 * trainer cannot honour are listed in `ignored` (never silently dropped).
 */
export function parseSettings(config: Config): TrainSettings {
  const r = new Reader(config);
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (USED.has(key)) continue;
    const reason = OFF_ONLY[key];
    if (reason !== undefined) {
      if (!isOff(value)) ignored.push(`${key}=${JSON.stringify(value)} ignored: ${reason}`);
    } else if (key !== 'auto_augment') {
      ignored.push(`${key}=${JSON.stringify(value)} ignored: not a parameter of the tfjs trainer`);
    }
  }
  const augmentation = r.choice('data_augmentation', AUGMENTATIONS, 'none');
  if (augmentation === 'auto_augment') ignored.push('data_augmentation=auto_augment ignored: AutoAugment policies are not implemented (no augmentation is used)');
  const sched = r.choice('sched', SCHEDULES, 'none');
  const warmupEpochs = r.number('warmup_epochs', 0, nonNegativeInt, 'a non-negative integer');
  if (sched === 'none' && warmupEpochs > 0) ignored.push('warmup_epochs ignored: sched=none has no warmup (as in timm)');
  const settings: TrainSettings = {
    model: config.model,
    lr: r.number('lr', 1e-3, positive, 'a positive learning rate'),
    batchSize: r.number('batch_size', 32, positiveInt, 'a positive integer'),
    opt: r.choice('opt', OPTIMIZERS, 'adam'),
    betas: r.betas(),
    momentum: r.number('momentum', 0.9, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    weightDecay: r.number('weight_decay', 0, nonNegative, 'non-negative'),
    clipGrad: r.optional('clip_grad', positive, 'a positive gradient-norm limit'),
    layerDecay: r.optional('layer_decay', (v) => v > 0 && v <= 1, 'in (0, 1]'),
    sched,
    warmupLr: r.number('warmup_lr', 0, nonNegative, 'non-negative'),
    warmupEpochs,
    decayRate: r.number('decay_rate', 0.1, (v) => v > 0 && v <= 1, 'in (0, 1]'),
    decayEpochs: r.number('decay_epochs', 30, positive, 'positive'),
    patienceEpochs: r.number('patience_epochs', 10, nonNegativeInt, 'a non-negative integer'),
    smoothing: r.number('smoothing', 0, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    drop: r.number('drop', 0, (v) => v >= 0 && v < 1, 'in [0, 1)'),
    mixup: r.number('mixup', 0, nonNegative, 'non-negative'),
    cutmix: r.number('cutmix', 0, nonNegative, 'non-negative'),
    mixupProb: r.number('mixup_prob', 1, fraction, 'in [0, 1]'),
    pctToFreeze: r.number('pct_to_freeze', 0, fraction, 'in [0, 1]'),
    spReg: r.number('sp_reg', 0, nonNegative, 'non-negative'),
    augmentation: augmentation === 'auto_augment' ? 'none' : augmentation,
    raNumOps: r.number('ra_num_ops', 2, positiveInt, 'a positive integer'),
    raMagnitude: r.number('ra_magnitude', 9, (v) => v >= 0 && v <= 30, 'in [0, 30]'),
    ignored,
  };
  if (r.problems.length > 0) throw new TrainerError(`invalid config: ${r.problems.join('; ')}`, 'trainer.badConfig');
  return settings;
}
