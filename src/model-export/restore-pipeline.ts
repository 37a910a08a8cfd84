import type { Tf } from '../backend/tfjs-backend.ts';
import { InputError, QuickTuneError } from '../errors.ts';
import { configHashOf, loadCheckpoint, type Checkpoint } from '../trainers/tfjs/checkpoint.ts';
import type { InputScaling } from '../trainers/tfjs/data/batches.ts';
import type { PretrainedModel } from '../trainers/tfjs/model/pretrained.ts';
import { ModelStore } from '../trainers/tfjs/model-store.ts';
import { featureWidth, PipelineModel } from '../trainers/tfjs/pipeline-model.ts';
import { parseSettings } from '../trainers/tfjs/settings.ts';
import type { IncumbentCheckpoint } from './incumbent-checkpoint.ts';

type Tensor = ReturnType<Tf['tensor']>;

/** A run's best pipeline with its trained weights, ready for inference. */
export interface RestoredPipeline {
  readonly model: PipelineModel;
  readonly pretrained: PretrainedModel;
  /** The side of the square images the pipeline was trained on. */
  readonly inputSize: number;
  readonly scaling: InputScaling;
  readonly classes: readonly string[];
  readonly checkpoint: Checkpoint;
  dispose(): Promise<void>;
}

function problem(error: unknown): string {
  if (error instanceof QuickTuneError) return error.problems.join('; ');
  return error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
}

/**
 * Rebuilds the incumbent's network (the pretrained backbone, frozen as trained) and loads its checkpoint. A
 * damaged checkpoint, or one that does not belong to the incumbent's configuration or the run's classes, is an
 * InputError naming the file.
 */
export async function restoreIncumbent(tf: Tf, found: IncumbentCheckpoint): Promise<RestoredPipeline> {
  let checkpoint: Checkpoint;
  try {
    checkpoint = await loadCheckpoint(found.file);
  } catch (error) {
    throw new InputError(`${found.file}: cannot read the checkpoint (${problem(error)})`, 'run.checkpointDamaged');
  }
  const config = found.incumbent.config;
  if (checkpoint.meta.configHash !== configHashOf(config) || checkpoint.meta.model !== config.model) {
    throw new InputError(`${found.file}: the checkpoint belongs to another configuration than the run's pipeline ${found.incumbent.configId}`, 'run.checkpointMismatch');
  }
  if (checkpoint.meta.classes !== found.classes.length) {
    throw new InputError(`${found.file}: trained on ${checkpoint.meta.classes} classes, but the run has ${found.classes.length}`, 'run.checkpointMismatch');
  }
  const store = new ModelStore(tf, found.hubFile);
  try {
    const pretrained = await store.get(config.model);
    const settings = parseSettings(config);
    const size = checkpoint.meta.inputSize;
    const model = new PipelineModel(tf, pretrained, settings, found.classes.length, featureWidth(tf, pretrained, size), checkpoint.meta.seed);
    try {
      model.restore(checkpoint);
    } catch (error) {
      model.dispose();
      throw new InputError(`${found.file}: ${problem(error)}`, 'run.checkpointMismatch');
    }
    return {
      model,
      pretrained,
      inputSize: size,
      scaling: { scale: pretrained.settings.input_scale, offset: pretrained.settings.input_offset },
      classes: found.classes,
      checkpoint,
      async dispose() {
        model.dispose();
        await store.dispose();
      },
    };
  } catch (error) {
    await store.dispose();
    if (error instanceof InputError) throw error;
    throw new InputError(`${found.file}: cannot rebuild the pipeline (${problem(error)})`, 'run.checkpointMismatch');
  }
}

/** Class probabilities [n × classes] of `n` preprocessed images (NHWC floats at `inputSize`) through `model`. */
export function classProbabilities(tf: Tf, model: PipelineModel, inputSize: number, input: Float32Array, n: number, batchSize = 32): Float32Array {
  const per = inputSize * inputSize * 3;
  let out: Float32Array | undefined;
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const probabilities = tf.tidy(() => {
      const x = tf.tensor4d(input.subarray(start * per, (start + count) * per), [count, inputSize, inputSize, 3]);
      const features = model.network.runTrainable(model.network.runPrefix(x)) as Tensor;
      return tf.softmax(model.head.logits(features, 0));
    });
    const classes = probabilities.shape[1] ?? 1;
    out ??= new Float32Array(n * classes);
    out.set(probabilities.dataSync() as Float32Array, start * classes);
    probabilities.dispose();
  }
  return out ?? new Float32Array(0);
}
