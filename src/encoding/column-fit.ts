import type { CategoricalColumnSpec, NumericColumnSpec, Stats } from './state.ts';
import { isSentinel, readNumber, type RawValue } from './values.ts';

/** How a numeric column's transform is chosen at fit time. */
export interface NumericFitOptions {
  /** 'auto': log when the values span orders of magnitude (see logRatio); 'log1p' for meta-features. */
  readonly transform: 'auto' | 'log1p' | 'identity';
  /** auto: non-negative values whose largest / smallest positive value reaches this are log-transformed. */
  readonly logRatio: number;
  readonly sentinel: number | string | null;
  readonly indicators: boolean;
}

/** Mean and population std; a constant (or empty) column gets std 1 so standardizing never divides by 0. */
export function stats(values: readonly number[]): Stats {
  if (values.length === 0) return { mean: 0, std: 1 };
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const std = Math.sqrt(squares / values.length);
  return { mean, std: std > 1e-12 && Number.isFinite(std) ? std : 1 };
}

/** Applies a numeric column's transform (before standardization). */
export function transformValue(spec: Pick<NumericColumnSpec, 'transform' | 'offset'>, value: number): number {
  if (spec.transform === 'log') return Math.log(value + spec.offset);
  if (spec.transform === 'log1p') return Math.log1p(value);
  return value;
}

/**
 * Fits a numeric column. With transform 'auto' a column is log-transformed when all its values are
 * non-negative and max / (smallest positive) ≥ logRatio; with zeros present the log gets an offset of a
 * tenth of the smallest positive value, so 0 sits one decade below it (the Quick-Tune grids are decades).
 */
export function fitNumeric(name: string, raw: readonly RawValue[], options: NumericFitOptions): NumericColumnSpec {
  const values: number[] = [];
  let missing = 0;
  for (const value of raw) {
    const reading = isSentinel(value, options.sentinel) ? null : readNumber(value);
    if (reading === null || reading.kind !== 'number') missing++;
    else values.push(reading.value);
  }
  let transform: NumericColumnSpec['transform'] = 'identity';
  let offset = 0;
  if (options.transform === 'log1p' && values.every((v) => v > -1)) transform = 'log1p';
  if (options.transform === 'auto' && values.length > 0 && values.every((v) => v >= 0)) {
    const positive = values.filter((v) => v > 0);
    const smallest = positive.reduce((a, b) => Math.min(a, b), Infinity);
    const largest = positive.reduce((a, b) => Math.max(a, b), 0);
    if (positive.length > 1 && largest / smallest >= options.logRatio) {
      transform = 'log';
      offset = positive.length < values.length ? Number((smallest / 10).toPrecision(12)) : 0;
    }
  }
  const spec = { transform, offset };
  return {
    kind: 'numeric',
    name,
    transform,
    offset,
    stats: stats(values.map((v) => transformValue(spec, v))),
    sentinel: options.sentinel,
    indicator: options.indicators && missing > 0,
  };
}

/** Fits a categorical column: its categories in code-point order, the sentinel left out. */
export function fitCategorical(name: string, raw: readonly RawValue[], sentinel: number | string | null, indicators: boolean): CategoricalColumnSpec {
  const labels = new Set<string>();
  let missing = 0;
  for (const value of raw) {
    if (value === null || value === undefined || value === '' || isSentinel(value, sentinel)) missing++;
    else labels.add(String(value));
  }
  const categories = [...labels].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { kind: 'categorical', name, categories, sentinel, indicator: indicators && missing > 0 };
}
