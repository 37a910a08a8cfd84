/**
 * The error taxonomy. Every error a user can cause is a {@link QuickTuneError} with a stable `code`
 * and exit code 2; the CLI prints its `problems` one per line. Anything else is a bug: exit 1 with a stack.
 */
export class QuickTuneError extends Error {
  readonly code: string;
  readonly exitCode: number;
  /** One human-readable line per problem, each naming the file, line, column or flag concerned. */
  readonly problems: readonly string[];

  constructor(code: string, problems: string | readonly string[], exitCode = 2) {
    const list = typeof problems === 'string' ? [problems] : [...problems];
    super(list.join('\n'));
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.problems = list;
  }
}

/** A flag or argument that is missing, malformed or contradictory. */
export class UsageError extends QuickTuneError {
  constructor(problems: string | readonly string[], code = 'usage.invalid') {
    super(code, problems);
  }
}

/** A file or folder given by the user is missing or malformed (meta-dataset, space, checkpoint, run). */
export class InputError extends QuickTuneError {
  constructor(problems: string | readonly string[], code = 'input.invalid') {
    super(code, problems);
  }
}

/** A command or option that a later version will provide; says so instead of pretending. */
export class NotAvailableError extends QuickTuneError {
  constructor(what: string) {
    super('command.notAvailable', `${what} is not available yet in this version of quicktune`);
  }
}

/** A finetuning step failed: recorded as failed in the run, never fatal to the search. */
export class TrainerError extends QuickTuneError {
  constructor(message: string, code = 'trainer.failed') {
    super(code, message);
  }
}

/** A broken invariant inside quicktune: reported with a stack and a request to file an issue. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

export function isKnownError(error: unknown): error is QuickTuneError {
  return error instanceof QuickTuneError;
}
