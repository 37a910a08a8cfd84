import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tf } from '../backend/tfjs-backend.ts';
import { InputError, UsageError } from '../errors.ts';
import type { IncumbentCheckpoint } from './incumbent-checkpoint.ts';
import { kerasTopology, type WeightValue } from './keras-topology.ts';
import { MODEL_CARD_FILE, MODEL_FILE, RESIZE_RULE, WEIGHTS_FILE, type ModelCard } from './model-card.ts';
import type { RestoredPipeline } from './restore-pipeline.ts';
import type { PretrainedModel } from '../trainers/tfjs/model/pretrained.ts';
import type { PipelineModel } from '../trainers/tfjs/pipeline-model.ts';

type Tensor = ReturnType<Tf['tensor']>;

export interface WrittenModel {
  readonly dir: string;
  readonly files: readonly string[];
  readonly bytes: number;
  readonly card: ModelCard;
}

function valueOf(tensor: Tensor): WeightValue {
  // NOTE: a copy: a view into the wasm heap would be detached when the heap grows.
  return { shape: [...tensor.shape], data: new Float32Array(tensor.dataSync() as Float32Array) };
}

/** Refuses an existing, non-empty output folder (exporting never overwrites); creates it otherwise. */
export async function prepareOutputFolder(dir: string, flag: string): Promise<void> {
  let entries: string[] | undefined;
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UsageError(`${flag} ${dir}: exists and is not a folder`);
    if (code !== 'ENOENT') throw new InputError(`${flag} ${dir}: cannot read it (${code ?? 'error'})`);
  }
  if (entries !== undefined && entries.length > 0) throw new UsageError(`${flag} ${dir}: the folder is not empty (export writes into a new or empty folder)`);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new InputError(`${flag} ${dir}: cannot create it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** A pipeline as a tfjs layers model: the model.json document (weights manifest pointing at weights.bin) and the weights. */
export interface LayersModelArtifacts {
  readonly modelJson: { readonly modelTopology: Record<string, unknown>; readonly weightsManifest: ReadonlyArray<{ paths: string[]; weights: WeightSpec[] }> } & Record<string, unknown>;
  readonly weightSpecs: WeightSpec[];
  readonly weightData: Buffer;
}

type WeightSpec = { name: string; shape: number[]; dtype: 'float32' };

/** The tfjs layers model of a pipeline (its current weights): backbone as trained, pooling, softmax head. */
export function layersModelArtifacts(model: PipelineModel, pretrained: PretrainedModel, inputSize: number, classes: number): LayersModelArtifacts {
  const trained = new Map(model.network.params.map((p) => [p.name, p.variable]));
  const topology = kerasTopology(
    {
      nodes: model.network.plan.nodes,
      featureNode: model.network.plan.featureNode,
      inputSize,
      weight(name) {
        const tensor = trained.get(name) ?? pretrained.weights[name];
        if (!tensor) throw new Error(`weight '${name}' is missing`);
        return valueOf(tensor);
      },
      head: { kernel: valueOf(model.head.kernel), bias: valueOf(model.head.bias) },
    },
    classes,
  );
  const weightSpecs: WeightSpec[] = topology.weights.map((w) => ({ name: w.name, shape: [...w.value.shape], dtype: 'float32' }));
  const weightData = Buffer.concat(topology.weights.map((w) => Buffer.from(w.value.data.buffer, w.value.data.byteOffset, w.value.data.byteLength)));
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'quicktune',
    convertedBy: null,
    modelTopology: topology.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }],
  };
  return { modelJson, weightSpecs, weightData };
}

/**
 * Writes the restored pipeline as a standalone model folder: `model.json` + `weights.bin` (a tfjs layers model
 * that outputs class probabilities) and `quicktune-model.json` (classes, preprocessing, origin).
 */
export async function writeModelFolder(restored: RestoredPipeline, found: IncumbentCheckpoint, dir: string): Promise<WrittenModel> {
  const { pretrained } = restored;
  const { modelJson, weightData } = layersModelArtifacts(restored.model, pretrained, restored.inputSize, restored.classes.length);
  const card: ModelCard = {
    format: 'quicktune-model',
    version: 1,
    model: MODEL_FILE,
    classes: [...restored.classes],
    input: { size: restored.inputSize, channels: 3, layout: 'NHWC', scale: restored.scaling.scale, offset: restored.scaling.offset, resize: RESIZE_RULE },
    output: 'probabilities',
    source: {
      hub_model: pretrained.name,
      config_id: found.incumbent.configId,
      config: { ...found.incumbent.config },
      epoch: found.incumbent.epoch,
      score: found.incumbent.score,
    },
  };
  const files: Array<[string, string | Buffer]> = [
    [WEIGHTS_FILE, weightData],
    [MODEL_FILE, JSON.stringify(modelJson)],
    [MODEL_CARD_FILE, `${JSON.stringify(card, null, 2)}\n`],
  ];
  let bytes = 0;
  for (const [name, content] of files) {
    await writeFile(join(dir, name), content);
    bytes += typeof content === 'string' ? Buffer.byteLength(content) : content.length;
  }
  return { dir, files: files.map(([name]) => join(dir, name)), bytes, card };
}
