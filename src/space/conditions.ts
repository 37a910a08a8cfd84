import type { Condition, ParamValue, ParameterSpec } from './types.ts';

/**
 * Whether a parameter is active given the values chosen so far: every condition's parent must be active
 * and hold one of the condition's values. `active` holds the names already found active.
 */
export function isActive(
  conditions: readonly Condition[],
  values: Readonly<Record<string, ParamValue>>,
  active: ReadonlySet<string>,
): boolean {
  return conditions.every(
    (condition) => active.has(condition.parent) && condition.values.some((value) => value === values[condition.parent]),
  );
}

/** Parents before children, or the first cycle found, closed and in the
 * "depends on" direction: [a, b, a] = a's condition names b and b's names a. */
export type OrderResult = { readonly order: readonly string[] } | { readonly cycle: readonly string[] };

/**
 * A stable topological order of the parameters by their conditions (file order among independent ones).
 * Conditions naming unknown parameters or the parameter itself are ignored here; the rules report them.
 */
export function conditionOrder(parameters: readonly ParameterSpec[]): OrderResult {
  const byName = new Map(parameters.map((p) => [p.name, p]));
  const parentsOf = (p: ParameterSpec): string[] =>
    p.conditions.map((c) => c.parent).filter((name) => name !== p.name && byName.has(name));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const stack: string[] = [];

  const visit = (name: string): readonly string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    const spec = byName.get(name);
    for (const parent of spec ? parentsOf(spec) : []) {
      const cycle = visit(parent);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    order.push(name);
    return undefined;
  };

  for (const p of parameters) {
    const cycle = visit(p.name);
    if (cycle) return { cycle };
  }
  return { order };
}

/** The names of the parameters active in `config` (a config drawn from or pinned in this space). */
export function activeParameters(
  space: { readonly parameters: readonly ParameterSpec[]; readonly order: readonly string[] },
  config: Readonly<Record<string, ParamValue>>,
): Set<string> {
  const byName = new Map(space.parameters.map((p) => [p.name, p]));
  const active = new Set<string>();
  for (const name of space.order) {
    const spec = byName.get(name);
    if (spec && isActive(spec.conditions, config, active)) active.add(name);
  }
  return active;
}
