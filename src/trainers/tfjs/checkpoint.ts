import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { z } from 'zod';
import { epochCheckpointLayout, epochNaming } from '../checkpoint-layout.ts';
import type { PlateauState } from './schedule.ts';

const MAGIC = 'QTCK';
const VERSION = 1;

const MetaSchema = z.object({
  version: z.literal(VERSION),
  model: z.string(),
  /** Hash of the pipeline config: a checkpoint is only resumed by the same pipeline. */
  configHash: z.string(),
  epoch: z.number().int().positive(),
  /** The pipeline's seed; each epoch's random stream is derived from (seed, epoch). */
  seed: z.number().int(),
  classes: z.number().int().positive(),
  inputSize: z.number().int().positive(),
  frozenLayers: z.number().int().nonnegative(),
  optimizerSteps: z.number().int().nonnegative(),
  plateau: z.object({ best: z.number().nullable(), badEpochs: z.number(), factor: z.number() }),
  valHistory: z.array(z.number()),
  trainLoss: z.array(z.number()),
  tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), offset: z.number().int().nonnegative() })),
});

export type CheckpointMeta = z.infer<typeof MetaSchema>;

/** What a pipeline carries from one step to the next. */
export interface Checkpoint {
  readonly meta: Omit<CheckpointMeta, 'tensors' | 'version'> & { readonly plateau: PlateauState };
  /** Trainable weights, head and optimizer slots by name. */
  readonly tensors: ReadonlyMap<string, { readonly shape: readonly number[]; readonly data: Float32Array }>;
}

/** The hash a checkpoint records of its pipeline's config (key order does not matter). */
export function configHashOf(config: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(config).sort())).digest('hex').slice(0, 16);
}

/** One file per epoch: `tfjs-epoch-<e>.qtck`. */
export const TFJS_CHECKPOINTS = epochCheckpointLayout(epochNaming('tfjs-epoch-', '.qtck'));

export function checkpointFile(dir: string, epoch: number): string {
  return TFJS_CHECKPOINTS.path(dir, epoch);
}

/**
 * Writes one file (header, JSON metadata, float32 data) atomically: a temporary file renamed over the epoch's
 * name, so a re-run of an epoch replaces the old file whole and a crash leaves either of them, never a mix.
 * NOTE: nothing is deleted here; which epochs to keep is the search's decision (CheckpointLayout.prune).
 */
export async function saveCheckpoint(dir: string, checkpoint: Checkpoint): Promise<string> {
  await mkdir(dir, { recursive: true });
  const tensors: CheckpointMeta['tensors'] = [];
  let offset = 0;
  for (const [name, t] of checkpoint.tensors) {
    tensors.push({ name, shape: [...t.shape], offset });
    offset += t.data.length;
  }
  const meta: CheckpointMeta = { ...checkpoint.meta, version: VERSION, tensors };
  const json = Buffer.from(JSON.stringify(meta), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const header = Buffer.alloc(12 + json.length + pad);
  header.write(MAGIC, 0, 'ascii');
  header.writeUInt32LE(VERSION, 4);
  header.writeUInt32LE(json.length, 8);
  json.copy(header, 12);
  const file = checkpointFile(dir, checkpoint.meta.epoch);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.write(header);
      for (const t of checkpoint.tensors.values()) await handle.write(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncFolder(dir);
  return file;
}

/** Makes a rename in `dir` durable (best effort: some file systems cannot sync a folder). */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // NOTE: the file itself is synced; only the rename's durability depends on this.
  }
}

/** Reads a checkpoint written by {@link saveCheckpoint}; throws with the file name when it is damaged. */
export async function loadCheckpoint(file: string): Promise<Checkpoint> {
  const bytes = await readFile(file);
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== MAGIC) throw new Error(`${file}: not a quicktune tfjs checkpoint`);
  const length = bytes.readUInt32LE(8);
  const meta = MetaSchema.parse(JSON.parse(bytes.toString('utf8', 12, 12 + length)));
  const start = 12 + length + ((4 - ((12 + length) % 4)) % 4);
  const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const t of meta.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (t.offset + size > floats.length) throw new Error(`${file}: truncated (tensor ${t.name})`);
    tensors.set(t.name, { shape: t.shape, data: floats.subarray(t.offset, t.offset + size) });
  }
  const { tensors: _list, version: _version, ...rest } = meta;
  return { meta: rest, tensors };
}
