import { loadTf } from '../../backend/tfjs-backend.ts';
import { ConfigEncoder, type EncoderOptions } from '../../encoding/index.ts';
import { InputError } from '../../errors.ts';
import { loadModelHub, type ModelHub } from '../../hub/model-hub.ts';
import { getLogger } from '../../logging.ts';
import type { MetaDataset } from '../../metadata/types.ts';
import { ExactGp } from '../../numerics/exact-gp.ts';
import { FactorizationError } from '../../numerics/jitter.ts';
import { createLinalg } from '../../numerics/linalg.ts';
import type { KernelKind } from '../../numerics/linalg-types.ts';
import { Random } from '../../util/random.ts';
import { UNCALIBRATED, type Calibration } from '../calibration.ts';
import { weightsEntry, type PredictorCheckpoint } from '../checkpoint.ts';
import { inputDims } from '../inputs.ts';
import { Adam, cosineDecay } from '../network/adam.ts';
import { allFinite, DeepKernelEngine, NOISE_FLOOR, type NoiseModel, type PriorMean } from '../network/engine.ts';
import { fitStandardizer, IDENTITY, logSeconds, standardize, type Standardizer } from '../scaling.ts';
import { prepareTask, restrictTasks, samplePoints, type TaskData } from './training-data.ts';
import { searchLikeSample } from './search-sample.ts';
import { drawEpisodes, fitCalibration, validationMse, withAheadQueries, type ValidationStyle } from './validation.ts';

/** Settings of a meta-training run (defaults: docs/method.md §5). */
export interface MetaTrainOptions {
  readonly metaDataset: MetaDataset;
  /** Tasks never seen (the test tasks of a fold). */
  readonly exclude?: readonly string[];
  readonly iterations?: number;
  readonly seed?: number;
  /** Model descriptors; default: the shipped hub. */
  readonly hub?: ModelHub | null;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly finalLearningRate?: number;
  readonly validateEvery?: number;
  readonly validationEpisodes?: number;
  /** Share of the remaining tasks held out for validation (at least one when there are two or more tasks). */
  readonly validationFraction?: number;
  readonly kernel?: KernelKind;
  readonly dropout?: number;
  /** Observation noise model (see NoiseModel); default 'shared' as in the paper. */
  readonly noise?: NoiseModel;
  /** The GP's prior mean (see PriorMean); default 'constant' as in the paper. */
  readonly priorMean?: PriorMean;
  /** Validation episodes: 'random' points (the paper) or 'search'-like states. */
  readonly validationStyle?: ValidationStyle;
  /** Training batches: 'random' points (the paper) or 'mixed': half random points, half search-like prefixes. */
  readonly batchSampling?: 'random' | 'mixed';
  /**
   * Share of the random training points that see only a random prefix of their curve (see samplePoints), so
   * that the model can predict several epochs ahead; default 0 (the paper: always the whole prefix).
   */
  readonly horizonShare?: number;
  /** Scale the predictive std per query kind to fit the validation episodes (see fitCalibration); default false. */
  readonly calibrate?: boolean;
  /** 'standardize' (default): GP targets standardized with the training scores' mean and std; 'none': raw. */
  readonly scoreScaling?: 'standardize' | 'none';
  readonly encoder?: EncoderOptions;
  /** A name for these settings, stored in the checkpoint (see recipes.ts); default 'custom'. */
  readonly recipe?: string;
  /** Called after every iteration (cheap) with the latest validation result. */
  readonly onProgress?: (progress: MetaTrainProgress) => void;
}

export interface MetaTrainProgress {
  readonly iteration: number;
  readonly iterations: number;
  readonly loss: number;
  readonly valMse: number | null;
  readonly bestValMse: number | null;
}

export interface MetaTrainResult {
  readonly checkpoint: PredictorCheckpoint;
  readonly seconds: number;
}

const log = getLogger('meta-train');

/** Splits the usable tasks into training and validation tasks with a seeded shuffle. */
function splitTasks(names: readonly string[], fraction: number, rng: Random): { train: string[]; validation: string[] } {
  if (names.length < 2 || fraction <= 0) return { train: [...names], validation: [] };
  const shuffled = rng.shuffle(names);
  const count = Math.min(names.length - 1, Math.max(1, Math.round(fraction * names.length)));
  const validation = new Set(shuffled.slice(0, count));
  return { train: names.filter((n) => !validation.has(n)), validation: names.filter((n) => validation.has(n)) };
}

