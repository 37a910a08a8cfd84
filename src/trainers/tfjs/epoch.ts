import type { Tf } from '../../backend/tfjs-backend.ts';
import type { DecodedImages } from '../../data/pixel-cache.ts';
import type { Random } from '../../util/random.ts';
import { chunks, pixelBatch, type InputScaling } from './data/batches.ts';
import { gatherRows, type CachedFeatures } from './data/feature-cache.ts';
import { mixBatch, softTargets } from './data/mixing.ts';
import type { PipelineModel } from './pipeline-model.ts';
import type { TrainSettings } from './settings.ts';

type Tensor = ReturnType<Tf['tensor']>;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Where a split's network inputs come from: cached frozen-prefix activations, or decoded pixels. */
export interface SplitInputs {
  readonly images: DecodedImages;
  readonly labels: readonly number[];
  readonly features: CachedFeatures | null;
}

export interface EpochResult {
  /** Mean training loss over the batches run. */
  readonly loss: number;
  /** True when the loss became NaN or infinite: the pipeline cannot continue. */
  readonly diverged: boolean;
  readonly batches: number;
}

/** A batch's inputs in JS memory, sliced into micro-batches on demand. */
export interface BatchSource {
  readonly n: number;
  /** Frontier tensors for samples [start, end) of the batch. */
  frontier(start: number, end: number): Tensor[];
}

function batchSource(tf: Tf, model: PipelineModel, split: SplitInputs, indices: readonly number[], scaling: InputScaling, pixels?: Float32Array): BatchSource {
  const features = split.features;
  if (features) {
    const rows = gatherRows(features, indices);
    return {
      n: indices.length,
      frontier: (start, end) =>
        rows.map((data, t) => {
          const shape = features.shapes[t] ?? [];
          const per = shape.reduce((a, b) => a * b, 1);
          return tf.tensor(data.subarray(start * per, end * per), [end - start, ...shape]);
        }),
    };
  }
  const size = split.images.size;
  const data = pixels ?? pixelBatch(split.images, indices, scaling, undefined, undefined);
  const per = size * size * 3;
  return {
    n: indices.length,
    frontier: (start, end) => tf.tidy(() => model.network.runPrefix(tf.tensor4d(data.subarray(start * per, end * per), [end - start, size, size, 3]))),
  };
}

/** Global L2 norm clipping of the gradients (torch's clip_grad_norm_), in place in the map. */
export function clipGradients(tf: Tf, grads: Map<string, Tensor>, maxNorm: number): void {
  const total = tf.tidy(() => Math.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? 0));
  const coef = maxNorm / (total + 1e-6);
  if (!(coef < 1)) return;
  for (const [name, g] of grads) {
    grads.set(name, tf.mul(g, coef));
    g.dispose();
  }
}

/**
 * Loss and gradients of samples [start, end) of a batch of n, weighted by their share of the batch so that
 * micro-batch gradients add up to the batch gradient (batch norm runs in inference mode: nothing couples the
 * samples). The L2-SP penalty is added once, with the first micro-batch.
 */
export function microBatchGrads(
  tf: Tf, model: PipelineModel, settings: TrainSettings, source: BatchSource, targets: Float32Array, classes: number,
  start: number, end: number, dropSeed: number,
): { loss: number; grads: Map<string, Tensor> } {
  const frontier = source.frontier(start, end);
  const part = tf.tensor2d(targets.subarray(start * classes, end * classes), [end - start, classes]);
  const nameOf = new Map(model.params.map((p) => [p.variable.name, p.name]));
  const share = (end - start) / source.n;
  const { value, grads } = tf.variableGrads(() => {
    const features = model.network.runTrainable(frontier);
    const logits = model.head.logits(features, settings.drop, dropSeed);
    const ce = tf.mul(model.crossEntropy(logits, part), share);
    return (start === 0 ? tf.add(ce, model.spPenalty(settings.spReg)) : ce) as ReturnType<Tf['scalar']>;
  }, model.params.map((p) => p.variable));
  const loss = value.dataSync()[0] ?? Number.NaN;
  tf.dispose([value, part, ...frontier]);
  const named = new Map<string, Tensor>();
  for (const [varName, g] of Object.entries(grads)) named.set(nameOf.get(varName) ?? varName, g);
  return { loss, grads: named };
}

