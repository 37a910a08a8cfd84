import type { WrittenParameter, WrittenSpace } from './schema.ts';
import type { Condition, Domain, ParameterSpec } from './types.ts';

/** Written parameters -> resolved specs: `when` maps become condition lists, omitted `inactive` becomes null. */
export function normalizeParameters(written: WrittenSpace): ParameterSpec[] {
  return Object.entries(written.parameters).map(([name, parameter]) => ({
    name,
    domain: domainOf(parameter),
    conditions: conditionsOf(parameter),
    inactive: parameter.inactive ?? null,
    default: parameter.default,
  }));
}

function domainOf(parameter: WrittenParameter): Domain {
  switch (parameter.type) {
    case 'categorical':
      return { kind: 'categorical', choices: parameter.choices };
    case 'ordinal':
      return { kind: 'ordinal', values: parameter.values };
    case 'integer':
      return { kind: 'integer', low: parameter.low, high: parameter.high, log: parameter.log };
    case 'float':
      return { kind: 'float', low: parameter.low, high: parameter.high, log: parameter.log };
  }
}

function conditionsOf(parameter: WrittenParameter): Condition[] {
  return Object.entries(parameter.when ?? {}).map(([parent, values]) => ({
    parent,
    values: Array.isArray(values) ? values : [values],
  }));
}
