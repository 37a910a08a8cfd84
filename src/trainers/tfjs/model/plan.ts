import { hasWeights, type IrModel, type IrNode } from './ir.ts';

/** Which part of a backbone is frozen, and where its cached activations are taken. */
export interface NetworkPlan {
  /** The backbone: ancestors of the feature node (inclusive), topologically ordered. */
  readonly nodes: readonly IrNode[];
  readonly featureNode: string;
  /** Weighted nodes ("layers" for pct_to_freeze), input side first. */
  readonly layers: readonly string[];
  /** How many of `layers` are frozen (the first ones). */
  readonly frozenLayers: number;
  /** Nodes computable from frozen weights alone: they never change during finetuning. */
  readonly prefix: ReadonlySet<string>;
  /** Prefix nodes read by the trainable part (empty when the whole backbone is frozen). */
  readonly frontier: readonly string[];
  /** The rest of the backbone, in order; empty when everything is frozen. */
  readonly trainable: readonly IrNode[];
}

/**
 * The node whose 4-D output feeds the original classifier: walking back from the output through the classifier
 * (dense layers and their activations, dropout, softmax, flatten, global pooling, a pooling that feeds them),
 * the first node of another kind.
 */
export function defaultFeatureNode(ir: IrModel): string {
  const byName = new Map(ir.nodes.map((n) => [n.name, n]));
  let node = byName.get(ir.output);
  let flattened = false;
  const isClassifier = (n: IrNode): boolean => {
    switch (n.op.kind) {
      case 'dense':
      case 'flatten':
      case 'identity':
      case 'global-pool':
        return true;
      case 'pool':
        return flattened;
      case 'activation':
        return n.op.activation === 'softmax' || byName.get(n.inputs[0] ?? '')?.op.kind === 'dense';
      default:
        return false;
    }
  };
  while (node && node.inputs.length === 1 && isClassifier(node)) {
    if (node.op.kind !== 'identity' && node.op.kind !== 'activation') flattened = true;
    node = byName.get(node.inputs[0] ?? '');
  }
  if (!node || node.op.kind === 'input') throw new Error('could not find the feature layer: set trainer.feature_node in the model hub');
  return node.name;
}

/** Ancestors of `featureNode` (inclusive) in topological order. */
function backbone(ir: IrModel, featureNode: string): IrNode[] {
  const byName = new Map(ir.nodes.map((n) => [n.name, n]));
  if (!byName.has(featureNode)) throw new Error(`feature node '${featureNode}' is not in the model`);
  const needed = new Set<string>();
  const stack = [featureNode];
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (needed.has(name)) continue;
    needed.add(name);
    for (const input of byName.get(name)?.inputs ?? []) stack.push(input);
  }
  return ir.nodes.filter((n) => needed.has(n.name));
}

/**
 * Freezes the first `round(pctToFreeze · L)` weighted layers (input side) of the backbone and finds the
 * frozen prefix: every node whose inputs and weights are all frozen. Its boundary is the frontier whose
 * activations can be cached, so that an epoch only runs the trainable top.
 */
export function planNetwork(ir: IrModel, featureNode: string, pctToFreeze: number): NetworkPlan {
  const nodes = backbone(ir, featureNode);
  const layers = nodes.filter(hasWeights).map((n) => n.name);
  const frozenLayers = Math.round(Math.min(1, Math.max(0, pctToFreeze)) * layers.length);
  const frozenSet = new Set(layers.slice(0, frozenLayers));
  const prefix = new Set<string>();
  for (const node of nodes) {
    const weightsFrozen = !hasWeights(node) || frozenSet.has(node.name);
    if (weightsFrozen && node.inputs.every((i) => prefix.has(i))) prefix.add(node.name);
  }
  const trainable = nodes.filter((n) => !prefix.has(n.name));
  const frontierSet = new Set<string>();
  for (const node of trainable) for (const input of node.inputs) if (prefix.has(input)) frontierSet.add(input);
  return {
    nodes,
    featureNode,
    layers,
    frozenLayers,
    prefix,
    frontier: nodes.filter((n) => frontierSet.has(n.name)).map((n) => n.name),
    trainable,
  };
}
