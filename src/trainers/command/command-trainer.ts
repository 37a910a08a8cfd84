import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TrainerError } from '../../errors.ts';
import { epochCheckpointLayout, epochNaming } from '../checkpoint-layout.ts';
import { getLogger } from '../../logging.ts';
import type { StepOutcome, Trainer, TrainStep } from '../types.ts';
import { parseResult, PROTOCOL_VERSION, requestEnvironment, type StepRequest } from './protocol.ts';
import { runProgram, type ProgramRun } from './run-program.ts';

export interface CommandTrainerOptions {
  /** The training program, a shell command line (e.g. `python3 examples/timm_trainer.py --workers 8`). */
  readonly command: string;
  /** The dataset folder passed to the program. */
  readonly dataPath: string;
  readonly seed: number;
  /** Where pipelines keep their checkpoints when a step comes without a checkpointDir. */
  readonly checkpointRoot: string;
  /** Kill a step's process tree after this many seconds; undefined = no limit. */
  readonly timeoutSeconds?: number;
  /** Seconds between SIGTERM and SIGKILL when a step is stopped (default 5). */
  readonly killGraceSeconds?: number;
  /** Working directory of the program (default: quicktune's). */
  readonly cwd?: string;
  /** The devices of this trainer's worker slot (--gpus); empty or absent: none assigned. */
  readonly devices?: readonly string[];
  /** Extra environment variables for the program. */
  readonly env?: Readonly<Record<string, string>>;
}

const log = () => getLogger('trainer.command');
/** One folder per epoch: `epoch-<k>`. */
export const COMMAND_CHECKPOINTS = epochCheckpointLayout(epochNaming('epoch-'));
/** The folder a running step writes (`epoch-<k>.partial`), renamed to `epoch-<k>` when the step succeeds. */
export const PARTIAL_SUFFIX = '.partial';
const REPLACED_SUFFIX = '.replaced';
const STDERR_LOG_LINES = 20;

/**
 * The `command` trainer: runs the user's own training program once per step (docs/command-trainer.md).
 * Each epoch gets its own checkpoint folder `<checkpointDir>/epoch-<k>`; the program reads epoch k-1's and
 * writes epoch k's, so a step interrupted before it was recorded can be re-run from the same input. It never
 * deletes an epoch's checkpoint: the search decides which to keep (`checkpoints.prune`).
 */
export class CommandTrainer implements Trainer {
  readonly name = 'command';
  readonly checkpoints = COMMAND_CHECKPOINTS;
  private readonly options: CommandTrainerOptions;

  constructor(options: CommandTrainerOptions) {
    if (options.command.trim() === '') throw new TrainerError('the command trainer needs a program (--trainer-cmd)', 'trainer.config');
    this.options = options;
  }

  describe(): Readonly<Record<string, unknown>> {
    return { name: this.name, command: this.options.command, protocol: PROTOCOL_VERSION, timeout_s: this.options.timeoutSeconds ?? null };
  }

  async train(step: TrainStep): Promise<StepOutcome> {
    const logger = log().child({ configId: step.configId, epoch: step.epoch });
    if (step.signal.aborted) throw new TrainerError('training step aborted before it started', 'trainer.aborted');
    const folder = resolve(step.checkpointDir ?? join(this.options.checkpointRoot, step.configId));
    const input = step.epoch > 1 ? COMMAND_CHECKPOINTS.path(folder, step.epoch - 1) : null;
    const output = COMMAND_CHECKPOINTS.path(folder, step.epoch);
    // NOTE: the program writes into a scratch folder that becomes epoch-<k> only when the step succeeds: a
    // failed or interrupted step never leaves a half-written epoch, and a re-run replaces the old one whole.
    const scratch = `${output}${PARTIAL_SUFFIX}`;
    if (input !== null && !(await exists(input))) {
      throw new TrainerError(`checkpoint of epoch ${step.epoch - 1} missing (${input}): cannot continue this pipeline`, 'trainer.checkpoint');
    }
    await rm(scratch, { recursive: true, force: true });
    await mkdir(scratch, { recursive: true });

    const request: StepRequest = {
      protocol: PROTOCOL_VERSION,
      config_id: step.configId,
      config: step.config,
      epoch: step.epoch,
      max_epochs: step.maxEpochs,
      data: resolve(this.options.dataPath),
      checkpoint_in: input,
      checkpoint_out: scratch,
      seed: this.options.seed,
      devices: [...(this.options.devices ?? [])],
    };
    logger.debug({ command: this.options.command }, 'starting training program');
    const run = await runProgram({
      command: this.options.command,
      cwd: this.options.cwd,
      env: { ...process.env, ...this.options.env, ...requestEnvironment(request) },
      input: `${JSON.stringify(request)}\n`,
      timeoutMs: this.options.timeoutSeconds === undefined ? undefined : this.options.timeoutSeconds * 1000,
      graceMs: (this.options.killGraceSeconds ?? 5) * 1000,
      signal: step.signal,
      onLine: (stream, line) => logger.debug({ stream }, line),
    });
    const failure = failureOf(run, this.options.timeoutSeconds);
    const result = failure === undefined ? parseResult(run.stdout) : undefined;
    if (result === undefined || !result.ok) {
      const reason = failure ?? `training program ${result?.ok === false ? result.reason : 'gave no result'}`;
      await rm(scratch, { recursive: true, force: true });
      logger.warn({ stderr: tail(run.stderrTail) }, `step failed: ${reason}`);
      throw new TrainerError(reason);
    }
    await replaceFolder(scratch, output);
    return { score: result.score, seconds: result.seconds ?? run.seconds, ...(result.final ? { final: true } : {}) };
  }
}

/** Why a finished program counts as failed before its output is even read; undefined when it exited 0. */
function failureOf(run: ProgramRun, timeoutSeconds: number | undefined): string | undefined {
  if (run.timedOut) return `training step timed out after ${timeoutSeconds ?? '?'}s (process tree killed)`;
  if (run.aborted) return 'training step aborted (process tree killed)';
  if (run.signal !== null) return `training program was killed by ${run.signal}`;
  if (run.code !== 0) {
    const last = run.stderrTail.trimEnd().split('\n').at(-1)?.trim() ?? '';
    return `training program exited with code ${run.code ?? '?'}${last ? `: ${last.slice(0, 160)}` : ''}`;
  }
  return undefined;
}

/**
 * Moves the finished `scratch` folder to `target`. A `target` left by an earlier, unrecorded run of the same
 * epoch is moved aside first and deleted after: POSIX cannot rename a folder over a non-empty one.
 */
async function replaceFolder(scratch: string, target: string): Promise<void> {
  const aside = `${target}${REPLACED_SUFFIX}`;
  await rm(aside, { recursive: true, force: true });
  const hadTarget = await exists(target);
  if (hadTarget) await rename(target, aside);
  await rename(scratch, target);
  if (hadTarget) await rm(aside, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-STDERR_LOG_LINES).join('\n');
}
