import { z } from 'zod';

/** A choice or condition value as written in a space file. */
export const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);

/** `when: {opt: [adam, adamw]}` or `when: {opt: momentum}`: every listed parent must take one of the values. */
const WhenSchema = z.record(z.string(), z.union([ScalarSchema, z.array(ScalarSchema)]));

const common = {
  /** The parameter is active only when these conditions hold. */
  when: WhenSchema.optional(),
  /** Value recorded when the parameter is inactive (default null). */
  inactive: ScalarSchema.nullable().optional(),
  /** Value a pinned config gets when it leaves this parameter out. */
  default: ScalarSchema.optional(),
  description: z.string().optional(),
};

const CategoricalSchema = z.strictObject({ type: z.literal('categorical'), choices: z.array(ScalarSchema), ...common });
const OrdinalSchema = z.strictObject({
  type: z.literal('ordinal'),
  values: z.array(z.union([z.string(), z.number()])),
  ...common,
});
const IntegerSchema = z.strictObject({
  type: z.literal('integer'),
  low: z.number().int(),
  high: z.number().int(),
  log: z.boolean().default(false),
  ...common,
});
const FloatSchema = z.strictObject({
  type: z.literal('float'),
  low: z.number(),
  high: z.number(),
  log: z.boolean().default(false),
  ...common,
});

export const WrittenParameterSchema = z.discriminatedUnion('type', [
  CategoricalSchema,
  OrdinalSchema,
  IntegerSchema,
  FloatSchema,
]);

/** The search-space file as written (JSON or YAML), before normalization and cross-field rules. */
export const WrittenSpaceSchema = z.strictObject({
  $comment: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  /** Sampled configurations in a candidate pool, besides the pinned ones (default 400, the paper's). */
  pool_size: z.number().int().positive().optional(),
  parameters: z.record(z.string(), WrittenParameterSchema),
  /** Configurations to evaluate for sure: parameter name -> value; inactive parameters may be left out. */
  pinned: z.array(z.record(z.string(), ScalarSchema.nullable())).optional(),
});

export type WrittenParameter = z.infer<typeof WrittenParameterSchema>;
export type WrittenSpace = z.infer<typeof WrittenSpaceSchema>;

export const DEFAULT_POOL_SIZE = 400;
