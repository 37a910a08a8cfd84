import { tmpdir } from 'node:os';
import type { Tf } from '../../../backend/tfjs-backend.ts';
import type { DecodedImages } from '../../../data/pixel-cache.ts';
import { getLogger } from '../../../logging.ts';
import { Random } from '../../../util/random.ts';
import { pixelBatch, usableIndices, type InputScaling } from '../data/batches.ts';
import { mixBatch } from '../data/mixing.ts';
import { microBatchGrads, yieldToEventLoop, type BatchSource } from '../epoch.ts';
import type { PretrainedModel } from '../model/pretrained.ts';
import { featureWidth, PipelineModel } from '../pipeline-model.ts';
import { OPTIMIZERS, parseSettings, type OptimizerName } from '../settings.ts';
import { probeCheckpointIo } from './checkpoint-io-probe.ts';
import { clock, cpuSeconds, fastest, seconds } from './probe-timing.ts';
import { relativeCosts } from './relative-costs.ts';
import { PROBE_GRID, type CostProfile, type DepthCost, type ModelCost } from './cost-profile.ts';

type Tensor = ReturnType<Tf['tensor']>;

/** One model, ready to probe: its weights, its input size and the training images decoded at that size. */
export interface ProbeTarget {
  readonly pretrained: PretrainedModel;
  readonly inputSize: number;
  readonly images: DecodedImages;
  readonly classes: number;
  /** Wall seconds it took to load the model's weights for the probe (0 when the process had them already). */
  readonly loadSeconds: number;
}

export interface ProbeContext {
  readonly tf: Tf;
  readonly backend: string;
  /** Yields each model to probe (loading and decoding happen here, and stay warm for the steps that follow). */
  readonly targets: AsyncIterable<ProbeTarget>;
  /** A folder to time checkpoint writes in (the run's cache folder); default: the system's temporary folder. */
  readonly scratchDir?: string;
  readonly signal: AbortSignal;
}

/** Images per probe batch: small, so the whole probe takes seconds. */
const PROBE_IMAGES = 4;

/**
 * Measures what an epoch of the tfjs trainer costs on this machine (the profile the cost model predicts from):
 * for each model, at its input size, and for each pct_to_freeze of {@link PROBE_GRID}, one training micro-batch
 * (forward + backward), one Adam update, the frozen prefix's and the trainable part's forward passes, on a few
 * real images; plus the input pipeline (augmentations, mixing), the other optimizers and checkpoint I/O.
 *
 * NOTE: timings are taken on real kernels with real weights rather than derived from FLOP counts: on the wasm
 * backend, weight-bound layers (Inception's top at 2×2 pixels) cost per call, not per image, and depthwise
 * gradients cost far more than their FLOPs say.
 */
export async function probeCosts(context: ProbeContext): Promise<CostProfile> {
  const started = performance.now();
  clock.wall = 0;
  clock.cpu = 0;
  const models: ModelCost[] = [];
  let relative: Readonly<Record<string, number>> | undefined;
  for await (const target of context.targets) {
    context.signal.throwIfAborted();
    // NOTE: optimizer, clipping and L2-SP costs relative to Adam are properties of the kernels, not of the
    // model: measured once, on the first model.
    const probed = await probeModel(context.tf, target, context.signal, relative === undefined);
    models.push(probed.model);
    relative ??= probed.relative;
  }
  const mean = (name: string, fallback: number): number => relative?.[name] ?? fallback;
  const io = await probeCheckpointIo(context.scratchDir ?? tmpdir());
  return {
    backend: context.backend,
    models,
    optimizerFactor: Object.fromEntries(OPTIMIZERS.map((name) => [name, Math.max(0.05, mean(name, 1))])) as Record<OptimizerName, number>,
    clipFactor: mean('clip', 0.5),
    spRegFactor: mean('sp', 1),
    ...io,
    contention: clock.cpu > 0 ? Math.max(1, clock.wall / clock.cpu) : 1,
    seconds: seconds(started),
  };
}

interface ModelProbe {
  readonly model: ModelCost;
  /** Costs relative to one Adam update of the same weights (each optimizer, clipping, L2-SP); undefined when not measured. */
  readonly relative: Readonly<Record<string, number>> | undefined;
}

