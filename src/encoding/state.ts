import { z } from 'zod';
import { InputError } from '../errors.ts';

/** Mean and standard deviation used to standardize one transformed value (std is never 0). */
export const StatsSchema = z.object({ mean: z.number(), std: z.number().positive() });

/**
 * A numeric column: value → (sentinel or missing → fill) → transform → standardize.
 * transform: identity; `log` = ln(value + offset); `log1p` = ln(1 + value).
 */
export const NumericColumnSchema = z.object({
  kind: z.literal('numeric'),
  name: z.string().min(1),
  transform: z.enum(['identity', 'log', 'log1p']),
  offset: z.number().nonnegative(),
  stats: StatsSchema,
  sentinel: z.union([z.number(), z.string()]).nullable(),
  indicator: z.boolean(),
});

/** A categorical column: one-hot over `categories` in this exact order (unseen value → all zeros). */
export const CategoricalColumnSchema = z.object({
  kind: z.literal('categorical'),
  name: z.string().min(1),
  categories: z.array(z.string()),
  sentinel: z.union([z.number(), z.string()]).nullable(),
  indicator: z.boolean(),
});

export const ColumnSpecSchema = z.discriminatedUnion('kind', [NumericColumnSchema, CategoricalColumnSchema]);

/** What the encoder keeps of a hub entry. */
export const DescriptorSchema = z.object({
  params_m: z.number().positive(),
  input_size: z.number().positive(),
  imagenet_top1: z.number().nullable(),
  family: z.string(),
  architecture: z.string(),
});

export const ModelPartSchema = z.object({
  /** One-hot order: the meta-dataset's models, sorted. */
  names: z.array(z.string()),
  /** Hub descriptors known at fit time (every hub model, not only the meta-dataset's). */
  descriptors: z.record(z.string(), DescriptorSchema),
  families: z.array(z.string()),
  architectures: z.array(z.string()),
  logParams: StatsSchema,
  logInputSize: StatsSchema,
  top1: StatsSchema,
});

export const EncoderStateSchema = z.object({
  format: z.literal('quicktune-encoder'),
  version: z.literal(1),
  source: z.object({ name: z.string(), contentHash: z.string(), maxEpochs: z.number().int().positive() }),
  fill: z.number(),
  model: ModelPartSchema,
  hyperparameters: z.array(ColumnSpecSchema),
  metaFeatures: z.array(ColumnSpecSchema),
});

export type Stats = z.infer<typeof StatsSchema>;
export type NumericColumnSpec = z.infer<typeof NumericColumnSchema>;
export type CategoricalColumnSpec = z.infer<typeof CategoricalColumnSchema>;
export type ColumnSpec = z.infer<typeof ColumnSpecSchema>;
export type Descriptor = z.infer<typeof DescriptorSchema>;
export type ModelPartState = z.infer<typeof ModelPartSchema>;
export type EncoderState = z.infer<typeof EncoderStateSchema>;

/** Validates a saved encoder state; `label` names where it came from (a checkpoint file) in problems. */
export function parseEncoderState(data: unknown, label: string): EncoderState {
  const parsed = EncoderStateSchema.safeParse(data);
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => `${label}: encoder.${issue.path.join('.') || '(root)'}: ${issue.message}`),
      'encoder.invalid',
    );
  }
  return parsed.data;
}
