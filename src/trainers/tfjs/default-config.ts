import type { Config } from '../../space/types.ts';

/**
 * The tfjs trainer's hand-picked pipeline, as a config of its shipped space (metadata/search-space-tfjs.yaml):
 * a linear probe (`pct_to_freeze: 1`) on MobileNetV2 ×1.0 with Adam at lr 1e-3, batch 32, no augmentation, no
 * regularization. Every parameter of the space is given; inactive ones hold their inactive value.
 *
 * NOTE: the space has no constant schedule: cosine from lr to 1e-6 over the 50-epoch horizon keeps the rate
 * within 25% of lr for the first 15 epochs, which is as close to constant as the space allows.
 */
export const TFJS_DEFAULT_CONFIG: Config = {
  model: 'mobilenet_v2_100_nsfwjs',
  pct_to_freeze: 1.0,
  batch_size: 32,
  opt: 'adam',
  opt_betas: '[0.9, 0.999]',
  momentum: 0.9,
  weight_decay: 0.0,
  clip_grad: -1.0,
  layer_decay: -1.0,
  sched: 'cosine',
  lr: 1.0e-3,
  warmup_lr: 0.0,
  warmup_epochs: 0,
  decay_rate: 0.1,
  decay_epochs: 90,
  patience_epochs: 10,
  linear_probing: 0,
  amp: 0,
  stoch_norm: 0,
  bss_reg: 0.0,
  sp_reg: 0.0,
  delta_reg: 0.0,
  cotuning_reg: 0.0,
  cutmix: 0.0,
  mixup: 0.0,
  mixup_prob: 1.0,
  smoothing: 0.0,
  drop: 0.0,
  data_augmentation: 'None',
  auto_augment: 'None',
  ra_num_ops: 2,
  ra_magnitude: 8,
};
