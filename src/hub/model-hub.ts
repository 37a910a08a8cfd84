import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { shippedMetadataPath } from '../util/package-info.ts';

/** Where a trainer gets a model's pretrained weights. */
const WeightsSource = z.discriminatedUnion('kind', [
  /** A timm model id, for the command trainer's Python script. */
  z.object({ kind: z.literal('timm'), id: z.string() }),
  /** A tfjs graph or layers model.json on disk (relative paths are relative to the hub file). */
  z.object({ kind: z.literal('local'), path: z.string(), format: z.enum(['layers', 'graph']).default('layers') }),
  /** A tfjs model.json at a URL (machines with internet). */
  z.object({ kind: z.literal('url'), url: z.url(), format: z.enum(['layers', 'graph']).default('layers') }),
  /** A tfjs model shipped inside an npm package: `package` plus the model's path inside it. */
  z.object({
    kind: z.literal('npm'),
    package: z.string(),
    path: z.string(),
    format: z.enum(['layers', 'graph']).default('layers'),
  }),
]);

export const HubModelSchema = z.object({
  name: z.string().min(1),
  family: z.string().min(1),
  architecture: z.enum(['cnn', 'vit', 'hybrid']),
  params_m: z.number().positive(),
  input_size: z.number().int().positive(),
  imagenet_top1: z.number().min(0).max(100).nullable(),
  source: WeightsSource,
  /** Trainer-specific settings (e.g. the tfjs feature layer); free-form. */
  trainer: z.record(z.string(), z.unknown()).optional(),
});

export const ModelHubSchema = z.object({
  $comment: z.string().optional(),
  models: z.array(HubModelSchema).min(1),
});

export type HubModel = z.infer<typeof HubModelSchema>;
export type ModelHub = z.infer<typeof ModelHubSchema>;

export const DEFAULT_HUB_PATH = (): string => shippedMetadataPath('model-hub.json');

/** Reads and validates a model hub file; every problem is reported with the file and JSON path. */
export async function loadModelHub(file: string = DEFAULT_HUB_PATH()): Promise<ModelHub> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new InputError(`${file}: model hub file not found or unreadable`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = ModelHubSchema.safeParse(data);
  if (!parsed.success) {
    throw new InputError(parsed.error.issues.map((issue) => `${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`));
  }
  const seen = new Set<string>();
  for (const model of parsed.data.models) {
    if (seen.has(model.name)) throw new InputError(`${file}: model '${model.name}' is listed twice`);
    seen.add(model.name);
  }
  return parsed.data;
}
