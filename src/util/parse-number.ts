import { UsageError } from '../errors.ts';

/** Parses an integer flag value, naming the flag when it is not one. */
export function parseIntegerFlag(text: string, flag: string, min = Number.MIN_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`${flag}: '${text}' is not an integer`);
  }
  if (value < min) throw new UsageError(`${flag}: must be at least ${min}, got ${value}`);
  return value;
}

/** Splits a comma-separated flag value into trimmed, non-empty names. */
export function parseList(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
