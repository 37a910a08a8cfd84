import { transformValue } from './column-fit.ts';
import type { CategoricalColumnSpec, ColumnSpec, NumericColumnSpec } from './state.ts';
import { categoryKeys, isSentinel, readNumber, type RawValue } from './values.ts';

/** Why a value cannot be encoded faithfully (it is then encoded as missing or as an all-zero one-hot). */
export type ValueProblem = { readonly kind: 'notNumeric' } | { readonly kind: 'unknownCategory'; readonly known: readonly string[] };

/** The runtime side of a column spec: writes its columns into a vector. */
export interface ColumnCodec {
  readonly spec: ColumnSpec;
  /** Number of vector entries this column occupies. */
  readonly width: number;
  /** Writes `width` entries at `out[at..]`. */
  encode(value: RawValue, out: Float32Array, at: number): void;
  /** null when the value encodes faithfully (missing and sentinel values do). */
  check(value: RawValue): ValueProblem | null;
  /** A readable name per entry, for debugging and docs. */
  names(): string[];
}

export function codecFor(spec: ColumnSpec, fill: number): ColumnCodec {
  return spec.kind === 'numeric' ? numericCodec(spec, fill) : categoricalCodec(spec);
}

function numericCodec(spec: NumericColumnSpec, fill: number): ColumnCodec {
  const width = spec.indicator ? 2 : 1;
  const reading = (value: RawValue): number | null => {
    if (isSentinel(value, spec.sentinel)) return null;
    const read = readNumber(value);
    return read.kind === 'number' ? read.value : null;
  };
  return {
    spec,
    width,
    encode(value, out, at) {
      const v = reading(value);
      const t = v === null ? Number.NaN : transformValue(spec, v);
      // NOTE: a value outside the log's domain (e.g. negative under a log fitted on non-negative data)
      // is encoded as missing rather than as NaN, which would poison the whole network output.
      const ok = Number.isFinite(t);
      out[at] = ok ? (t - spec.stats.mean) / spec.stats.std : fill;
      if (spec.indicator) out[at + 1] = ok ? 0 : 1;
    },
    check(value) {
      if (isSentinel(value, spec.sentinel)) return null;
      return readNumber(value).kind === 'invalid' ? { kind: 'notNumeric' } : null;
    },
    names() {
      const label = spec.transform === 'identity' ? spec.name : `${spec.transform}(${spec.name})`;
      return spec.indicator ? [label, `${spec.name}:missing`] : [label];
    },
  };
}

function categoricalCodec(spec: CategoricalColumnSpec): ColumnCodec {
  const index = new Map<string, number>();
  spec.categories.forEach((label, i) => {
    for (const key of categoryKeys(label)) if (!index.has(key)) index.set(key, i);
  });
  const width = spec.categories.length + (spec.indicator ? 1 : 0);
  const find = (value: RawValue): number | undefined => {
    for (const key of categoryKeys(value)) {
      const i = index.get(key);
      if (i !== undefined) return i;
    }
    return undefined;
  };
  const isMissing = (value: RawValue): boolean => value === null || value === undefined || value === '' || isSentinel(value, spec.sentinel);
  return {
    spec,
    width,
    encode(value, out, at) {
      out.fill(0, at, at + width);
      if (isMissing(value)) {
        if (spec.indicator) out[at + spec.categories.length] = 1;
        return;
      }
      const i = find(value);
      if (i !== undefined) out[at + i] = 1;
    },
    check(value) {
      if (isMissing(value) || find(value) !== undefined) return null;
      return { kind: 'unknownCategory', known: spec.categories };
    },
    names() {
      const names = spec.categories.map((label) => `${spec.name}=${label}`);
      if (spec.indicator) names.push(`${spec.name}:missing`);
      return names;
    },
  };
}
