import { resolve } from 'node:path';
import { z } from 'zod';
import { loadTf } from '../../backend/tfjs-backend.ts';
import { UsageError } from '../../errors.ts';
import { findIncumbentCheckpoint } from '../../model-export/incumbent-checkpoint.ts';
import { restoreIncumbent } from '../../model-export/restore-pipeline.ts';
import { prepareOutputFolder, writeModelFolder } from '../../model-export/write-model-folder.ts';
import type { CommandHandler } from '../context.ts';

const Options = z.object({ runDir: z.string().min(1), out: z.string().min(1), artifacts: z.string().min(1).optional() });

/**
 * `quicktune export RUN_DIR --out DIR`: writes the run's best pipeline as a standalone model folder: a tfjs
 * layers model (model.json + weights.bin) that outputs class probabilities, and quicktune-model.json with the
 * class names and the preprocessing (docs/tfjs-trainer.md, "Using the trained model").
 */
const exportCommand: CommandHandler = async (options, context) => {
  const parsed = Options.safeParse(options);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'export'}: ${i.message}`));
  const { runDir, out, artifacts } = parsed.data;
  const found = await findIncumbentCheckpoint(runDir, artifacts);
  await prepareOutputFolder(out, '--out');
  const { tf } = await loadTf();
  const restored = await restoreIncumbent(tf, found);
  try {
    const written = await writeModelFolder(restored, found, out);
    const { card } = written;
    const result = { out: resolve(out), files: written.files.map((f) => resolve(f)), bytes: written.bytes, classes: card.classes, input: card.input, source: card.source };
    context.emit(
      result,
      [
        `Exported ${card.source.hub_model} (pipeline ${card.source.config_id}, epoch ${card.source.epoch}, validation score ${card.source.score.toFixed(4)}) to ${out}:`,
        ...written.files.map((f) => `  ${f}`),
        `Classes: ${card.classes.join(', ')}; input ${card.input.size}x${card.input.size} RGB, value * ${card.input.scale} + ${card.input.offset}.`,
        `Classify images with: quicktune predict --model ${out} IMAGE...`,
      ].join('\n'),
    );
  } finally {
    await restored.dispose();
  }
};

export default exportCommand;
