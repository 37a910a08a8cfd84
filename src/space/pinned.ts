import { canonicalJson } from '../util/canonical-json.ts';
import { isActive } from './conditions.ts';
import { describeDomain, formatScalar, inDomain } from './domain.ts';
import { problem, type SpaceProblem } from './problems.ts';
import { MODEL_PARAMETER } from './rules.ts';
import type { Config, ParamValue, ParameterSpec } from './types.ts';

/**
 * Completes and checks the pinned configurations: inactive parameters get their inactive value, active
 * ones left out get their default. A value outside its domain, a value for a parameter that is inactive in
 * that config, an unknown name or a missing active value is a problem naming `pinned[i].<name>`.
 */
export function resolvePinned(
  written: readonly Readonly<Record<string, ParamValue>>[],
  parameters: readonly ParameterSpec[],
  order: readonly string[],
): { pinned: Config[]; problems: SpaceProblem[]; warnings: SpaceProblem[] } {
  const problems: SpaceProblem[] = [];
  const warnings: SpaceProblem[] = [];
  const pinned: Config[] = [];
  const seen = new Map<string, number>();
  const byName = new Map(parameters.map((p) => [p.name, p]));
  written.forEach((entry, index) => {
    const before = problems.length;
    for (const key of Object.keys(entry).filter((k) => !byName.has(k))) {
      problems.push(problem(['pinned', index, key], `unknown parameter '${key}'`));
    }
    const values: Record<string, ParamValue> = {};
    const active = new Set<string>();
    for (const name of order) {
      const spec = byName.get(name);
      if (!spec) continue;
      const at = ['pinned', index, name];
      const given = entry[name];
      if (isActive(spec.conditions, values, active)) {
        active.add(name);
        const value = given ?? spec.default;
        if (value === undefined || value === null) {
          problems.push(problem(at, `missing: the parameter is active here and has no default`));
        } else if (!inDomain(spec.domain, value)) {
          problems.push(problem(at, `${formatScalar(value)} is not ${describeDomain(spec.domain)}`));
        }
        values[name] = value ?? null;
      } else {
        if (given !== undefined && given !== null && given !== spec.inactive) {
          problems.push(problem(at, `the parameter is inactive in this configuration (${whyInactive(spec)}); leave it out`));
        }
        values[name] = spec.inactive;
      }
    }
    if (problems.length > before) return;
    const config = inFileOrder(values, parameters);
    const key = canonicalJson(config);
    const first = seen.get(key);
    if (first !== undefined) {
      warnings.push(problem(['pinned', index], `the same configuration as pinned[${first}]; evaluated once`));
      return;
    }
    seen.set(key, index);
    pinned.push(config);
  });
  return { pinned, problems, warnings };
}

/** Rebuilds a config with its keys in the space file's order (readable JSON, CSV-friendly). */
export function inFileOrder(values: Readonly<Record<string, ParamValue>>, parameters: readonly ParameterSpec[]): Config {
  const out: Record<string, ParamValue> = {};
  for (const spec of parameters) out[spec.name] = values[spec.name] ?? null;
  const model = out[MODEL_PARAMETER];
  // NOTE: the rules guarantee a string model before any config is built; this keeps the type honest.
  if (typeof model !== 'string') throw new TypeError(`config without a model name: ${canonicalJson(values)}`);
  return { ...out, model };
}

function whyInactive(spec: ParameterSpec): string {
  return spec.conditions.map((c) => `needs ${c.parent} in ${c.values.map(formatScalar).join(', ')}`).join(' and ');
}
