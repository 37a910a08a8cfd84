import { mixingActive } from '../data/mixing.ts';
import type { TrainSettings } from '../settings.ts';
import type { CostProfile, DepthCost, ModelCost } from './cost-profile.ts';

/** What an epoch's cost depends on besides the measured profile. */
export interface EpochCostData {
  /** Training and validation images of the dataset. */
  readonly trainImages: number;
  readonly valImages: number;
  /** The engine's feature-cache budget and per-micro-batch activation budget, in bytes. */
  readonly featureCacheBytes: number;
  readonly activationBytes: number;
}

/** Images per validation batch: 256 when the training features are cached, 64 otherwise (as the engine). */
const VAL_BATCH_CACHED = 256;
const VAL_BATCH_PIXELS = 64;
/** Images per batch when the engine fills the feature cache. */
const FEATURE_BATCH = 32;

/** The profile at `pct`: linear between the two probe points around it. */
export function depthAt(model: ModelCost, pct: number): DepthCost {
  const points = model.depths;
  const first = points[0] as DepthCost;
  if (pct <= first.pct) return first;
  for (let i = 1; i < points.length; i++) {
    const hi = points[i] as DepthCost;
    const lo = points[i - 1] as DepthCost;
    if (pct > hi.pct) continue;
    const w = (pct - lo.pct) / Math.max(1e-9, hi.pct - lo.pct);
    const mix = (a: number, b: number): number => a + w * (b - a);
    return {
      pct,
      frozenLayers: Math.round(pct * model.layers),
      trainableParams: Math.round(mix(lo.trainableParams, hi.trainableParams)),
      prefixPerCall: mix(lo.prefixPerCall, hi.prefixPerCall),
      prefixPerImage: mix(lo.prefixPerImage, hi.prefixPerImage),
      stepPerCall: mix(lo.stepPerCall, hi.stepPerCall),
      stepPerImage: mix(lo.stepPerImage, hi.stepPerImage),
      evalPerCall: mix(lo.evalPerCall, hi.evalPerCall),
      evalPerImage: mix(lo.evalPerImage, hi.evalPerImage),
      optimizerPerBatch: mix(lo.optimizerPerBatch, hi.optimizerPerBatch),
      peakBytesPerImage: mix(lo.peakBytesPerImage, hi.peakBytesPerImage),
      frontierFloats: mix(lo.frontierFloats, hi.frontierFloats),
      buildSeconds: mix(lo.buildSeconds, hi.buildSeconds),
      warmupSeconds: mix(lo.warmupSeconds, hi.warmupSeconds),
    };
  }
  return points[points.length - 1] as DepthCost;
}

/** Training micro-batches in one epoch of `images` in batches of `batch`, each split into micro-batches of `micro`. */
function microBatches(images: number, batch: number, micro: number): number {
  const full = Math.floor(images / batch);
  const rest = images - full * batch;
  return full * Math.ceil(batch / micro) + (rest > 0 ? Math.ceil(rest / micro) : 0);
}

/**
 * What a worker process pays once and then keeps (the engine's caches), by key: a model loaded, the features of
 * a frozen prefix cached for the training or the validation images, a micro-batch size measured. A step whose
 * key is warm does not pay it again.
 */
export interface Warmth {
  has(key: string): boolean;
}

/** Nothing paid yet: a fresh worker. */
export const COLD: Warmth = { has: () => false };

/** How a step of `settings` uses the engine's caches. */
interface CacheUse {
  readonly frozenLayers: number;
  /** Training images as cached features (a frozen prefix, no augmentation or mixing, within the cache budget). */
  readonly trainCached: boolean;
  /** Validation images as cached features (within the cache budget). */
  readonly valCached: boolean;
}

function cacheUse(model: ModelCost, settings: TrainSettings, data: EpochCostData): CacheUse {
  const d = depthAt(model, settings.pctToFreeze);
  const mixing = mixingActive({ mixup: settings.mixup, cutmix: settings.cutmix, prob: settings.mixupProb, smoothing: 0 });
  const frozenLayers = Math.round(settings.pctToFreeze * model.layers);
  const featureBytes = d.frontierFloats * 4;
  return {
    frozenLayers,
    trainCached: frozenLayers > 0 && settings.augmentation === 'none' && !mixing && featureBytes * (data.trainImages + data.valImages) <= data.featureCacheBytes,
    valCached: featureBytes * data.valImages <= data.featureCacheBytes,
  };
}

/** The warmth key of a model loaded in the worker. */
export function loadKey(model: string): string {
  return `load|${model}`;
}

/** The warmth keys of a step (as the engine keys its caches: model, frozen layers, cached or pixel input). */
function warmthKeys(model: ModelCost, use: CacheUse): { load: string; train: string; val: string; microBatch: string } {
  const prefix = `${model.model}|${use.frozenLayers}`;
  return { load: loadKey(model.model), train: `train|${prefix}`, val: `val|${prefix}`, microBatch: `micro|${prefix}|${use.trainCached ? 'cached' : 'pixels'}` };
}

/** The warmth keys a successful step of `settings` leaves warm in its worker. */
export function keysPaidBy(model: ModelCost, settings: TrainSettings, data: EpochCostData): string[] {
  const use = cacheUse(model, settings, data);
  const keys = warmthKeys(model, use);
  return [keys.load, keys.val, keys.microBatch, ...(use.trainCached ? [keys.train] : [])];
}

