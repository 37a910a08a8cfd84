import { join, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { parseDuration } from '../util/duration.ts';
import { parseIntegerFlag } from '../util/parse-number.ts';

/** A real search on an image folder, as the command line asked for it. */
export interface DatasetSearchSettings {
  readonly dataset: string;
  readonly trainer: string;
  readonly trainerCmd: string | undefined;
  /** --space; undefined = the trainer's default space. */
  readonly space: string | undefined;
  readonly budgetSeconds: number;
  readonly maxSteps: number | undefined;
  readonly predictor: string | undefined;
  readonly runDir: string;
  readonly storage: string | undefined;
  readonly resume: boolean;
  readonly seed: number;
  readonly method: string;
  /** QUICKTUNE_STEP_TIMEOUT: kill a step running longer (a duration). */
  readonly stepTimeoutSeconds: number | undefined;
  /** QUICKTUNE_MAX_EPOCHS: the last epoch a pipeline may reach when no predictor sets it. */
  readonly maxEpochs: number | undefined;
}

/** Flags that only mean something when replaying a meta-dataset task. */
const REPLAY_ONLY = [['task', '--task']] as const;

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A run directory name from the local time: 20261126-221530. */
export function timestampName(now = new Date()): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}${two(now.getMonth() + 1)}${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}${two(now.getSeconds())}`;
}

/**
 * Reads the flags of `search --dataset` (spec/cli.md) and the QUICKTUNE_STEP_TIMEOUT / QUICKTUNE_MAX_EPOCHS
 * environment variables; every problem is one UsageError line naming its flag.
 */
export function datasetSearchSettings(options: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): DatasetSearchSettings {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  for (const [key, flag] of REPLAY_ONLY) {
    if (options[key] !== undefined) problems.push(`${flag} only applies to a replay (--metadataset); this is a search on an image folder`);
  }
  const dataset = text(options.dataset) ?? '';
  if (dataset.trim() === '') problems.push('--dataset: an image folder is required');
  const resume = options.resume === true;
  const runDirText = text(options.runDir);
  if (resume && runDirText === undefined) problems.push('--resume needs --run-dir DIR (the run to continue)');
  const trainer = text(options.trainer) ?? 'tfjs';
  const trainerCmd = text(options.trainerCmd);
  if (trainerCmd !== undefined && trainer !== 'command') problems.push(`--trainer-cmd only applies to --trainer command (this search uses '${trainer}')`);
  if (trainer === 'command' && (trainerCmd ?? '').trim() === '') problems.push('--trainer command needs --trainer-cmd "<program and arguments>"');
  const budgetSeconds = attempt(() => parseDuration(text(options.budget) ?? '1h', '--budget'));
  const maxStepsText = text(options.maxSteps);
  const maxSteps = maxStepsText === undefined ? undefined : attempt(() => parseIntegerFlag(maxStepsText, '--max-steps', 1));
  const seed = attempt(() => parseIntegerFlag(text(options.seed) ?? '0', '--seed', 0));
  const timeoutText = env.QUICKTUNE_STEP_TIMEOUT;
  const stepTimeoutSeconds = timeoutText ? attempt(() => parseDuration(timeoutText, 'QUICKTUNE_STEP_TIMEOUT')) : undefined;
  const epochsText = env.QUICKTUNE_MAX_EPOCHS;
  const maxEpochs = epochsText ? attempt(() => parseIntegerFlag(epochsText, 'QUICKTUNE_MAX_EPOCHS', 1)) : undefined;
  if (problems.length > 0 || budgetSeconds === undefined || seed === undefined) throw new UsageError(problems);
  return {
    dataset: resolve(dataset),
    trainer,
    trainerCmd,
    space: text(options.space),
    budgetSeconds,
    maxSteps,
    predictor: text(options.predictor),
    runDir: resolve(runDirText ?? join('.quicktune', 'runs', timestampName())),
    storage: text(options.storage),
    resume,
    seed,
    method: text(options.method) ?? 'quicktune',
    stepTimeoutSeconds,
    maxEpochs,
  };
}
