import { z } from 'zod';
import { CostProfileSchema } from './cost/cost-profile.ts';

/** Settings of a tfjs trainer (the `settings` of TrainerOptions, validated). */
export const TfjsTrainerSettingsSchema = z.object({
  /** Input size in pixels for every model (default: each hub model's input_size). */
  inputSize: z.number().int().min(32).max(1024).optional(),
  /** Memory for cached frozen-layer activations, MiB (default 1536). */
  featureCacheMb: z.number().nonnegative().optional(),
  /** Peak activation memory of one training micro-batch, MiB (default 1024); larger batches are split. */
  activationMb: z.number().positive().optional(),
  /** A model hub file other than the shipped metadata/model-hub.json. */
  hubFile: z.string().optional(),
  /** Validation share for folders without val/ (default 0.2). */
  valFraction: z.number().gt(0).lt(1).optional(),
  /** Run steps in the calling process instead of a worker process (no isolation; for tests and benchmarks). */
  inProcess: z.boolean().optional(),
  /** Seconds a step gets to stop after its signal aborts before the worker is killed (default 5). */
  abortGraceSeconds: z.number().nonnegative().optional(),
});
export type TfjsTrainerSettings = z.infer<typeof TfjsTrainerSettingsSchema>;

const EngineOptionsSchema = z.object({
  dataset: z.string(),
  cacheDir: z.string().optional(),
  hubFile: z.string().optional(),
  seed: z.number(),
  inputSize: z.number().optional(),
  featureCacheBytes: z.number().optional(),
  activationBytes: z.number().optional(),
  valFraction: z.number().optional(),
});

const StepSchema = z.object({
  configId: z.string(),
  config: z.object({ model: z.string() }).catchall(z.union([z.string(), z.number(), z.boolean(), z.null()])),
  epoch: z.number().int().positive(),
  maxEpochs: z.number().int().positive(),
  checkpointDir: z.string().optional(),
});

/** Parent → worker. */
export const ToWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('init'), options: EngineOptionsSchema, logLevel: z.string() }),
  z.object({ type: z.literal('train'), id: z.number(), step: StepSchema }),
  z.object({ type: z.literal('abort'), id: z.number() }),
  z.object({ type: z.literal('metaFeatures'), id: z.number() }),
  z.object({ type: z.literal('costProfile'), id: z.number(), models: z.array(z.string()).optional() }),
]);
export type ToWorker = z.infer<typeof ToWorkerSchema>;

const ReportSchema = z.object({
  score: z.number(),
  seconds: z.number(),
  cpuSeconds: z.number(),
  final: z.boolean(),
  trainLoss: z.union([z.number(), z.nan()]),
  lr: z.number(),
  cachedFeatures: z.boolean(),
  frozenLayers: z.number(),
  layers: z.number(),
  resumedFrom: z.string().nullable(),
});

/** Worker → parent. */
export const FromWorkerSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), backend: z.string() }),
  z.object({ type: z.literal('result'), id: z.number(), report: ReportSchema }),
  z.object({ type: z.literal('metaFeatures'), id: z.number(), value: z.record(z.string(), z.number()) }),
  z.object({ type: z.literal('costProfile'), id: z.number(), value: CostProfileSchema }),
  z.object({ type: z.literal('error'), id: z.number(), message: z.string(), code: z.string(), fatal: z.boolean() }),
]);
export type FromWorker = z.infer<typeof FromWorkerSchema>;