/**
 * The step's cost regime, from the most general key to the most specific: what it trains (only the head on a
 * frozen backbone, or backbone layers too) and on what (cached features of the frozen prefix, or pixels), and
 * for a head on cached features whether its worker still has the features to compute (`first`: an epoch 1,
 * or a later one in a worker that has not run this model at this depth) or is at epoch 1 with them computed
 * for another pipeline (`first-warm`); then per model; then per frozen depth. The cost model's errors differ
 * between them (each is timed by other probes): a head on cached features was over-predicted fivefold while
 * backbone epochs were predicted well.
 * NOTE: only a head's feature pass is a regime of its own, because there it is most of the cost; an epoch 1
 * that trains backbone layers costs about what its later epochs cost, so it shares their regime and what a
 * pipeline's first epoch took tells what its second will.
 */
export function costRegime(model: ModelCost, settings: TrainSettings, epoch: number, data: EpochCostData, warm: Warmth): string[] {
  const use = cacheUse(model, settings, data);
  const keys = warmthKeys(model, use);
  const headOnly = use.frozenLayers >= model.layers;
  let kind = `${headOnly ? 'head' : 'backbone'} ${use.trainCached ? 'cached' : 'pixels'}`;
  if (headOnly && use.trainCached && !warm.has(keys.train)) kind += ' first';
  else if (headOnly && use.trainCached && epoch === 1) kind += ' first-warm';
  return [kind, `${model.model} ${kind}`, `${model.model} ${kind} ${use.frozenLayers}`];
}

/**
 * Predicted seconds of one step, as the engine reports it. Every term is a measured cost (cost-profile.ts)
 * times how often the epoch pays it:
 * - training: per micro-batch a fixed part and a part per image, one optimizer update per batch (with clipping
 *   and L2-SP when set), and per image the frozen prefix plus the input pipeline unless features are cached;
 * - validation: the trainable part's forward pass per image (plus the prefix when its features do not fit);
 * - the first step of a model and frozen depth in a worker process (`warm` says what it has paid for) also
 *   computes the frozen prefix's features of every image and sizes the micro-batches, at whatever epoch (a
 *   later epoch may run in another worker slot, or in a new process after a resume); the first step of a
 *   model in a worker also loads it;
 * - every step builds the model (and warms its kernels up) and writes its checkpoint; later epochs also read
 *   the previous one.
 * The measured costs are CPU seconds: the sum is scaled by the contention measured while probing (checkpoint
 * writes and model loading, timed on the wall clock, are not).
 */
export function stepSeconds(profile: CostProfile, model: ModelCost, settings: TrainSettings, epoch: number, data: EpochCostData, warm: Warmth = COLD): number {
  const d = depthAt(model, settings.pctToFreeze);
  const n = data.trainImages;
  const v = data.valImages;
  const mixing = mixingActive({ mixup: settings.mixup, cutmix: settings.cutmix, prob: settings.mixupProb, smoothing: 0 });
  const use = cacheUse(model, settings, data);
  const keys = warmthKeys(model, use);
  const { trainCached, valCached } = use;
  const pixels = model.pixelsPerImage;
  const augment = settings.augmentation === 'none' ? 0 : model.augmentPerImage[settings.augmentation === 'trivial_augment' ? 'trivial_augment' : 'random_augment'];

  const micro = Math.max(1, Math.min(settings.batchSize, Math.floor(data.activationBytes / Math.max(1, d.peakBytesPerImage))));
  const batches = Math.ceil(n / settings.batchSize);
  const calls = microBatches(n, settings.batchSize, micro);
  const update = d.optimizerPerBatch * (profile.optimizerFactor[settings.opt] ?? 1);
  const extras = d.optimizerPerBatch * ((settings.clipGrad !== null ? profile.clipFactor : 0) + (settings.spReg > 0 ? profile.spRegFactor : 0));
  const input = trainCached ? 0 : calls * d.prefixPerCall + n * (d.prefixPerImage + pixels + augment + (mixing ? model.mixPerImage : 0));
  const train = calls * d.stepPerCall + n * d.stepPerImage + batches * (update + extras) + input;

  // NOTE: as the engine: validation batches are large when the training features are cached.
  const valBatch = trainCached ? VAL_BATCH_CACHED : VAL_BATCH_PIXELS;
  const valCalls = Math.ceil(v / valBatch);
  const validation = valCalls * d.evalPerCall + v * d.evalPerImage + (valCached ? 0 : valCalls * d.prefixPerCall + v * (d.prefixPerImage + pixels));

  // The engine computes features 32 images at a time.
  const cache = (images: number): number => Math.ceil(images / FEATURE_BATCH) * d.prefixPerCall + images * (d.prefixPerImage + pixels);
  // NOTE: at any epoch: a pipeline's later epoch may run in a worker that has not paid these (another worker
  // slot's, or a new process after a resume or a crash), and the engine then pays them as an epoch 1 does.
  const unpaid = (trainCached && !warm.has(keys.train) ? cache(n) : 0) + (valCached && !warm.has(keys.val) ? cache(v) : 0) + (warm.has(keys.microBatch) ? 0 : d.stepPerCall + 2 * d.stepPerImage);
  const load = warm.has(keys.load) ? 0 : model.loadSeconds;

  const slots = settings.opt === 'sgd' || settings.opt === 'momentum' ? 1 : 2;
  const checkpointBytes = d.trainableParams * 4 * (1 + slots);
  const save = checkpointBytes / profile.writeBytesPerSecond;
  const resume = epoch > 1 ? checkpointBytes / profile.readBytesPerSecond + d.buildSeconds : 0;
  return (train + validation + unpaid + d.buildSeconds + d.warmupSeconds + resume) * profile.contention + save + load;
}