async function probeModel(tf: Tf, target: ProbeTarget, signal: AbortSignal, measureRelative: boolean): Promise<ModelProbe> {
  const { pretrained, inputSize: size, images, classes } = target;
  const scaling: InputScaling = { scale: pretrained.settings.input_scale, offset: pretrained.settings.input_offset };
  const usable = usableIndices(images);
  if (usable.length === 0) throw new Error(`no training image decoded at ${size} px`);
  const indices = Array.from({ length: PROBE_IMAGES }, (_, i) => usable[i % usable.length] as number);
  const random = new Random(1);
  const perImage = (reps: number, task: () => void): number => fastest(reps, task) / PROBE_IMAGES;
  const pixelsPerImage = perImage(3, () => pixelBatch(images, indices, scaling, undefined, undefined));
  const augmented = (kind: 'trivial_augment' | 'random_augment'): number =>
    Math.max(0, perImage(3, () => pixelBatch(images, indices, scaling, { augmentation: kind, raNumOps: 2, raMagnitude: 9 }, random)) - pixelsPerImage);
  const augmentPerImage = { trivial_augment: augmented('trivial_augment'), random_augment: augmented('random_augment') };
  const input = pixelBatch(images, indices, scaling, undefined, undefined);
  const mixPerImage = perImage(3, () => mixBatch(input.slice(), PROBE_IMAGES, size, { mixup: 1, cutmix: 1, prob: 1, smoothing: 0 }, random));

  const firstUse = performance.now();
  const width = featureWidth(tf, pretrained, size);
  warmUp(tf, target, input, width);
  const loadSeconds = target.loadSeconds + seconds(firstUse);
  const depths: DepthCost[] = [];
  const relative: Record<string, number> = {};
  let layers = 1;
  const perParam: PerParamCosts = { call: 0, warmup: 0 };
  // NOTE: cheap points first (most layers frozen): the first kernels of a process pay for growing the wasm heap,
  // and the 0.8 point must come before the expensive ones, which borrow its per-weight call cost.
  for (const pct of [...PROBE_GRID].sort((a, b) => b - a)) {
    await yieldToEventLoop();
    signal.throwIfAborted();
    const started = performance.now();
    const startedCpu = cpuSeconds();
    const point = await probePoint(tf, target, pct, input, width, pct === SPLIT_POINT || pct === 1, perParam);
    try {
      if (pct === SPLIT_POINT) {
        perParam.call = point.cost.stepPerCall / Math.max(1, point.cost.trainableParams);
        perParam.warmup = point.cost.warmupSeconds / Math.max(1, point.cost.trainableParams);
      }
      if (pct === SPLIT_POINT && measureRelative) Object.assign(relative, relativeCosts(tf, point.model, point.cost.optimizerPerBatch));
    } finally {
      point.model.dispose();
    }
    layers = point.layers;
    depths.push(point.cost);
    getLogger('tfjs-trainer').debug({ model: pretrained.name, pct, ms: Math.round(performance.now() - started), cpuMs: Math.round((cpuSeconds() - startedCpu) * 1000) }, 'cost probe point');
  }
  depths.sort((a, b) => a.pct - b.pct);
  return {
    model: { model: pretrained.name, inputSize: size, layers, depths, pixelsPerImage, augmentPerImage, mixPerImage, loadSeconds },
    relative: measureRelative ? relative : undefined,
  };
}

/** Costs per trainable weight at the split point, which the expensive points borrow. */
interface PerParamCosts {
  /** Per-call part of a training micro-batch. */
  call: number;
  /** Warm-up of a fresh model's first step and update. */
  warmup: number;
}

/**
 * The point whose training step is timed fresh, then with 1 and with 4 images, which separates the warm-up
 * and the per-call part (weight-bound work: packing the weights, their gradients) from the per-image part. The
 * points with more layers trained get one step of 4 images (they are the expensive ones) and take their warm-up
 * and per-call parts from this point's costs per trainable weight.
 */
const SPLIT_POINT = 0.8;

