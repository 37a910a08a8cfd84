import type { Random } from '../util/random.ts';
import type { Domain, ParamValue, Scalar } from './types.ts';

/** True when `value` is one of the values `domain` allows (strict: the number 1 is not the string "1"). */
export function inDomain(domain: Domain, value: ParamValue | undefined): boolean {
  switch (domain.kind) {
    case 'categorical':
      return domain.choices.some((choice) => choice === value);
    case 'ordinal':
      return domain.values.some((item) => item === value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= domain.low && value <= domain.high;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && value >= domain.low && value <= domain.high;
  }
}

/** Draws one value: uniform over finite domains, uniform or log-uniform over ranges. */
export function sampleDomain(domain: Domain, rng: Random): Scalar {
  switch (domain.kind) {
    case 'categorical':
      return rng.pick(domain.choices);
    case 'ordinal':
      return rng.pick(domain.values);
    case 'integer': {
      if (!domain.log) return domain.low + rng.int(domain.high - domain.low + 1);
      // NOTE: log-uniform over [low, high + 1) then floored, so every integer keeps a non-zero share.
      const value = Math.floor(logUniform(domain.low, domain.high + 1, rng));
      return Math.min(domain.high, Math.max(domain.low, value));
    }
    case 'float': {
      const value = domain.log ? logUniform(domain.low, domain.high, rng) : domain.low + rng.next() * (domain.high - domain.low);
      return Math.min(domain.high, Math.max(domain.low, value));
    }
  }
}

/** The number of values of a finite domain; Infinity for float ranges. */
export function domainSize(domain: Domain): number {
  switch (domain.kind) {
    case 'categorical':
      return domain.choices.length;
    case 'ordinal':
      return domain.values.length;
    case 'integer':
      return domain.high - domain.low + 1;
    case 'float':
      return Number.POSITIVE_INFINITY;
  }
}

/** A short phrase for messages: "one of sgd, adam", "an integer in [1, 8]", "a number in [1e-05, 0.1]". */
export function describeDomain(domain: Domain): string {
  switch (domain.kind) {
    case 'categorical':
      return `one of ${domain.choices.map(formatScalar).join(', ')}`;
    case 'ordinal':
      return `one of ${domain.values.map(formatScalar).join(', ')}`;
    case 'integer':
      return `an integer in [${domain.low}, ${domain.high}]`;
    case 'float':
      return `a number in [${domain.low}, ${domain.high}]`;
  }
}

/** Writes a value as it would appear in a JSON space file, so strings and numbers are told apart. */
export function formatScalar(value: ParamValue | undefined): string {
  return value === undefined ? '(missing)' : JSON.stringify(value);
}

function logUniform(low: number, high: number, rng: Random): number {
  return Math.exp(Math.log(low) + rng.next() * (Math.log(high) - Math.log(low)));
}
