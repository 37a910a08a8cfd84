import { parseNumberCell } from '../metadata/parse-cell.ts';

/** A value as a config or a meta-dataset cell holds it. */
export type RawValue = string | number | boolean | null | undefined;

/** A numeric reading of a value: a finite number, missing (null/undefined/''), or not a number at all. */
export type NumericReading = { readonly kind: 'number'; readonly value: number } | { readonly kind: 'missing' } | { readonly kind: 'invalid' };

const MISSING: NumericReading = { kind: 'missing' };
const INVALID: NumericReading = { kind: 'invalid' };

/** Reads a value as a number: booleans are 1/0 (the meta-dataset writes flags as 0/1), strings are parsed. */
export function readNumber(value: RawValue): NumericReading {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'boolean') return { kind: 'number', value: value ? 1 : 0 };
  if (typeof value === 'number') return Number.isFinite(value) ? { kind: 'number', value } : INVALID;
  const text = value.trim();
  if (text === '') return MISSING;
  const parsed = parseNumberCell(text);
  return parsed.ok ? { kind: 'number', value: parsed.value } : INVALID;
}

/** True when `value` is the column's "none" sentinel (numbers compare numerically: -1 = '-1.0'). */
export function isSentinel(value: RawValue, sentinel: number | string | null): boolean {
  if (sentinel === null || value === null || value === undefined) return false;
  if (typeof sentinel === 'number') {
    const reading = readNumber(value);
    return reading.kind === 'number' && reading.value === sentinel;
  }
  return String(value) === sentinel;
}

/**
 * Keys under which a category label is found: the label itself, and for numeric labels the number, so that
 * a config holding 10 finds the category '10.0' (CSV text) and a config holding '0.9' finds 0.9.
 */
export function categoryKeys(value: RawValue): string[] {
  if (value === null || value === undefined) return [];
  const keys = [typeof value === 'string' ? value : String(value)];
  if (typeof value === 'boolean') keys.push(value ? 'True' : 'False', value ? '1' : '0');
  const reading = readNumber(typeof value === 'boolean' ? null : value);
  if (reading.kind === 'number') keys.push(`#${reading.value}`);
  return keys;
}
