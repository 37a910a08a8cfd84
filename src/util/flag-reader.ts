import { UsageError } from '../errors.ts';
import { parseDuration } from './duration.ts';
import { parseIntegerFlag, parseList } from './parse-number.ts';

/** `--kebab-case` of a commander option key (`maxSteps` → `--max-steps`). */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Reads a command's options (commander's untyped record) into typed values, collecting every problem instead
 * of stopping at the first, so a user sees all of them at once: `done()` throws one UsageError with a line per
 * problem, each naming its flag. Every command parses its flags through this one reader.
 */
export class FlagReader {
  readonly problems: string[] = [];
  private readonly options: Readonly<Record<string, unknown>>;

  constructor(options: Readonly<Record<string, unknown>>) {
    this.options = options;
  }

  /** True when the flag was given (commander leaves absent flags without defaults undefined). */
  has(key: string): boolean {
    return this.options[key] !== undefined && this.options[key] !== false;
  }

  text(key: string): string | undefined;
  text(key: string, fallback: string): string;
  text(key: string, fallback?: string): string | undefined {
    const value = this.options[key];
    return typeof value === 'string' ? value : fallback;
  }

  /** A required text flag; a problem when absent or blank. */
  required(key: string, what: string): string {
    const value = this.text(key);
    if (value === undefined || value.trim() === '') {
      this.problems.push(`${flagName(key)}: ${what} is required`);
      return '';
    }
    return value;
  }

  flag(key: string): boolean {
    return this.options[key] === true;
  }

  integer(key: string, fallback: number, min?: number): number;
  integer(key: string, fallback: undefined, min?: number): number | undefined;
  integer(key: string, fallback: number | undefined, min?: number): number | undefined {
    const value = this.text(key);
    if (value === undefined) return fallback;
    return this.attempt(() => parseIntegerFlag(value, flagName(key), min)) ?? fallback;
  }

  /** A duration in seconds (`90s`, `15m`, `4h` or seconds). */
  duration(key: string, fallback: string): number {
    return this.attempt(() => parseDuration(this.text(key, fallback), flagName(key))) ?? parseDuration(fallback, flagName(key));
  }

  /** A comma-separated list (empty when absent). */
  list(key: string): string[] {
    return parseList(this.text(key));
  }

  /** A positive number (for example a time scale). */
  number(key: string, fallback: number): number {
    const value = this.text(key);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || parsed <= 0) {
      this.problems.push(`${flagName(key)}: '${value}' is not a positive number`);
      return fallback;
    }
    return parsed;
  }

  /** A problem for each of `keys` that was given although it means nothing here. */
  forbid(keys: readonly string[], why: string): void {
    for (const key of keys) if (this.has(key)) this.problems.push(`${flagName(key)} ${why}`);
  }

  problem(line: string): void {
    this.problems.push(line);
  }

  /** Runs a parser that throws UsageError, keeping its problems. */
  attempt<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      this.problems.push(...error.problems);
      return undefined;
    }
  }

  /** Throws the collected problems, if any. */
  done(): void {
    if (this.problems.length > 0) throw new UsageError(this.problems);
  }
}
