import { z } from 'zod';

/** The file next to an exported model.json that says how to use it. */
export const MODEL_CARD_FILE = 'quicktune-model.json';
export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

/** How the trainer turned an image into input; `predict` and any other consumer must do the same. */
export const RESIZE_RULE =
  'decode to RGB (EXIF orientation applied, alpha dropped, grey expanded), resize to cover a size x size square ' +
  '(Lanczos3), centre-crop it, then value * scale + offset per channel, NHWC float32';

export const ModelCardSchema = z.object({
  format: z.literal('quicktune-model'),
  version: z.literal(1),
  /** The tfjs layers model, relative to the folder. */
  model: z.string().min(1),
  /** Class names in output order. */
  classes: z.array(z.string()).min(2),
  input: z.object({
    size: z.number().int().positive(),
    channels: z.literal(3),
    layout: z.literal('NHWC'),
    scale: z.number(),
    offset: z.number(),
    resize: z.string(),
  }),
  /** What the model outputs. */
  output: z.literal('probabilities'),
  /** Where the model came from: the run's best pipeline. */
  source: z.object({
    hub_model: z.string(),
    config_id: z.string(),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    epoch: z.number().int().positive(),
    score: z.number(),
  }),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;
