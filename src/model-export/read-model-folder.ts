import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { MODEL_CARD_FILE, ModelCardSchema, type ModelCard } from './model-card.ts';

const ModelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string().min(1)),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') })),
      }),
    )
    .min(1),
});

/** An exported model folder read into memory: its card and the tfjs artifacts (for `tf.io.fromMemory`). */
export interface ModelFolder {
  readonly dir: string;
  readonly card: ModelCard;
  readonly modelTopology: Record<string, unknown>;
  readonly weightSpecs: Array<{ name: string; shape: number[]; dtype: 'float32' }>;
  readonly weightData: ArrayBuffer;
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${file}: missing (${what})` : `${file}: cannot read it (${code ?? 'error'})`, 'model.missing');
  }
}

function parseJson<T>(text: string, file: string, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not valid JSON (${(error as Error).message})`, 'model.invalid');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${file}: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`, 'model.invalid');
  }
  return parsed.data;
}

/** Reads a folder written by `quicktune export`; anything missing or malformed is an InputError naming the file. */
export async function readModelFolder(dir: string): Promise<ModelFolder> {
  const cardFile = join(dir, MODEL_CARD_FILE);
  const card = parseJson(await readText(cardFile, `not a model folder written by quicktune export`), cardFile, ModelCardSchema);
  const modelFile = join(dir, card.model);
  const model = parseJson(await readText(modelFile, `named by ${MODEL_CARD_FILE}`), modelFile, ModelJsonSchema);
  const parts: Buffer[] = [];
  for (const group of model.weightsManifest) {
    for (const path of group.paths) {
      const file = join(dir, path);
      try {
        parts.push(await readFile(file));
      } catch (error) {
        throw new InputError(`${file}: cannot read the weights named by ${modelFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 'model.missing');
      }
    }
  }
  const weightSpecs = model.weightsManifest.flatMap((group) => group.weights);
  const expected = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const bytes = Buffer.concat(parts);
  if (bytes.length !== expected) throw new InputError(`${modelFile}: its weight files hold ${bytes.length} bytes, the manifest needs ${expected}`, 'model.invalid');
  const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  return { dir, card, modelTopology: model.modelTopology, weightSpecs, weightData };
}
