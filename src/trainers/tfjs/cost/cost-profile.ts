import { z } from 'zod';
import { OPTIMIZERS } from '../settings.ts';

/**
 * What the tfjs trainer measures when a search starts (probe-costs.ts) and its cost model predicts epochs
 * from (epoch-cost-model.ts). Plain numbers, so the worker process can send it over IPC. Times are CPU
 * seconds of the worker process (its wasm backend computes on one thread), except checkpoint I/O.
 */

/** Timings of one model with a given share of its layers frozen (one point of the probe grid). */
export const DepthCostSchema = z.object({
  /** pct_to_freeze of this point. */
  pct: z.number().min(0).max(1),
  frozenLayers: z.number().int().nonnegative(),
  /** Weights the optimizer updates (backbone and head). */
  trainableParams: z.number().int().nonnegative(),
  /** Seconds of the frozen prefix's forward pass (what the feature cache saves): per call, and per image. */
  prefixPerCall: z.number().nonnegative(),
  prefixPerImage: z.number().nonnegative(),
  /** Seconds of one training micro-batch (forward + backward) that do not grow with its images. */
  stepPerCall: z.number().nonnegative(),
  /** Seconds per image of a training micro-batch. */
  stepPerImage: z.number().nonnegative(),
  /** Seconds of the trainable part's forward pass (validation): per batch, and per image. */
  evalPerCall: z.number().nonnegative(),
  evalPerImage: z.number().nonnegative(),
  /** Seconds of one Adam update of the trainable weights (once per batch). */
  optimizerPerBatch: z.number().nonnegative(),
  /** Peak activation bytes per image of a training micro-batch (sizes micro-batches). */
  peakBytesPerImage: z.number().nonnegative(),
  /** Floats per image the feature cache holds for this depth. */
  frontierFloats: z.number().nonnegative(),
  /** Seconds to build the pipeline's model (trainable copies of the weights, optimizer slots). */
  buildSeconds: z.number().nonnegative(),
  /** Seconds the first training step and update of a fresh model take beyond later ones (once per step). */
  warmupSeconds: z.number().nonnegative(),
});
export type DepthCost = z.infer<typeof DepthCostSchema>;

export const ModelCostSchema = z.object({
  model: z.string(),
  inputSize: z.number().int().positive(),
  /** Weighted backbone layers (what pct_to_freeze counts). */
  layers: z.number().int().positive(),
  /** Probe points, by increasing pct. */
  depths: z.array(DepthCostSchema).min(1),
  /** Seconds per image of turning decoded bytes into network input (no augmentation). */
  pixelsPerImage: z.number().nonnegative(),
  /** Extra seconds per image of each augmentation (on top of pixelsPerImage). */
  augmentPerImage: z.object({ trivial_augment: z.number().nonnegative(), random_augment: z.number().nonnegative() }),
  /** Extra seconds per image of mixup/cutmix. */
  mixPerImage: z.number().nonnegative(),
  /**
   * Wall seconds of the model's first use in a worker process: loading its weights, sizing its features and the
   * first pass of its kernels. Paid by the first step of the model unless the probe (same process) paid it.
   */
  loadSeconds: z.number().nonnegative(),
});
export type ModelCost = z.infer<typeof ModelCostSchema>;

export const CostProfileSchema = z.object({
  /** The tfjs backend the probes ran on. */
  backend: z.string(),
  models: z.array(ModelCostSchema),
  /** Seconds of an update with each optimizer relative to Adam's (same weights). */
  optimizerFactor: z.record(z.enum(OPTIMIZERS), z.number().positive()),
  /** Seconds of gradient clipping and of the L2-SP penalty's gradient relative to an Adam update. */
  clipFactor: z.number().nonnegative(),
  spRegFactor: z.number().nonnegative(),
  /** Checkpoint throughput: bytes per second written (with fsync) and read back. */
  writeBytesPerSecond: z.number().positive(),
  readBytesPerSecond: z.number().positive(),
  /**
   * Wall seconds per CPU second of the probes: 1 on an idle machine, more while other processes compete for
   * the CPU. Every cost above is in CPU seconds (immune to a load spike during the probe); predictions are
   * them times this.
   */
  contention: z.number().positive(),
  /** Seconds the probes took. */
  seconds: z.number().nonnegative(),
});
export type CostProfile = z.infer<typeof CostProfileSchema>;

/** The pct_to_freeze values probed for every model (the shipped space's values; others are interpolated). */
export const PROBE_GRID: readonly number[] = [0, 0.2, 0.4, 0.6, 0.8, 1];
