import { loadTf } from '../backend/tfjs-backend.ts';
import { scanTestFolder } from '../data/test-folder.ts';
import { argmaxRow, classificationScores, type ClassificationScores } from './classification-scores.ts';
import { findIncumbentCheckpoint, type IncumbentCheckpoint } from './incumbent-checkpoint.ts';
import { preprocessImages } from './model-input.ts';
import { classProbabilities, restoreIncumbent } from './restore-pipeline.ts';

export interface EvaluateRunOptions {
  /** The run directory (its journal). */
  readonly runDir: string;
  /** Where the run's checkpoints are (the search's --artifacts); default: the run directory. */
  readonly artifacts?: string;
  /** A labelled folder with the run's class names: DIR/<class>/... or DIR/test/<class>/... */
  readonly dataset: string;
  /** The option that named `dataset`, for error messages (default `--dataset`). */
  readonly datasetFlag?: string;
}

export interface RunEvaluation extends ClassificationScores {
  /** The folder whose class folders were scored (the dataset, or its test/). */
  readonly root: string;
  readonly incumbent: IncumbentCheckpoint['incumbent'];
}

/** Images decoded at a time: bounds memory on large folders. */
const CHUNK = 64;

/**
 * Scores a tfjs run's best pipeline (the incumbent's checkpoint) on a labelled image folder: what `quicktune
 * evaluate` prints, and what the real-image benchmark needs for its test accuracy. Bad input (no run, no
 * incumbent, no checkpoint, unknown class folders, an unreadable image) is an InputError naming it.
 */
export async function evaluateRun(options: EvaluateRunOptions): Promise<RunEvaluation> {
  const found = await findIncumbentCheckpoint(options.runDir, options.artifacts);
  const folder = await scanTestFolder(options.dataset, found.classes, options.datasetFlag ?? '--dataset');
  const { tf } = await loadTf();
  const restored = await restoreIncumbent(tf, found);
  const truth: number[] = [];
  const predicted: number[] = [];
  try {
    const input = { size: restored.inputSize, ...restored.scaling };
    const classes = restored.classes.length;
    for (let start = 0; start < folder.images.length; start += CHUNK) {
      const chunk = folder.images.slice(start, start + CHUNK);
      const pixels = await preprocessImages(chunk.map((i) => i.path), input);
      const probabilities = classProbabilities(tf, restored.model, restored.inputSize, pixels, chunk.length);
      chunk.forEach((image, i) => {
        truth.push(image.label);
        predicted.push(argmaxRow(probabilities, i * classes, classes));
      });
    }
  } finally {
    await restored.dispose();
  }
  return { ...classificationScores(found.classes, truth, predicted), root: folder.root, incumbent: found.incumbent };
}
