import type { Random } from '../util/random.ts';
import { isActive } from './conditions.ts';
import { inDomain, sampleDomain } from './domain.ts';
import { inFileOrder } from './pinned.ts';
import type { Config, ParamValue, SearchSpace } from './types.ts';

/** One configuration drawn from the space: active parameters sampled, inactive ones at their inactive value. */
export function sampleConfig(space: SearchSpace, rng: Random): Config {
  const byName = new Map(space.parameters.map((p) => [p.name, p]));
  const values: Record<string, ParamValue> = {};
  const active = new Set<string>();
  for (const name of space.order) {
    const spec = byName.get(name);
    if (!spec) continue;
    if (isActive(spec.conditions, values, active)) {
      active.add(name);
      values[name] = sampleDomain(spec.domain, rng);
    } else {
      values[name] = spec.inactive;
    }
  }
  return inFileOrder(values, space.parameters);
}

/** True when `config` could have been drawn from `space` (every value in its domain, conditions respected). */
export function configInSpace(space: SearchSpace, config: Readonly<Record<string, ParamValue>>): boolean {
  const byName = new Map(space.parameters.map((p) => [p.name, p]));
  if (Object.keys(config).some((key) => !byName.has(key))) return false;
  const active = new Set<string>();
  for (const name of space.order) {
    const spec = byName.get(name);
    if (!spec) continue;
    const value = config[name];
    if (isActive(spec.conditions, config, active)) {
      active.add(name);
      if (!inDomain(spec.domain, value)) return false;
    } else if (value !== spec.inactive) {
      return false;
    }
  }
  return true;
}
