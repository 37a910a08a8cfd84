import type { ParamValue } from '../space/types.ts';

/** A reason a configuration or a search space does not fit a predictor's encoding. */
export interface EncodingProblem {
  readonly kind: 'unknownParameter' | 'unknownCategory' | 'notNumeric' | 'absentParameter' | 'unknownModel';
  readonly parameter: string;
  readonly value?: ParamValue;
  /**
   * True when encoding would silently lose information the predictor relies on (an unknown parameter, a
   * category or a non-number it never saw). Non-fatal problems (a parameter the space lacks, which is then
   * always missing; a model with neither a one-hot column nor hub descriptors) are worth a warning.
   */
  readonly fatal: boolean;
  readonly message: string;
}

/** A search-space parameter and the values it can take (its choices, bounds, and its inactive value). */
export interface ParameterValues {
  readonly name: string;
  readonly values: readonly ParamValue[];
}

export function describeValue(value: ParamValue | undefined): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

export function listShort(items: readonly string[], max = 8): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, ... (${items.length} in all)`;
}
