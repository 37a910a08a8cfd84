import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigEncoder } from '../encoding/index.ts';
import { InputError } from '../errors.ts';
import type { ModelHub } from '../hub/model-hub.ts';
import { KERNEL_KINDS } from '../numerics/linalg-types.ts';
import { AHEAD_BUCKETS } from './calibration.ts';
import { NOISE_MODELS } from './network/engine.ts';
import { PRIOR_MEANS } from './network/prior-mean.ts';
import { StandardizerSchema } from './scaling.ts';

export const MANIFEST_FILE = 'manifest.json';
export const ENCODER_FILE = 'encoder.json';
export const WEIGHTS_FILE = 'weights.f64';

/** Everything about a meta-trained predictor except its weights and encoder. */
export const ManifestSchema = z.object({
  format: z.literal('quicktune-predictor'),
  version: z.literal(1),
  metaDataset: z.object({ name: z.string(), contentHash: z.string(), maxEpochs: z.number().int().positive() }),
  tasks: z.object({ train: z.array(z.string()), validation: z.array(z.string()), excluded: z.array(z.string()) }),
  model: z.object({
    kernel: z.enum(KERNEL_KINDS),
    priorMean: z.enum(PRIOR_MEANS),
    noise: z.enum(NOISE_MODELS),
    dropout: z.number().min(0).lt(1),
    dims: z.object({
      modelDim: z.number().int().positive(),
      hpDim: z.number().int().nonnegative(),
      metaDim: z.number().int().nonnegative(),
      maxEpochs: z.number().int().positive(),
    }),
    /** Parameter blocks in the order of the weights file. */
    layout: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().positive()) })),
  }),
  scaling: z.object({ score: StandardizerSchema, logCost: StandardizerSchema }),
  /**
   * Multipliers of the predictive std for next-step queries without / with an observed curve (1: uncalibrated)
   * and, optionally, for queries further ahead by gap bucket (src/predictor/calibration.ts).
   */
  calibration: z.object({
    new: z.number().positive(),
    continuing: z.number().positive(),
    ahead: z
      .object({
        new: z.array(z.number().positive()).length(AHEAD_BUCKETS),
        continuing: z.array(z.number().positive()).length(AHEAD_BUCKETS),
      })
      .optional(),
  }),
  /** The GP hyperparameters in natural units, for people reading the manifest (the weights hold them too). */
  gp: z.object({ lengthscale: z.number(), outputscale: z.number(), noise: z.number(), noiseNew: z.number().optional(), mean: z.number() }),
  training: z.object({
    /** The recipe's name (src/predictor/recipes.ts) or 'custom'. */
    recipe: z.string(),
    iterations: z.number().int().nonnegative(),
    seed: z.number().int(),
    batchSize: z.number().int().positive(),
    learningRate: z.number().positive(),
    finalLearningRate: z.number().nonnegative(),
    validateEvery: z.number().int().positive(),
    validationEpisodes: z.number().int().nonnegative(),
    validationStyle: z.enum(['random', 'search']),
    batchSampling: z.enum(['random', 'mixed']),
    /** Share of training points with a truncated curve prefix (look-ahead training); absent = 0. */
    horizonShare: z.number().min(0).max(1).optional(),
    bestIteration: z.number().int().nonnegative(),
    bestValMse: z.number().nullable(),
    /** [iteration, validation MSE] at every validation. */
    validation: z.array(z.tuple([z.number(), z.number()])),
  }),
  weights: z.object({ file: z.literal(WEIGHTS_FILE), count: z.number().int().positive(), sha256: z.string() }),
});

export type PredictorManifest = z.infer<typeof ManifestSchema>;

