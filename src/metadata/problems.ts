import { InputError } from '../errors.ts';

/** Where a problem sits in a file; line and column are 1-based, column omitted for whole-row problems. */
export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** Default number of problems listed before the rest are only counted. */
export const DEFAULT_PROBLEM_CAP = 20;

/**
 * Collects a file's problems so that one run reports many of them at once, formatted
 * `<file>:<line>:<column>: <problem>`; past the cap they are counted, not listed.
 */
export class ProblemList {
  private readonly lines: string[] = [];
  private overflow = 0;
  private readonly cap: number;

  constructor(cap = DEFAULT_PROBLEM_CAP) {
    this.cap = cap;
  }

  add(where: Location, problem: string): void {
    if (this.lines.length >= this.cap) {
      this.overflow++;
      return;
    }
    this.lines.push(`${formatLocation(where)}: ${problem}`);
  }

  get count(): number {
    return this.lines.length + this.overflow;
  }

  /** True once the cap is reached: callers may stop expensive checks early. */
  get full(): boolean {
    return this.lines.length >= this.cap;
  }

  /** Throws one InputError listing every problem collected so far, if there is any. */
  throwIfAny(code = 'metadata.invalid'): void {
    if (this.count === 0) return;
    const listed = [...this.lines];
    if (this.overflow > 0) listed.push(`... and ${this.overflow} more problem${this.overflow === 1 ? '' : 's'}`);
    throw new InputError(listed, code);
  }
}

export function formatLocation(where: Location): string {
  let text = where.file;
  if (where.line !== undefined) text += `:${where.line}`;
  if (where.line !== undefined && where.column !== undefined) text += `:${where.column}`;
  return text;
}