/** Features per timed step of a head alone: an epoch's usual batch. */
const HEAD_PROBE_BATCH = 32;
/** Timings of a head alone take the fastest of this many (each costs milliseconds; noise is of their order). */
const HEAD_PROBE_REPEATS = 5;

/** One probe point: the model at `pct` (left for the caller to dispose) and its timings. */
async function probePoint(
  tf: Tf, target: ProbeTarget, pct: number, input: Float32Array, width: number, split: boolean, perParam: PerParamCosts,
): Promise<{ model: PipelineModel; cost: DepthCost; layers: number }> {
  const { pretrained, inputSize: size, classes } = target;
  const settings = parseSettings({ model: pretrained.name, pct_to_freeze: pct, opt: 'adam', lr: 1e-3, batch_size: PROBE_IMAGES });
  const before = cpuSeconds();
  const model = new PipelineModel(tf, pretrained, settings, classes, width, 1);
  const buildSeconds = cpuSeconds() - before;
  const x = tf.tensor4d(input, [PROBE_IMAGES, size, size, 3]);
  let frontier: Tensor[] = [];
  try {
    // NOTE: the first pass packs the folded weights (once per model in a real epoch): the later ones are timed,
    // with 4 images and with 1, to split a call's fixed cost from its cost per image (epochs run 32 at once).
    const prefixFour = fastest(2, () => {
      tf.dispose(frontier.filter((t) => t !== x));
      frontier = tf.tidy(() => model.network.runPrefix(x));
    });
    const one = tf.slice(x, 0, 1);
    const prefixOne = fastest(1, () => tf.dispose(tf.tidy(() => model.network.runPrefix(one)).filter((t) => t !== one)));
    one.dispose();
    const frozen = model.network.plan.frozenLayers > 0;
    const prefixPerImage = frozen ? Math.max(0, (prefixFour - prefixOne) / (PROBE_IMAGES - 1)) : 0;
    const prefixPerCall = frozen ? Math.max(0, prefixOne - prefixPerImage) : 0;
    const trainableParams = trainable(model);
    // NOTE: a head alone trains on cached features, where a step of 4 images costs about what a step of 1 does:
    // their difference is timer noise, which, divided by 3, became a per-image cost that predicted a linear
    // head's epoch at 20× its seconds. Its steps are timed on a batch of features as wide as an epoch's,
    // tiled from the probe images' (a head's cost does not depend on the values), and repeated.
    const headOnly = model.network.plan.frozenLayers >= model.network.plan.layers.length;
    const wide = headOnly ? HEAD_PROBE_BATCH : PROBE_IMAGES;
    const repeats = headOnly ? HEAD_PROBE_REPEATS : 1;
    if (headOnly) {
      const narrow = frontier;
      frontier = tf.tidy(() => narrow.map((t) => tf.concat(Array.from({ length: wide / PROBE_IMAGES }, () => t), 0)));
      tf.dispose(narrow.filter((t) => t !== x));
    }
    const source = (n: number): BatchSource => ({ n, frontier: (start, end) => frontier.map((t) => tf.slice(t, start, end - start)) });
    const targets = new Float32Array(wide * classes);
    for (let i = 0; i < wide; i++) targets[i * classes + (i % classes)] = 1;
    const grads = (n: number): Map<string, Tensor> => microBatchGrads(tf, model, settings, source(n), targets, classes, 0, n, 1).grads;
    // NOTE: a real batch starts with weights the last update changed, which the convolutions pack again: every
    // timed step follows an update, as in training. The first step and update of a fresh model also create
    // kernels and scratch memory: once per training step (each builds its model), the warm-up.
    const step = (n: number, reps = 1): { step: number; update: number } => {
      let best = { step: Number.POSITIVE_INFINITY, update: Number.POSITIVE_INFINITY };
      for (let i = 0; i < reps; i++) {
        let result = new Map<string, Tensor>();
        const spent = fastest(1, () => {
          result = grads(n);
        });
        const update = fastest(1, () => model.optimizer.apply(result, 1e-3));
        tf.dispose([...result.values()]);
        best = { step: Math.min(best.step, spent), update: Math.min(best.update, update) };
      }
      return best;
    };
    const bytesBefore = tf.memory().numBytes;
    let stepPerCall: number;
    let stepPerImage: number;
    let optimizerPerBatch: number;
    let warmupSeconds: number;
    let peakBytesPerImage: number;
    if (split) {
      let cold = { step: 0, update: 0 };
      const profile = await tf.profile(() => {
        cold = step(1);
      });
      peakBytesPerImage = Math.max(1, profile.peakBytes - bytesBefore);
      const one = step(1, repeats);
      const many = step(wide, repeats);
      stepPerImage = Math.max(0, (many.step - one.step) / (wide - 1));
      stepPerCall = Math.max(0, one.step - stepPerImage);
      optimizerPerBatch = Math.min(one.update, many.update);
      warmupSeconds = Math.max(0, cold.step - one.step) + Math.max(0, cold.update - optimizerPerBatch);
    } else {
      // NOTE: the expensive points (most layers trained) get one step of 4 images, as close to an epoch's
      // batches as a probe affords (per-image costs fall with the batch: larger matrix products), and take the
      // per-call and warm-up parts from the split point's costs per trainable weight.
      let cold = { step: 0, update: 0 };
      const profile = await tf.profile(() => {
        cold = step(PROBE_IMAGES);
      });
      peakBytesPerImage = Math.max(1, (profile.peakBytes - bytesBefore) / PROBE_IMAGES);
      warmupSeconds = Math.min(0.5 * cold.step, perParam.warmup * trainableParams);
      const steady = cold.step - warmupSeconds;
      stepPerCall = Math.min(0.5 * steady, perParam.call * trainableParams);
      stepPerImage = (steady - stepPerCall) / PROBE_IMAGES;
      optimizerPerBatch = cold.update;
    }
    const forward = (n: number, reps = 1): number =>
      fastest(reps, () => {
        const part = frontier.map((t) => tf.slice(t, 0, n));
        tf.dispose(tf.tidy(() => model.head.logits(model.network.runTrainable(part, true), 0)));
        tf.dispose(part);
      });
    // Validation runs once per epoch after the last update: its first batch packs the weights, later ones do not.
    const firstForward = forward(1);
    const forwardOne = forward(1, repeats);
    const evalPerImage = Math.max(0, (forward(wide, repeats) - forwardOne) / (wide - 1));
    const cost: DepthCost = {
      pct,
      frozenLayers: model.network.plan.frozenLayers,
      trainableParams,
      prefixPerCall,
      prefixPerImage,
      stepPerCall,
      stepPerImage,
      evalPerCall: Math.max(0, firstForward - evalPerImage),
      evalPerImage,
      optimizerPerBatch,
      peakBytesPerImage,
      frontierFloats: frontier.reduce((n, t) => n + t.size, 0) / wide,
      buildSeconds,
      warmupSeconds,
    };
    return { model, cost, layers: Math.max(1, model.network.plan.layers.length) };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose([...new Set([x, ...frontier])]);
  }
}

