import type { TrainSettings } from './settings.ts';

/** Minimum learning rate of the cosine schedule (timm's --min-lr default in the Quick-Tune era). */
export const COSINE_MIN_LR = 1e-6;

/** State the plateau schedule carries between epochs (saved in the checkpoint). */
export interface PlateauState {
  /** Best validation score seen after warmup. */
  best: number | null;
  /** Epochs since the last improvement. */
  badEpochs: number;
  /** Product of the decays applied so far. */
  factor: number;
}

export function initialPlateau(): PlateauState {
  return { best: null, badEpochs: 0, factor: 1 };
}

/**
 * The learning rate of 0-based epoch `t` (constant within the epoch, as timm's epoch-level schedulers):
 * linear warmup from warmup_lr over warmup_epochs (not for sched=none), then
 * cosine: min_lr + ½(lr − min_lr)(1 + cos(π t / T)); step: lr · rate^⌊t / decay_epochs⌋;
 * multistep: one milestone at decay_epochs (lr · rate after it); plateau: lr · the decays applied so far.
 */
export function learningRate(s: TrainSettings, t: number, maxEpochs: number, plateau: PlateauState): number {
  if (s.sched !== 'none' && t < s.warmupEpochs) return s.warmupLr + ((s.lr - s.warmupLr) * t) / s.warmupEpochs;
  switch (s.sched) {
    case 'none':
      return s.lr;
    case 'cosine': {
      const min = Math.min(COSINE_MIN_LR, s.lr);
      return min + 0.5 * (s.lr - min) * (1 + Math.cos((Math.PI * Math.min(t, maxEpochs)) / Math.max(1, maxEpochs)));
    }
    case 'step':
      return s.lr * s.decayRate ** Math.floor(t / s.decayEpochs);
    case 'multistep':
      return t >= s.decayEpochs ? s.lr * s.decayRate : s.lr;
    case 'plateau':
      return s.lr * plateau.factor;
  }
}

/**
 * Updates the plateau state with the validation score of 0-based epoch `t` (mode max, relative threshold
 * 1e-4, no cooldown, as torch's ReduceLROnPlateau under timm): after `patience_epochs` epochs without
 * improvement the rate is multiplied by decay_rate.
 */
export function observePlateau(s: TrainSettings, t: number, score: number, state: PlateauState): PlateauState {
  if (s.sched !== 'plateau' || t < s.warmupEpochs) return state;
  if (state.best === null || score > state.best * (1 + 1e-4)) return { ...state, best: score, badEpochs: 0 };
  const badEpochs = state.badEpochs + 1;
  if (badEpochs > s.patienceEpochs) return { best: state.best, badEpochs: 0, factor: state.factor * s.decayRate };
  return { ...state, badEpochs };
}
