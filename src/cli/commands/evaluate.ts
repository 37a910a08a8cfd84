import { z } from 'zod';
import { loadTf } from '../../backend/tfjs-backend.ts';
import { scanTestFolder } from '../../data/test-folder.ts';
import { UsageError } from '../../errors.ts';
import { argmaxRow, classificationScores, type ClassificationScores } from '../../model-export/classification-scores.ts';
import { findIncumbentCheckpoint } from '../../model-export/incumbent-checkpoint.ts';
import { preprocessImages } from '../../model-export/model-input.ts';
import { classProbabilities, restoreIncumbent } from '../../model-export/restore-pipeline.ts';
import type { CommandHandler } from '../context.ts';

const Options = z.object({ runDir: z.string().min(1), dataset: z.string().min(1) });

/** Images decoded at a time: bounds memory on large folders. */
const CHUNK = 64;

/**
 * `quicktune evaluate RUN_DIR --dataset DIR`: scores the run's best pipeline (the incumbent: best validation
 * score at any epoch) on a labelled image folder whose class names are the run's: accuracy, accuracy per class
 * and the confusion matrix.
 */
const evaluate: CommandHandler = async (options, context) => {
  const parsed = Options.safeParse(options);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'evaluate'}: ${i.message}`));
  const { runDir, dataset } = parsed.data;
  const found = await findIncumbentCheckpoint(runDir);
  const folder = await scanTestFolder(dataset, found.classes, '--dataset');
  const { tf } = await loadTf();
  const restored = await restoreIncumbent(tf, found);
  const truth: number[] = [];
  const predicted: number[] = [];
  try {
    const input = { size: restored.inputSize, ...restored.scaling };
    const classes = restored.classes.length;
    for (let start = 0; start < folder.images.length; start += CHUNK) {
      const chunk = folder.images.slice(start, start + CHUNK);
      const probabilities = classProbabilities(tf, restored.model, restored.inputSize, await preprocessImages(chunk.map((i) => i.path), input), chunk.length);
      chunk.forEach((image, i) => {
        truth.push(image.label);
        predicted.push(argmaxRow(probabilities, i * classes, classes));
      });
    }
  } finally {
    await restored.dispose();
  }
  const scores = classificationScores(found.classes, truth, predicted);
  context.emit(scores, describe(scores, found.incumbent.config.model, found.incumbent.epoch, folder.root));
};

function describe(scores: ClassificationScores, model: string, epoch: number, root: string): string {
  const width = Math.max(5, ...scores.classes.map((c) => c.length));
  const lines = [
    `Accuracy ${scores.accuracy.toFixed(4)} on ${scores.images} images of ${root}`,
    `(the run's best pipeline: ${model}, epoch ${epoch})`,
    '',
    `${'class'.padEnd(width)}  images  accuracy`,
  ];
  scores.classes.forEach((name, label) => {
    const row = scores.confusion[label] ?? [];
    const images = row.reduce((a, b) => a + b, 0);
    const accuracy = scores.per_class[name];
    lines.push(`${name.padEnd(width)}  ${String(images).padStart(6)}  ${accuracy === undefined ? '       -' : accuracy.toFixed(4).padStart(8)}`);
  });
  lines.push('', `Confusion (rows: true class, columns: predicted, in the order above):`);
  for (const row of scores.confusion) lines.push(row.map((n) => String(n).padStart(5)).join(' '));
  return lines.join('\n');
}

export default evaluate;