/**
 * Builds the model once, untimed, and runs a training step of one image through it: the first of everything in
 * a process (kernels, memory, folded weights) would otherwise be charged to the first probe point.
 */
function warmUp(tf: Tf, target: ProbeTarget, input: Float32Array, width: number): void {
  const { pretrained, inputSize: size, classes } = target;
  const settings = parseSettings({ model: pretrained.name, pct_to_freeze: SPLIT_POINT, opt: 'adam', lr: 1e-3, batch_size: 1 });
  const model = new PipelineModel(tf, pretrained, settings, classes, width, 1);
  try {
    const x = tf.tensor4d(input.subarray(0, size * size * 3), [1, size, size, 3]);
    const frontier = tf.tidy(() => model.network.runPrefix(x));
    const source: BatchSource = { n: 1, frontier: () => frontier.map((t) => tf.clone(t)) };
    const targets = new Float32Array(classes);
    targets[0] = 1;
    const { grads } = microBatchGrads(tf, model, settings, source, targets, classes, 0, 1, 1);
    model.optimizer.apply(grads, 1e-3);
    tf.dispose([...grads.values(), ...new Set([x, ...frontier])]);
  } finally {
    model.dispose();
  }
}

function trainable(model: PipelineModel): number {
  return model.params.reduce((n, p) => n + p.variable.size, 0);
}