/**
 * One training epoch over `order` (sample indices, already shuffled) at learning rate `lr`, each batch run
 * as micro-batches of at most `microBatch` samples (bounded activation memory). `signal` is checked between
 * micro-batches; an abort rejects with the signal's reason.
 */
export async function trainEpoch(
  tf: Tf, model: PipelineModel, settings: TrainSettings, split: SplitInputs, order: readonly number[], classes: number,
  lr: number, scaling: InputScaling, random: Random, signal: AbortSignal, microBatch: number,
): Promise<EpochResult> {
  let sum = 0;
  let batches = 0;
  for (const indices of chunks(order, settings.batchSize)) {
    await yieldToEventLoop();
    signal.throwIfAborted();
    let lam = 1;
    let pixels: Float32Array | undefined;
    if (!split.features) {
      pixels = pixelBatch(split.images, indices, scaling, settings, random);
      lam = mixBatch(pixels, indices.length, split.images.size, { mixup: settings.mixup, cutmix: settings.cutmix, prob: settings.mixupProb, smoothing: settings.smoothing }, random);
    }
    const source = batchSource(tf, model, split, indices, scaling, pixels);
    const targets = softTargets(indices.map((i) => split.labels[i] as number), classes, lam, settings.smoothing);
    const dropSeed = random.nextUint32();
    let loss = 0;
    let total: Map<string, Tensor> | undefined;
    for (let start = 0; start < indices.length; start += microBatch) {
      if (start > 0) {
        await yieldToEventLoop();
        signal.throwIfAborted();
      }
      const end = Math.min(indices.length, start + microBatch);
      const part = microBatchGrads(tf, model, settings, source, targets, classes, start, end, (dropSeed + start) >>> 0);
      loss += part.loss;
      if (!total) total = part.grads;
      else {
        for (const [name, g] of part.grads) {
          const prev = total.get(name);
          total.set(name, prev ? tf.add(prev, g) : g);
          if (prev) tf.dispose([prev, g]);
        }
      }
    }
    const grads = total ?? new Map<string, Tensor>();
    if (!Number.isFinite(loss)) {
      tf.dispose([...grads.values()]);
      return { loss, diverged: true, batches: batches + 1 };
    }
    if (settings.clipGrad !== null) clipGradients(tf, grads, settings.clipGrad);
    model.optimizer.apply(grads, lr);
    tf.dispose([...grads.values()]);
    sum += loss;
    batches++;
  }
  return { loss: batches > 0 ? sum / batches : Number.NaN, diverged: false, batches };
}

/**
 * Peak bytes of one training micro-batch per sample, measured on `probe` samples (gradients included): the
 * engine sizes micro-batches from it.
 */
export async function peakBytesPerSample(tf: Tf, model: PipelineModel, settings: TrainSettings, split: SplitInputs, indices: readonly number[], scaling: InputScaling, classes: number): Promise<number> {
  const probe = indices.slice(0, 2);
  const source = batchSource(tf, model, split, probe, scaling);
  const targets = softTargets(probe.map((i) => split.labels[i] as number), classes, 1, 0);
  const before = tf.memory().numBytes;
  const info = await tf.profile(() => {
    const { grads } = microBatchGrads(tf, model, settings, source, targets, classes, 0, probe.length, 1);
    tf.dispose([...grads.values()]);
  });
  return Math.max(1, (info.peakBytes - before) / probe.length);
}

/** Top-1 accuracy on the validation samples in `indices`. */
export async function evaluate(tf: Tf, model: PipelineModel, split: SplitInputs, indices: readonly number[], scaling: InputScaling, batchSize: number, signal: AbortSignal): Promise<number> {
  let correct = 0;
  for (const batch of chunks(indices, batchSize)) {
    await yieldToEventLoop();
    signal.throwIfAborted();
    const frontier = batchSource(tf, model, split, batch, scaling).frontier(0, batch.length);
    const predicted = tf.tidy(() => tf.argMax(model.head.logits(model.network.runTrainable(frontier, true), 0), 1).dataSync() as Int32Array);
    tf.dispose(frontier);
    batch.forEach((index, i) => {
      if (predicted[i] === split.labels[index]) correct++;
    });
  }
  return indices.length > 0 ? correct / indices.length : 0;
}
