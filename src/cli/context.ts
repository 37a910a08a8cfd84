import type { Logger } from 'pino';

/** What every command receives besides its own options: output channels and global flags. */
export interface CommandContext {
  /** `--json`: print exactly one JSON document on stdout. */
  readonly json: boolean;
  readonly log: Logger;
  /** True when stderr is a terminal: progress bars are drawn there, otherwise plain log lines. */
  readonly interactive: boolean;
  /** Writes a result to stdout: the JSON document with `--json`, the human text otherwise. */
  emit(result: unknown, human: string): void;
}

export type CommandOptions = Readonly<Record<string, unknown>>;

/** A command module's single entry point: parses its own options and returns nothing (it emits). */
export type CommandHandler = (options: CommandOptions, context: CommandContext) => Promise<void>;
