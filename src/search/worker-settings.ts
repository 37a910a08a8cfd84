import { resolve } from 'node:path';
import { isSharedStorageUrl } from '../storage/registry.ts';
import { parseDuration } from '../util/duration.ts';
import { FlagReader } from '../util/flag-reader.ts';
import { readGpus, readStudyName } from './search-settings.ts';

/**
 * `quicktune worker`, as the command line asked for it. What is absent here is taken from the study: a worker
 * runs the study's search, and only says how this machine reaches the data and runs the steps.
 */
export interface WorkerSettings {
  readonly storage: string;
  readonly study: string;
  /** --trainer (default: the study's). */
  readonly trainer: string | undefined;
  /** --trainer-cmd (default: the study's, for the command trainer). */
  readonly trainerCmd: string | undefined;
  /** --dataset: this machine's copy of the image folder (default: the study's path). */
  readonly dataset: string | undefined;
  /** --metadataset, --task, --time-scale of the replay trainer (defaults: the study's; time scale 1). */
  readonly metadataset: string | undefined;
  readonly task: string | undefined;
  readonly timeScale: number | undefined;
  /** --predictor (default: the shipped one); it must be the study's. */
  readonly predictor: string | undefined;
  /** --workers: steps this process runs at once (each slot its own trainer). */
  readonly workers: number;
  readonly gpus: readonly string[];
  /** --artifacts: where checkpoints go, a folder every worker reads (default: a folder of this machine). */
  readonly artifacts: string;
  /** Per-machine files of the trainers (caches), below the working directory. */
  readonly workDir: string;
  /** QUICKTUNE_STEP_TIMEOUT (default: the study's trainer's). */
  readonly stepTimeoutSeconds: number | undefined;
}

/** Reads the worker's flags; every problem is one UsageError line naming its flag. */
export function workerSettings(options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): WorkerSettings {
  const flags = new FlagReader(options);
  const storage = flags.required('storage', 'the shared storage of the study (postgres://USER@HOST/DB)');
  if (storage !== '' && !isSharedStorageUrl(storage)) {
    flags.problem('--storage: a worker joins a study in shared storage (postgres://USER@HOST/DB); a run directory has one writer, its search');
  }
  const study = readStudyName(flags, true) ?? '';
  const trainer = flags.text('trainer');
  const replay = trainer === 'replay' || flags.has('metadataset');
  if (flags.has('dataset') && flags.has('metadataset')) flags.problem('--dataset and --metadataset exclude each other: an image folder, or the recorded curves of --trainer replay');
  if (trainer !== undefined && trainer !== 'replay' && flags.has('metadataset')) flags.problem(`--metadataset only applies to --trainer replay (this worker uses '${trainer}')`);
  if (trainer === 'replay' && flags.has('dataset')) flags.problem('--dataset does not apply to --trainer replay (it answers steps from --metadataset)');
  if (!replay && trainer !== undefined) flags.forbid(['task', 'timeScale'], `only applies to --trainer replay (this worker uses '${trainer}')`);
  const trainerCmd = flags.text('trainerCmd');
  if (trainerCmd !== undefined && trainer !== undefined && trainer !== 'command') flags.problem(`--trainer-cmd only applies to --trainer command (this worker uses '${trainer}')`);
  const workDir = resolve('.quicktune', 'workers', study === '' ? 'study' : study);
  const settings: WorkerSettings = {
    storage,
    study,
    trainer,
    trainerCmd,
    dataset: flags.has('dataset') ? resolve(flags.text('dataset') ?? '') : undefined,
    metadataset: flags.has('metadataset') ? resolve(flags.text('metadataset') ?? '') : undefined,
    task: flags.text('task'),
    timeScale: flags.has('timeScale') ? flags.number('timeScale', 1) : undefined,
    predictor: flags.text('predictor'),
    workers: flags.integer('workers', 1, 1),
    gpus: readGpus(flags),
    artifacts: resolve(flags.text('artifacts') ?? workDir),
    workDir,
    stepTimeoutSeconds: env.QUICKTUNE_STEP_TIMEOUT ? flags.attempt(() => parseDuration(env.QUICKTUNE_STEP_TIMEOUT ?? '', 'QUICKTUNE_STEP_TIMEOUT')) : undefined,
  };
  flags.done();
  return settings;
}
