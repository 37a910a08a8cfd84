import { conditionOrder } from './conditions.ts';
import { describeDomain, formatScalar, inDomain } from './domain.ts';
import { problem, type SpaceProblem } from './problems.ts';
import type { Domain, ParameterSpec, Scalar } from './types.ts';

/** The parameter every space must have: which pretrained model to finetune. */
export const MODEL_PARAMETER = 'model';

/**
 * Cross-field checks on the normalized parameters: domains, conditions (unknown parents, values outside
 * the parent's domain, cycles) and the `model` parameter. Returns the problems and a parents-first order.
 */
export function checkParameters(parameters: readonly ParameterSpec[]): {
  problems: SpaceProblem[];
  warnings: SpaceProblem[];
  order: readonly string[];
} {
  const problems: SpaceProblem[] = [];
  const warnings: SpaceProblem[] = [];
  const byName = new Map(parameters.map((p) => [p.name, p]));
  for (const spec of parameters) {
    const at = ['parameters', spec.name];
    if (spec.name.trim() === '') problems.push(problem(at, 'a parameter name must not be empty'));
    problems.push(...checkDomain(spec.domain, at));
    for (const condition of spec.conditions) {
      const where = [...at, 'when', condition.parent];
      const parent = byName.get(condition.parent);
      if (condition.parent === spec.name) {
        problems.push(problem(where, `a parameter cannot depend on itself`));
      } else if (!parent) {
        problems.push(problem(where, `unknown parameter '${condition.parent}' in the condition`));
      } else if (condition.values.length === 0) {
        problems.push(problem(where, 'the condition lists no values'));
      } else {
        for (const value of condition.values.filter((v) => !inDomain(parent.domain, v))) {
          problems.push(
            problem(where, `${formatScalar(value)} is not a value of '${parent.name}' (${describeDomain(parent.domain)})`),
          );
        }
      }
    }
    if (spec.default !== undefined && !inDomain(spec.domain, spec.default)) {
      problems.push(problem([...at, 'default'], `${formatScalar(spec.default)} is not ${describeDomain(spec.domain)}`));
    }
    if (spec.conditions.length === 0 && spec.inactive !== null) {
      warnings.push(problem([...at, 'inactive'], 'has no effect: the parameter has no condition (`when`)'));
    }
  }
  problems.push(...checkModel(byName.get(MODEL_PARAMETER)));
  const ordered = conditionOrder(parameters);
  if ('cycle' in ordered) {
    const [first = ''] = ordered.cycle;
    problems.push(
      problem(['parameters', first, 'when'], `conditions form a cycle: ${ordered.cycle.join(' -> ')} (each depends on the next)`),
    );
    return { problems, warnings, order: parameters.map((p) => p.name) };
  }
  return { problems, warnings, order: ordered.order };
}

function checkDomain(domain: Domain, at: readonly string[]): SpaceProblem[] {
  switch (domain.kind) {
    case 'categorical':
      return checkFinite(domain.choices, [...at, 'choices'], 'choices');
    case 'ordinal':
      return checkFinite(domain.values, [...at, 'values'], 'values');
    case 'integer':
    case 'float': {
      const out: SpaceProblem[] = [];
      if (domain.low >= domain.high) {
        out.push(problem([...at, 'low'], `low (${domain.low}) must be less than high (${domain.high})`));
      }
      if (domain.log && domain.low <= 0) {
        out.push(problem([...at, 'low'], `a log scale needs low > 0, got ${domain.low}`));
      }
      return out;
    }
  }
}

function checkFinite(values: readonly Scalar[], at: readonly string[], what: string): SpaceProblem[] {
  if (values.length === 0) return [problem(at, `${what} is empty: give at least one value`)];
  const out: SpaceProblem[] = [];
  values.forEach((value, index) => {
    if (values.indexOf(value) !== index) out.push(problem([...at, index], `${formatScalar(value)} is listed twice`));
  });
  return out;
}

function checkModel(model: ParameterSpec | undefined): SpaceProblem[] {
  const at = ['parameters', MODEL_PARAMETER];
  if (!model) {
    return [problem(at, `missing: every space needs a '${MODEL_PARAMETER}' parameter (the pretrained models to choose from)`)];
  }
  const out: SpaceProblem[] = [];
  if (model.domain.kind !== 'categorical') {
    out.push(problem([...at, 'type'], 'must be categorical (a list of model names)'));
  } else if (model.domain.choices.some((v) => typeof v !== 'string')) {
    out.push(problem([...at, 'choices'], 'every model must be a name (a string)'));
  }
  if (model.conditions.length > 0) out.push(problem([...at, 'when'], 'the model cannot be conditional'));
  return out;
}
