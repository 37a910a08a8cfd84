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

/** Frontier tensors for a batch: gathered from the cache, or the frozen prefix run on (augmented, mixed) pixels. */
function batchInputs(tf: Tf, model: PipelineModel, split: SplitInputs, indices: number[], scaling: InputScaling, augmentation: {
  settings: TrainSettings;
  random: Random;
} | undefined): { frontier: Tensor[]; lam: number } {
  if (split.features) {
    const rows = gatherRows(split.features, indices);
    return { frontier: rows.map((data, t) => tf.tensor(data, [indices.length, ...(split.features?.shapes[t] ?? [])])), lam: 1 };
  }
  const size = split.images.size;
  const pixels = pixelBatch(split.images, indices, scaling, augmentation?.settings, augmentation?.random);
  const lam = augmentation ? mixBatch(pixels, indices.length, size, {
    mixup: augmentation.settings.mixup, cutmix: augmentation.settings.cutmix, prob: augmentation.settings.mixupProb, smoothing: augmentation.settings.smoothing,
  }, augmentation.random) : 1;
  const frontier = tf.tidy(() => model.network.runPrefix(tf.tensor4d(pixels, [indices.length, size, size, 3])));
  return { frontier, lam };
}

/** Global L2 norm clipping of the gradients (torch's clip_grad_norm_), in place in the map. */
function clipGradients(tf: Tf, grads: Map<string, Tensor>, maxNorm: number): void {
  const total = tf.tidy(() => Math.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))).dataSync()[0] ?? 0));
  const coef = maxNorm / (total + 1e-6);
  if (!(coef < 1)) return;
  for (const [name, g] of grads) {
    grads.set(name, tf.mul(g, coef));
    g.dispose();
  }
}

/**
 * One training epoch over `order` (sample indices, already shuffled) at learning rate `lr`.
 * `signal` is checked between batches; an abort rejects with the signal's reason.
 */
export async function trainEpoch(
  tf: Tf,
  model: PipelineModel,
  settings: TrainSettings,
  split: SplitInputs,
  order: readonly number[],
  classes: number,
  lr: number,
  scaling: InputScaling,
  random: Random,
  signal: AbortSignal,
): Promise<EpochResult> {
  const variables = model.params.map((p) => p.variable);
  const nameOf = new Map(model.params.map((p) => [p.variable.name, p.name]));
  let sum = 0;
  let batches = 0;
  for (const indices of chunks(order, settings.batchSize)) {
    // NOTE: yield to the event loop between batches, so that an abort message from the parent is seen.
    await yieldToEventLoop();
    signal.throwIfAborted();
    const augmentation = split.features ? undefined : { settings, random };
    const { frontier, lam } = batchInputs(tf, model, split, indices, scaling, augmentation);
    const labels = indices.map((i) => split.labels[i] as number);
    const targets = tf.tensor2d(softTargets(labels, classes, lam, settings.smoothing), [indices.length, classes]);
    const dropSeed = random.nextUint32();
    const { value, grads } = tf.variableGrads(() => {
      const features = model.network.runTrainable(frontier);
      return model.loss(model.head.logits(features, settings.drop, dropSeed), targets, settings.spReg) as ReturnType<Tf['scalar']>;
    }, variables);
    const loss = value.dataSync()[0] ?? Number.NaN;
    const named = new Map<string, Tensor>();
    for (const [varName, g] of Object.entries(grads)) named.set(nameOf.get(varName) ?? varName, g);
    tf.dispose([value, targets, ...frontier]);
    if (!Number.isFinite(loss)) {
      tf.dispose([...named.values()]);
      return { loss, diverged: true, batches: batches + 1 };
    }
    if (settings.clipGrad !== null) clipGradients(tf, named, settings.clipGrad);
    model.optimizer.apply(named, lr);
    tf.dispose([...named.values()]);
    sum += loss;
    batches++;
  }
  return { loss: batches > 0 ? sum / batches : Number.NaN, diverged: false, batches };
}

/** Top-1 accuracy on the validation samples in `indices`. */
export async function evaluate(tf: Tf, model: PipelineModel, split: SplitInputs, indices: readonly number[], scaling: InputScaling, batchSize: number, signal: AbortSignal): Promise<number> {
  let correct = 0;
  for (const batch of chunks(indices, batchSize)) {
    await yieldToEventLoop();
    signal.throwIfAborted();
    const { frontier } = batchInputs(tf, model, split, batch, scaling, undefined);
    const predicted = tf.tidy(() => tf.argMax(model.head.logits(model.network.runTrainable(frontier), 0), 1).dataSync() as Int32Array);
    tf.dispose(frontier);
    batch.forEach((index, i) => {
      if (predicted[i] === split.labels[index]) correct++;
    });
  }
  return indices.length > 0 ? correct / indices.length : 0;
}