/** Validation episodes drawn for calibration: far more than for checkpoint selection, as they cost one posterior each. */
const CALIBRATION_EPISODES = 64;

/**
 * Fits the std multipliers on their own validation episodes, drawn from a stream forked after training (so the
 * weights do not depend on them); a predictor trained to look ahead is also calibrated ahead.
 */
function calibrate(engine: DeepKernelEngine, theta: Float64Array, tasks: readonly TaskData[], size: number, rng: Random, score: Standardizer, options: MetaTrainOptions): Calibration {
  const drawn = drawEpisodes(tasks, Math.max(CALIBRATION_EPISODES, options.validationEpisodes ?? 0), size, rng, options.validationStyle ?? 'random');
  if (drawn.length === 0) return UNCALIBRATED;
  const episodes = (options.horizonShare ?? 0) > 0 ? withAheadQueries(drawn, rng) : drawn;
  return fitCalibration(engine, theta, episodes, score);
}

/**
 * Meta-trains the deep-kernel GP and the cost predictor (docs/method.md §4-6): each iteration draws
 * one training task and `batchSize` random (run, epoch) points of it, conditions the GP on them and takes an
 * Adam step on NLL/n plus the cost MSE, with a cosine-decayed learning rate. Every `validateEvery` iterations
 * the MSE of the predictive mean on fixed validation episodes is measured and the best weights are kept.
 * Deterministic under `seed`.
 */
