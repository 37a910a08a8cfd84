import { z } from 'zod';
import { loadTf } from '../../backend/tfjs-backend.ts';
import { InputError, UsageError } from '../../errors.ts';
import { argmaxRow } from '../../model-export/classification-scores.ts';
import { preprocessImages } from '../../model-export/model-input.ts';
import { readModelFolder } from '../../model-export/read-model-folder.ts';
import type { CommandHandler } from '../context.ts';

const Options = z.object({ model: z.string().min(1), images: z.array(z.string().min(1)) });

/** Images decoded at a time: bounds memory on long lists. */
const CHUNK = 32;

/**
 * `quicktune predict --model DIR IMAGE...`: classifies images with a model folder written by `quicktune export`,
 * loaded through plain tfjs-layers (as any other consumer would), with the preprocessing its card describes.
 */
const predict: CommandHandler = async (options, context) => {
  const parsed = Options.safeParse(options);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'predict'}: ${i.message}`));
  const { model: dir, images } = parsed.data;
  if (images.length === 0) throw new UsageError('predict: give at least one IMAGE to classify');
  const folder = await readModelFolder(dir);
  const { tf } = await loadTf();
  const layers = await import('@tensorflow/tfjs-layers');
  let network: Awaited<ReturnType<typeof layers.loadLayersModel>>;
  try {
    network = await layers.loadLayersModel(tf.io.fromMemory({ modelTopology: folder.modelTopology, weightSpecs: folder.weightSpecs, weightData: folder.weightData }));
  } catch (error) {
    throw new InputError(`${dir}: the model does not load (${(error as Error).message.split('\n')[0]})`, 'model.invalid');
  }
  const { card } = folder;
  const classes = card.classes.length;
  const outputs = network.outputs[0]?.shape.at(-1);
  if (outputs !== classes) throw new InputError(`${dir}: the model has ${String(outputs)} outputs but quicktune-model.json names ${classes} classes`, 'model.invalid');
  const predictions: Array<{ image: string; class: string; probability: number }> = [];
  try {
    for (let start = 0; start < images.length; start += CHUNK) {
      const chunk = images.slice(start, start + CHUNK);
      const input = await preprocessImages(chunk, card.input);
      const probabilities = tf.tidy(() => {
        const x = tf.tensor4d(input, [chunk.length, card.input.size, card.input.size, 3]);
        return (network.predict(x) as ReturnType<typeof tf.tensor>).dataSync() as Float32Array;
      });
      chunk.forEach((image, i) => {
        const best = argmaxRow(probabilities, i * classes, classes);
        predictions.push({ image, class: card.classes[best] as string, probability: probabilities[i * classes + best] as number });
      });
    }
  } finally {
    network.dispose();
  }
  const width = Math.max(5, ...predictions.map((p) => p.image.length));
  const text = [`${'image'.padEnd(width)}  class  probability`, ...predictions.map((p) => `${p.image.padEnd(width)}  ${p.class}  ${p.probability.toFixed(4)}`)].join('\n');
  context.emit({ predictions }, text);
};

export default predict;
