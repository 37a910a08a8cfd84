import { z } from 'zod';
import { UsageError } from '../../errors.ts';
import type { ClassificationScores } from '../../model-export/classification-scores.ts';
import { evaluateRun } from '../../model-export/evaluate-run.ts';
import type { CommandHandler } from '../context.ts';

const Options = z.object({ runDir: z.string().min(1), dataset: z.string().min(1), artifacts: z.string().min(1).optional() });

/**
 * `quicktune evaluate RUN_DIR --dataset DIR`: scores the run's best pipeline (the incumbent: best validation
 * score at any epoch) on a labelled image folder whose class names are the run's: accuracy, accuracy per class
 * and the confusion matrix.
 */
const evaluate: CommandHandler = async (options, context) => {
  const parsed = Options.safeParse(options);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'evaluate'}: ${i.message}`));
  const { runDir, dataset, artifacts } = parsed.data;
  const { root, incumbent, ...scores } = await evaluateRun({ runDir, dataset, ...(artifacts ? { artifacts } : {}) });
  context.emit(scores, describe(scores, incumbent.config.model, incumbent.epoch, root));
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