/** A predictor in memory: what a checkpoint directory holds. */
export interface PredictorCheckpoint {
  readonly manifest: PredictorManifest;
  readonly encoder: ConfigEncoder;
  readonly theta: Float64Array;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function weightBytes(theta: Float64Array): Uint8Array {
  const buffer = Buffer.alloc(theta.length * 8);
  theta.forEach((value, i) => buffer.writeDoubleLE(value, i * 8));
  return buffer;
}

/** The manifest's weights entry for a parameter vector. */
export function weightsEntry(theta: Float64Array): PredictorManifest['weights'] {
  return { file: WEIGHTS_FILE, count: theta.length, sha256: sha256(weightBytes(theta)) };
}

/**
 * Writes a checkpoint directory (manifest.json, encoder.json, weights.f64: little-endian Float64). The files
 * are written to a sibling temporary directory first and renamed, so a crash never leaves half a checkpoint.
 * The content depends only on the checkpoint: the same training gives byte-identical files.
 */
export async function saveCheckpoint(dir: string, checkpoint: PredictorCheckpoint): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, WEIGHTS_FILE), weightBytes(checkpoint.theta));
  await writeFile(join(tmp, ENCODER_FILE), `${JSON.stringify(checkpoint.encoder.toJSON(), null, 1)}\n`);
  await writeFile(join(tmp, MANIFEST_FILE), `${JSON.stringify(checkpoint.manifest, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
}

async function readText(dir: string, file: string): Promise<string> {
  try {
    return await readFile(join(dir, file), 'utf8');
  } catch {
    throw new InputError(`${join(dir, file)}: missing or unreadable (is ${dir} a predictor checkpoint directory?)`, 'predictor.invalid');
  }
}

function parseJson(dir: string, file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${join(dir, file)}: not valid JSON (${(error as Error).message})`, 'predictor.invalid');
  }
}

/** Reads and validates a checkpoint directory; every problem names the file. */
export async function loadCheckpoint(dir: string, hub: ModelHub | null = null): Promise<PredictorCheckpoint> {
  const manifestPath = join(dir, MANIFEST_FILE);
  const parsed = ManifestSchema.safeParse(parseJson(dir, MANIFEST_FILE, await readText(dir, MANIFEST_FILE)));
  if (!parsed.success) {
    throw new InputError(
      parsed.error.issues.map((issue) => `${manifestPath}: ${issue.path.join('.') || '(root)'}: ${issue.message}`),
      'predictor.invalid',
    );
  }
  const manifest = parsed.data;
  const encoderPath = join(dir, ENCODER_FILE);
  const encoder = ConfigEncoder.fromJSON(parseJson(dir, ENCODER_FILE, await readText(dir, ENCODER_FILE)), { hub, label: encoderPath });
  const weightsPath = join(dir, WEIGHTS_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(weightsPath);
  } catch {
    throw new InputError(`${weightsPath}: missing or unreadable`, 'predictor.invalid');
  }
  if (bytes.length !== manifest.weights.count * 8 || sha256(bytes) !== manifest.weights.sha256) {
    throw new InputError(`${weightsPath}: does not match ${MANIFEST_FILE} (size or sha256 differs: a corrupt or mixed-up checkpoint)`, 'predictor.invalid');
  }
  const theta = new Float64Array(manifest.weights.count);
  for (let i = 0; i < theta.length; i++) theta[i] = bytes.readDoubleLE(i * 8);
  const expected = manifest.model.layout.reduce((sum, block) => sum + block.shape.reduce((a, b) => a * b, 1), 0);
  if (expected !== theta.length) {
    throw new InputError(`${manifestPath}: model.layout describes ${expected} weights but ${WEIGHTS_FILE} has ${theta.length}`, 'predictor.invalid');
  }
  const { dims } = manifest.model;
  if (encoder.dims.model !== dims.modelDim || encoder.dims.hyperparameters !== dims.hpDim || encoder.dims.metaFeatures !== dims.metaDim) {
    throw new InputError(`${encoderPath}: encoder widths do not match the network's input widths in ${MANIFEST_FILE}`, 'predictor.invalid');
  }
  return { manifest, encoder, theta };
}
