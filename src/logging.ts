import { pino, type Logger, type LevelWithSilent } from 'pino';

/** Levels accepted by `--log-level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let root: Logger | undefined;

/**
 * Creates the root logger. Only the CLI calls this: logs always go to stderr (stdout carries results),
 * pretty-printed on a terminal and as JSON lines otherwise, so scripts can parse them.
 */
export async function configureLogging(level: LogLevel, pretty = process.stderr.isTTY === true): Promise<Logger> {
  if (pretty) {
    // NOTE: pino-pretty as a synchronous stream, not a transport: no worker thread, nothing lost at exit.
    const { default: prettyStream } = await import('pino-pretty');
    root = pino({ level: level satisfies LevelWithSilent }, prettyStream({ destination: 2, sync: true, colorize: true }));
  } else {
    root = pino({ level }, pino.destination({ dest: 2, sync: true }));
  }
  return root;
}

/** A child logger for one module; silent until the CLI (or a library user) configures logging. */
export function getLogger(module: string): Logger {
  root ??= pino({ level: 'silent' });
  return root.child({ module });
}

/** Replaces the root logger, for library users who bring their own pino instance. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}