export async function metaTrain(options: MetaTrainOptions): Promise<MetaTrainResult> {
  const started = performance.now();
  const meta = options.metaDataset;
  const iterations = options.iterations ?? 10_000;
  const seed = options.seed ?? 0;
  const batchSize = options.batchSize ?? 32;
  const learningRate = options.learningRate ?? 1e-4;
  const finalLearningRate = options.finalLearningRate ?? 1e-7;
  const validateEvery = options.validateEvery ?? 20;
  const episodesCount = options.validationEpisodes ?? 8;
  const excluded = [...(options.exclude ?? [])];
  const unknown = excluded.filter((name) => !meta.tasks.has(name));
  if (unknown.length > 0) throw new InputError(`--exclude: ${unknown.join(', ')} not in meta-dataset '${meta.name}'`);
  const usable = [...meta.tasks.keys()].filter((name) => !excluded.includes(name));
  if (usable.length === 0) throw new InputError(`meta-dataset '${meta.name}': no task left to meta-train on after --exclude`);

  const rng = new Random(seed);
  const { train, validation } = splitTasks(usable, options.validationFraction ?? 0.2, rng.fork());
  const hub = options.hub === undefined ? await loadModelHub() : options.hub;
  const encoder = ConfigEncoder.fit(restrictTasks(meta, usable), hub, options.encoder);
  const dims = inputDims(encoder, meta.maxEpochs);
  const task = (name: string) => prepareTask(meta.tasks.get(name)!, encoder, dims);
  const trainTasks = train.map(task).filter((t) => t.runs.length > 0);
  const validationTasks = validation.map(task).filter((t) => t.runs.length > 0);
  if (trainTasks.length === 0) throw new InputError(`meta-dataset '${meta.name}': no training task has a learning curve`);

  const allRuns = trainTasks.flatMap((t) => t.runs);
  const scoreScale = options.scoreScaling === 'none' ? IDENTITY : fitStandardizer(allRuns.flatMap((r) => Array.from(r.scores)));
  const costScale = fitStandardizer(allRuns.flatMap((r) => Array.from(r.costs, logSeconds)));
  const { tf } = await loadTf();
  const engineOptions = { kernel: options.kernel ?? 'rbf', noise: options.noise ?? 'shared', dropout: options.dropout ?? 0.25, priorMean: options.priorMean ?? 'constant', scoreScale } as const;
  const engine = new DeepKernelEngine(tf, dims, engineOptions, new ExactGp(createLinalg()));
  const theta = engine.layout.initialise(rng.fork());
  const adam = new Adam(theta.length);
  const sampling = rng.fork();
  const dropout = rng.fork();
  const episodes = drawEpisodes(validationTasks, episodesCount, batchSize, rng.fork(), options.validationStyle ?? 'random');
  const horizonShare = options.horizonShare ?? 0;
  const sampleBatch = (taskData: TaskData) => {
    if (options.batchSampling !== 'mixed') return samplePoints(taskData, batchSize, sampling, horizonShare);
    const half = samplePoints(taskData, batchSize - (batchSize >> 1), sampling, horizonShare);
    const prefixes = searchLikeSample(taskData.runs, batchSize >> 1, 0, sampling).context;
    return {
      points: [...half.points, ...prefixes.points],
      scores: Float64Array.from([...half.scores, ...prefixes.scores]),
      seconds: Float64Array.from([...half.seconds, ...prefixes.seconds]),
    };
  };

  let best = Float64Array.from(theta);
  let bestIteration = 0;
  let bestValMse: number | null = null;
  let lastValMse: number | null = null;
  const history: Array<[number, number]> = [];
  const validate = (iteration: number) => {
    if (episodes.length === 0) return;
    const mse = validationMse(engine, theta, episodes, scoreScale);
    lastValMse = mse;
    history.push([iteration, mse]);
    if (Number.isFinite(mse) && (bestValMse === null || mse < bestValMse)) {
      bestValMse = mse;
      bestIteration = iteration;
      best = Float64Array.from(theta);
    }
  };
  validate(0);
  let loss = Number.NaN;
  for (let iteration = 1; iteration <= iterations; iteration++) {
    const taskData = trainTasks[sampling.int(trainTasks.length)]!;
    const sample = sampleBatch(taskData);
    const batch = taskData.rows.batch(sample.points);
    try {
      const result = engine.step(theta, batch, standardize(scoreScale, sample.scores), standardize(costScale, sample.seconds, logSeconds), dropout);
      if (allFinite(result.grad)) {
        adam.step(theta, result.grad, cosineDecay(iteration - 1, iterations, learningRate, finalLearningRate));
        loss = result.gpLoss;
      }
    } catch (error) {
      // NOTE: a batch whose covariance stays singular even with jitter is skipped, not fatal.
      if (!(error instanceof FactorizationError)) throw error;
      log.debug({ iteration, task: taskData.name }, 'skipped a batch: covariance not positive definite');
    }
    if (iteration % validateEvery === 0 || iteration === iterations) validate(iteration);
    options.onProgress?.({ iteration, iterations, loss, valMse: lastValMse, bestValMse });
  }
  if (episodes.length === 0) best = Float64Array.from(theta);
  const calibration = options.calibrate === true ? calibrate(engine, best, validationTasks, batchSize, rng.fork(), scoreScale, options) : UNCALIBRATED;
  const hyper = engine.hyper(best);
  const checkpoint: PredictorCheckpoint = {
    encoder,
    theta: best,
    manifest: {
      format: 'quicktune-predictor',
      version: 1,
      metaDataset: { name: meta.name, contentHash: meta.contentHash, maxEpochs: meta.maxEpochs },
      tasks: { train, validation, excluded },
      model: { kernel: engineOptions.kernel, noise: engineOptions.noise, priorMean: engineOptions.priorMean, dropout: engineOptions.dropout, dims, layout: engine.layout.describe() },
      scaling: { score: scoreScale, logCost: costScale },
      calibration,
      gp: {
        lengthscale: hyper.lengthscale,
        outputscale: hyper.outputscale,
        noise: hyper.noise,
        ...(engineOptions.noise === 'split' ? { noiseNew: NOISE_FLOOR + Math.log1p(Math.exp(engine.layout.scalar(best, 'gp.noiseNew'))) } : {}),
        mean: hyper.mean,
      },
      training: {
        recipe: options.recipe ?? 'custom',
        iterations,
        seed,
        batchSize,
        learningRate,
        finalLearningRate,
        validateEvery,
        validationEpisodes: episodes.length,
        validationStyle: options.validationStyle ?? 'random',
        batchSampling: options.batchSampling ?? 'random',
        ...(horizonShare > 0 ? { horizonShare } : {}),
        bestIteration: episodes.length === 0 ? iterations : bestIteration,
        bestValMse,
        validation: history,
      },
      weights: weightsEntry(best),
    },
  };
  return { checkpoint, seconds: (performance.now() - started) / 1000 };
}
