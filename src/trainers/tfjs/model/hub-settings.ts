import { z } from 'zod';

/** tfjs-trainer settings of a hub entry (its free-form `trainer` record). */
export const TfjsHubSettingsSchema = z.object({
  /** The node whose output feeds the original classifier; found automatically when absent. */
  feature_node: z.string().optional(),
  /** Pixels (0..255) are mapped to pixel · input_scale + input_offset before the network. */
  input_scale: z.number().default(1 / 255),
  input_offset: z.number().default(0),
  /** Input size the trainer uses for this model; absent: chosen from the data (src/trainers/tfjs/input-size.ts). */
  train_input_size: z.number().int().positive().optional(),
  /** The smallest input the network accepts (its valid convolutions and poolings shrink the image). */
  min_input_size: z.number().int().positive().default(32),
});
export type TfjsHubSettings = z.infer<typeof TfjsHubSettingsSchema>;
