import type { MetaTrainOptions } from './meta-train/meta-train.ts';

/** Meta-training settings beyond the data, seed and iteration count. */
export type Recipe = Omit<MetaTrainOptions, 'metaDataset' | 'exclude' | 'iterations' | 'seed' | 'hub' | 'onProgress'>;

/**
 * Named meta-training recipes. 'paper' is the paper's settings (docs/method.md §4-5; metaTrain's defaults);
 * 'quicktune' adds the options that measured better on held-out tasks (docs/predictor.md,
 * `npm run bench:predictor-quality`):
 * a learned prior mean plus the last observed score, a separate noise for epoch-1 points, lr 1e-3,
 * search-like validation episodes and a calibrated predictive std; 'quicktune-lookahead' also trains half of
 * the points on truncated curve prefixes, so the optimizer can ask for epochs ahead (docs/benchmark.md). The
 * network is the paper's in all three.
 */
export const RECIPES = {
  paper: {},
  quicktune: {
    priorMean: 'learned+last-observed',
    noise: 'split',
    learningRate: 1e-3,
    validationStyle: 'search',
    calibrate: true,
  },
  'quicktune-lookahead': {
    priorMean: 'learned+last-observed',
    noise: 'split',
    learningRate: 1e-3,
    validationStyle: 'search',
    calibrate: true,
    horizonShare: 0.5,
  },
} as const satisfies Record<string, Recipe>;

export type RecipeName = keyof typeof RECIPES;

/**
 * The recipe of `quicktune meta-train`, of the benchmark's fold-wise predictors and of the shipped predictor
 * (`npm run build:predictor`): one place to switch them all.
 */
export const DEFAULT_RECIPE: RecipeName = 'quicktune-lookahead';
