import { join, resolve } from 'node:path';
import { isSharedStorageUrl } from '../storage/registry.ts';
import { STUDY_NAME, STUDY_NAME_RULE } from '../storage/study-name.ts';
import { FlagReader } from '../util/flag-reader.ts';
import { parseDuration } from '../util/duration.ts';
import { parseIntegerFlag } from '../util/parse-number.ts';

/** A real search on an image folder, as the command line asked for it. */
export interface DatasetSearchSettings {
  /** The image folder (empty with the replay trainer). */
  readonly dataset: string;
  readonly trainer: string;
  readonly trainerCmd: string | undefined;
  /** --space; undefined = the trainer's default space. */
  readonly space: string | undefined;
  readonly budgetSeconds: number;
  readonly maxSteps: number | undefined;
  readonly predictor: string | undefined;
  readonly runDir: string;
  /** --storage: undefined = the journal file in the run directory. */
  readonly storage: string | undefined;
  /** --study: the study's name in shared storage. */
  readonly study: string | undefined;
  /** --artifacts: where checkpoints go (default: the run directory). */
  readonly artifacts: string;
  readonly resume: boolean;
  readonly seed: number;
  readonly method: string;
  /** --workers: steps run at once on this machine (0: only create the study, for workers elsewhere). */
  readonly workers: number;
  /** --gpus: the device of each worker slot, round robin (empty: none assigned). */
  readonly gpus: readonly string[];
  /** QUICKTUNE_STEP_TIMEOUT: kill a step running longer (a duration). */
  readonly stepTimeoutSeconds: number | undefined;
  /** QUICKTUNE_MAX_EPOCHS: the last epoch a pipeline may reach when no predictor sets it. */
  readonly maxEpochs: number | undefined;
  /** The replay trainer's task (--trainer replay). */
  readonly replay: { readonly metadataset: string; readonly task: string; readonly timeScale: number } | undefined;
}

/** A run directory name from the local time: 20261126-221530. */
export function timestampName(now = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

export { STUDY_NAME } from '../storage/study-name.ts';

/** `--study`: validated; a problem line naming the flag when it is not a plain name. */
export function readStudyName(flags: FlagReader, required: boolean): string | undefined {
  const name = flags.text('study');
  if (name === undefined) {
    if (required) flags.problem('--study: a study name is required with shared storage (letters, digits, . _ -)');
    return undefined;
  }
  if (!STUDY_NAME.test(name)) {
    flags.problem(`--study: ${STUDY_NAME_RULE}`);
    return undefined;
  }
  return name;
}

/** `--gpus 0,1,2,3`: device ids (digits, or names such as MIG UUIDs); a problem naming the flag otherwise. */
export function readGpus(flags: FlagReader): string[] {
  const gpus = flags.list('gpus');
  const bad = gpus.filter((g) => !/^[A-Za-z0-9:._-]+$/.test(g));
  if (bad.length > 0) flags.problem(`--gpus: '${bad[0]}' is not a device id (use e.g. --gpus 0,1,2,3)`);
  return gpus;
}

/**
 * Reads the flags of `search --dataset` and the QUICKTUNE_STEP_TIMEOUT / QUICKTUNE_MAX_EPOCHS environment
 * variables; every problem is one UsageError line naming its flag.
 */
export function datasetSearchSettings(options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): DatasetSearchSettings {
  const flags = new FlagReader(options);
  const trainer = flags.text('trainer', 'tfjs');
  const replay = trainer === 'replay';
  if (!replay) flags.forbid(['task'], 'only applies to a replay (--metadataset, or --trainer replay); this is a search on an image folder');
  const dataset = replay ? (flags.text('dataset') ?? '') : flags.required('dataset', 'an image folder');
  if (replay && flags.has('dataset')) flags.problem('--dataset does not apply to --trainer replay (it answers steps from --metadataset)');
  const resume = flags.flag('resume');
  const storage = flags.text('storage');
  const shared = isSharedStorageUrl(storage);
  const runDirText = flags.text('runDir');
  if (resume && runDirText === undefined && !shared) flags.problem('--resume needs --run-dir DIR (the run to continue)');
  const study = readStudyName(flags, shared);
  if (!shared && study !== undefined) flags.problem('--study names a study in shared storage (--storage postgres://...); a run directory holds one study');
  const trainerCmd = flags.text('trainerCmd');
  if (trainerCmd !== undefined && trainer !== 'command') flags.problem(`--trainer-cmd only applies to --trainer command (this search uses '${trainer}')`);
  if (trainer === 'command' && (trainerCmd ?? '').trim() === '') flags.problem('--trainer command needs --trainer-cmd "<program and arguments>"');
  const workers = flags.integer('workers', 1, 0);
  if (workers === 0 && !shared) flags.problem('--workers 0 only makes sense with shared storage (workers elsewhere run the steps)');
  const runDir = resolve(runDirText ?? join('.quicktune', 'runs', timestampName()));
  const settings: DatasetSearchSettings = {
    dataset: dataset === '' ? '' : resolve(dataset),
    trainer,
    trainerCmd,
    space: flags.text('space'),
    budgetSeconds: flags.duration('budget', '1h'),
    maxSteps: flags.integer('maxSteps', undefined, 1),
    predictor: flags.text('predictor'),
    runDir,
    storage,
    study,
    artifacts: resolve(flags.text('artifacts') ?? runDir),
    resume,
    seed: flags.integer('seed', 0, 0),
    method: flags.text('method', 'quicktune'),
    workers,
    gpus: readGpus(flags),
    stepTimeoutSeconds: env.QUICKTUNE_STEP_TIMEOUT ? flags.attempt(() => parseDuration(env.QUICKTUNE_STEP_TIMEOUT ?? '', 'QUICKTUNE_STEP_TIMEOUT')) : undefined,
    maxEpochs: env.QUICKTUNE_MAX_EPOCHS ? flags.attempt(() => parseIntegerFlag(env.QUICKTUNE_MAX_EPOCHS ?? '', 'QUICKTUNE_MAX_EPOCHS', 1)) : undefined,
    replay: replay ? readReplayTrainer(flags) : undefined,
  };
  flags.done();
  return settings;
}

/** `--trainer replay --metadataset DIR --task DS [--time-scale F]`. */
export function readReplayTrainer(flags: FlagReader): DatasetSearchSettings['replay'] {
  const metadataset = flags.text('metadataset');
  const task = flags.text('task');
  if (metadataset === undefined) flags.problem('--trainer replay needs --metadataset DIR (the recorded curves to answer steps with)');
  if (task === undefined) flags.problem('--trainer replay needs --task DS (the meta-dataset task to replay)');
  const timeScale = flags.has('timeScale') ? flags.number('timeScale', 1) : 1;
  return metadataset === undefined || task === undefined ? undefined : { metadataset: resolve(metadataset), task, timeScale };
}
