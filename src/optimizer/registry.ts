import { UsageError } from '../errors.ts';
import { Asha, DEFAULT_ASHA } from './asha.ts';
import type { OptimizerContext } from './context.ts';
import { QuickTuneOptimizer, type QuickTuneSettings } from './quicktune.ts';
import { DefaultPipeline } from './default-pipeline.ts';
import { RandomPairs } from './random-pairs.ts';
import { RandomSearch } from './random-search.ts';
import { BUDGET_ESTIMATE, BUDGETED_REFIT, CONDITION_ONLY, PAPER_REFIT } from './refit-schedule.ts';
import type { Optimizer } from './types.ts';

/** A search method as data: adding a method is adding one entry to {@link METHODS}. */
export interface MethodDefinition {
  readonly name: string;
  readonly description: string;
  /** Builds the optimizer (needs `context.predictor` when `needsPredictor`). */
  create(context: OptimizerContext): Optimizer;
  /** Uses a predictor checkpoint (its encoding, and its weights when `metaLearned`). */
  readonly needsPredictor: boolean;
  /** Uses the meta-trained weights: a benchmark must give it a predictor that never saw the task. */
  readonly metaLearned: boolean;
  /** The method's settings (JSON): stored benchmark runs are reused only while these are unchanged. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/**
 * Quick-Tune's defaults: every switch on; the meta-trained score model is conditioned on the observations
 * without weight updates while the cost model adapts (refitting hurt held-out predictions and cost a hundred
 * times more: docs/predictor.md); the GP conditioned on at most 300 points; and look-ahead: each candidate
 * is scored by the EI over the best score seen so far of its score 1, 2, 4, ... epochs ahead (capped at T),
 * per predicted second of those epochs, with a predictor meta-trained to predict epochs ahead (recipe
 * quicktune-lookahead). Measured against the paper's one-epoch EI in docs/benchmark.md. Where the trainer has
 * a hand-picked default pipeline, it is trained first, within a tenth of the budget (docs/method.md §8).
 */
export const QUICKTUNE_DEFAULTS: QuickTuneSettings = {
  metaInit: true,
  costAware: true,
  grayBox: true,
  refit: CONDITION_ONLY,
  trainingSet: { maxPoints: 300 },
  incumbent: 'global',
  horizons: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
  pending: 'believer',
  defaultShare: 0.1,
};

/**
 * The paper's acquisition (docs/method.md §8.1-8.2): EI of the next epoch only, against the best score
 * observed at that epoch (DyHPO's rule).
 */
const PAPER_ACQUISITION: Partial<QuickTuneSettings> = { incumbent: 'per-epoch', horizons: undefined };

/**
 * Methods whose network starts from fresh weights must learn online: the paper's schedule, bounded. They use
 * the paper's acquisition, since look-ahead needs a predictor meta-trained to predict epochs ahead.
 */
const FROM_SCRATCH: Partial<QuickTuneSettings> = { metaInit: false, refit: BUDGETED_REFIT, ...PAPER_ACQUISITION };

function quickTune(name: string, description: string, switches: Partial<QuickTuneSettings>): MethodDefinition {
  const settings = { ...QUICKTUNE_DEFAULTS, ...switches };
  return {
    name,
    description,
    needsPredictor: true,
    metaLearned: settings.metaInit,
    settings: { ...settings },
    create: (context) => new QuickTuneOptimizer(name, context, settings),
  };
}

const DEFINITIONS: readonly MethodDefinition[] = [
  quickTune('quicktune', 'Quick-Tune: meta-learned, cost-aware, gray-box EI (QT: +M +C +G)', {}),
  quickTune('dyhpo', 'DyHPO: gray-box EI on a deep-kernel GP learned from scratch (QT: -M -C +G)', {
    ...FROM_SCRATCH,
    costAware: false,
  }),
  quickTune('qt-no-meta', "ablation QT: -M +C +G (no meta-learned initialisation; the paper's acquisition)", FROM_SCRATCH),
  quickTune('qt-no-lookahead', "ablation: Quick-Tune with the paper's acquisition (next-epoch EI against the best score at that epoch)", PAPER_ACQUISITION),
  quickTune('qt-no-cost', 'ablation QT: +M -C +G (EI not divided by the predicted cost)', { costAware: false }),
  quickTune('qt-no-graybox', 'ablation QT: +M +C -G (a chosen pipeline is trained to the end)', { grayBox: false }),
  quickTune('qt-pending-exclude', 'variant: Quick-Tune that only leaves running pipelines out (no kriging believer for pending steps)', {
    pending: 'exclude',
  }),
  quickTune('qt-paper-refit', "ablation: Quick-Tune with the paper's online refit schedule (Adam steps up to 1% of the training time)", {
    refit: { ...PAPER_REFIT, budget: { ...BUDGET_ESTIMATE, share: 0.01, initialCredit: 120 } },
  }),
  {
    name: 'asha',
    description: 'ASHA: asynchronous successive halving, rungs 1, 3, 9, 27, T, reduction factor 3',
    needsPredictor: false,
    metaLearned: false,
    settings: { ...DEFAULT_ASHA },
    create: (context) => new Asha(context),
  },
  {
    name: 'random',
    description: 'random search over full curves',
    needsPredictor: false,
    metaLearned: false,
    settings: {},
    create: (context) => new RandomSearch(context),
  },
  {
    name: 'default',
    description: "the trainer's hand-picked default pipeline, trained epoch after epoch (the reference to beat)",
    needsPredictor: false,
    metaLearned: false,
    settings: {},
    create: (context) => new DefaultPipeline(context),
  },
  {
    name: 'random-pairs',
    description: 'random (pipeline, next epoch) pairs, one epoch at a time',
    needsPredictor: false,
    metaLearned: false,
    settings: {},
    create: (context) => new RandomPairs(context),
  },
];

/** Every built-in method by name. */
export const METHODS: ReadonlyMap<string, MethodDefinition> = new Map(DEFINITIONS.map((d) => [d.name, d]));

/** Looks methods up; an unknown name is a usage error that lists the known ones. */
export function resolveMethods(names: readonly string[], flag: string): MethodDefinition[] {
  const unknown = names.filter((n) => !METHODS.has(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `${flag}: unknown method${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (known: ${[...METHODS.keys()].join(', ')})`,
    );
  }
  return names.map((n) => METHODS.get(n)).filter((d): d is MethodDefinition => d !== undefined);
}
