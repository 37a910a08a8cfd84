import { CommanderError } from 'commander';
import { isKnownError } from '../errors.ts';
import { configureLogging, LOG_LEVELS, type LogLevel } from '../logging.ts';
import { packageVersion } from '../util/package-info.ts';
import type { CommandContext } from './context.ts';
import { buildProgram, type Dispatch } from './program.ts';

const REPORT_URL = 'https://github.com/quicktune/quicktune/issues';

function logLevelOf(value: unknown): LogLevel {
  return LOG_LEVELS.find((level) => level === value) ?? 'info';
}

function printProblems(problems: readonly string[]): void {
  for (const problem of problems) process.stderr.write(`quicktune: error: ${problem}\n`);
}

/**
 * The CLI's only error boundary. Known errors print one line per problem and give exit 2;
 * anything unexpected prints its stack and gives exit 1. Nothing below this function exits the process.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let globals: Record<string, unknown> = {};
  const dispatch: Dispatch = async (load, options) => {
    const json = globals.json === true;
    const log = await configureLogging(logLevelOf(globals.logLevel));
    const context: CommandContext = {
      json,
      log,
      interactive: process.stderr.isTTY === true,
      emit(result, human) {
        process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : human.endsWith('\n') ? human : `${human}\n`);
      },
    };
    const { default: handler } = await load();
    await handler(options, context);
  };
  const program = buildProgram(packageVersion(), dispatch);
  program.hook('preAction', (root) => {
    globals = root.opts();
  });
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed its message (unknown option, missing value, help, version).
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isKnownError(error)) {
      printProblems(error.problems);
      return error.exitCode;
    }
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${stack}\nquicktune: an unexpected error occurred; please report it at ${REPORT_URL}\n`);
    return 1;
  }
}
