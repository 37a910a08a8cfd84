import { existsSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';
import { summarizeRun, type Incumbent } from '../report/run-summary.ts';
import { checkpointDir, loadRun } from '../storage/index.ts';
import type { StudySnapshot } from '../storage/types.ts';
import { checkpointFile } from '../trainers/tfjs/checkpoint.ts';

/** What a tfjs run's header records about its trainer (TfjsTrainer.describe()) that a saved model needs. */
const TfjsRunTrainerSchema = z.object({
  name: z.literal('tfjs'),
  classes: z.array(z.string()).min(2),
  hubFile: z.string().nullable().optional(),
});

/** The best pipeline of a run and the file holding its weights at its best epoch. */
export interface IncumbentCheckpoint {
  readonly runDir: string;
  readonly run: StudySnapshot;
  readonly incumbent: Incumbent;
  /** The tfjs checkpoint of the incumbent's epoch. */
  readonly file: string;
  /** The run's class names, in label order. */
  readonly classes: readonly string[];
  /** The model hub the run trained from (undefined: the shipped one). */
  readonly hubFile: string | undefined;
}

/**
 * Finds the incumbent of a tfjs run (the best score at any epoch, as `report` shows it) and its checkpoint,
 * under `artifacts` (the search's --artifacts; by default the run directory). A missing run, a run of another
 * trainer, a run without a successful step or a missing checkpoint is an InputError naming the run directory
 * or the file.
 */
export async function findIncumbentCheckpoint(runDir: string, artifacts: string = runDir): Promise<IncumbentCheckpoint> {
  const run = await loadRun(runDir);
  const trainer = TfjsRunTrainerSchema.safeParse(run.header.trainer);
  if (!trainer.success) {
    const name = typeof run.header.trainer.name === 'string' ? run.header.trainer.name : 'unknown';
    throw new InputError(`${runDir}: a run of the '${name}' trainer; only runs of the tfjs trainer hold models quicktune can load`, 'run.trainer');
  }
  const incumbent = summarizeRun(run).incumbent;
  if (!incumbent) throw new InputError(`${runDir}: the run has no successful step yet, so there is no model to use`, 'run.noIncumbent');
  const file = checkpointFile(checkpointDir(artifacts, incumbent.configId), incumbent.epoch);
  if (!existsSync(file)) {
    throw new InputError(`${file}: the checkpoint of the run's best pipeline (epoch ${incumbent.epoch}) is missing`, 'run.checkpointMissing');
  }
  return { runDir, run, incumbent, file, classes: trainer.data.classes, hubFile: trainer.data.hubFile ?? undefined };
}
