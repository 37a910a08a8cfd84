import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.ts';
import { shippedMetadataPath } from '../util/package-info.ts';
import type { Config } from '../space/types.ts';
import { TFJS_DEFAULT_CONFIG } from './tfjs/default-config.ts';
import type { Trainer } from './types.ts';

/** What `quicktune search --dataset` hands a trainer factory. */
export interface TrainerSetup {
  /** The image folder (--dataset). */
  readonly dataPath: string;
  readonly seed: number;
  /** The run directory: checkpoints and other per-run files go below it. */
  readonly runDir: string;
  /** --trainer-cmd: the program the `command` trainer runs. */
  readonly command?: string;
  /** Per-step limit in seconds, when the caller sets one. */
  readonly stepTimeoutSeconds?: number;
  /** The worker slot this trainer serves (0-based; a search with --workers N makes N trainers). */
  readonly slot?: number;
  /** The devices of this slot (--gpus, round robin); empty: none assigned. */
  readonly devices?: readonly string[];
}

/** A trainer adapter as data: adding one is adding an entry to {@link TRAINERS}. */
export interface TrainerDefinition {
  readonly name: string;
  readonly description: string;
  /** The search space file used when --space is not given (absent: the shipped paper space). */
  readonly defaultSpace?: string;
  /**
   * The trainer's hand-picked default pipeline, a config of its default space with every parameter given
   * (inactive ones at their inactive value), pinned in that space so every pool holds it: the reference a
   * search must beat (method `default`, the real-image benchmark).
   */
  readonly defaultConfig?: Config;
  /** Builds the trainer; modules are imported here, so `--help` never loads tfjs. */
  create(setup: TrainerSetup): Promise<Trainer>;
}

const DEFINITIONS: readonly TrainerDefinition[] = [
  {
    name: 'tfjs',
    description: 'finetunes the tfjs models of the model hub on the image folder, in a worker process (docs/tfjs-trainer.md)',
    defaultSpace: shippedMetadataPath('search-space-tfjs.yaml'),
    defaultConfig: TFJS_DEFAULT_CONFIG,
    async create(setup) {
      const { createTfjsTrainer } = await import('./tfjs/tfjs-trainer.ts');
      return createTfjsTrainer({ dataset: setup.dataPath, runDir: setup.runDir, seed: setup.seed, devices: setup.devices ?? [] });
    },
  },
  {
    name: 'command',
    description: 'runs your own training program per step (--trainer-cmd; protocol in docs/command-trainer.md)',
    async create(setup) {
      if (setup.command === undefined || setup.command.trim() === '') {
        throw new UsageError('--trainer command needs --trainer-cmd "<program and arguments>"');
      }
      const { CommandTrainer } = await import('./command/command-trainer.ts');
      return new CommandTrainer({
        command: setup.command,
        dataPath: setup.dataPath,
        seed: setup.seed,
        checkpointRoot: resolve(setup.runDir, 'checkpoints'),
        devices: setup.devices ?? [],
        ...(setup.stepTimeoutSeconds === undefined ? {} : { timeoutSeconds: setup.stepTimeoutSeconds }),
      });
    },
  },
];

/** Every built-in trainer by name. */
export const TRAINERS: ReadonlyMap<string, TrainerDefinition> = new Map(DEFINITIONS.map((d) => [d.name, d]));

/**
 * `--trainer`: a built-in name, or the path of a module whose default export is a TrainerDefinition
 * (an object with `name` and `create(setup)`).
 */
export async function resolveTrainer(nameOrPath: string): Promise<TrainerDefinition> {
  const builtin = TRAINERS.get(nameOrPath);
  if (builtin) return builtin;
  if (!/[\\/]|\.[cm]?js$/.test(nameOrPath)) {
    throw new UsageError(`--trainer: unknown trainer '${nameOrPath}' (built-in: ${[...TRAINERS.keys()].join(', ')}; or a module path)`);
  }
  let loaded: unknown;
  try {
    loaded = await import(pathToFileURL(resolve(nameOrPath)).href);
  } catch (error) {
    throw new UsageError(`--trainer: cannot load module ${nameOrPath} (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  const definition = typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : undefined;
  if (!isDefinition(definition)) {
    throw new UsageError(`--trainer: ${nameOrPath} must default-export { name, description, create(setup) } (a TrainerDefinition)`);
  }
  return definition;
}

function isDefinition(value: unknown): value is TrainerDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    typeof value.name === 'string' &&
    'description' in value &&
    typeof value.description === 'string' &&
    'create' in value &&
    typeof value.create === 'function'
  );
}
